"""URL rules: a ``video_url`` / ``audio_url`` / ``url`` is fetched by the API itself.

A path that is an ``http://`` or ``https://`` URL is checked the way the API
will see it: a HEAD request (or a ranged GET when HEAD is refused) gives the
status, size and type; then the media is read through HTTP range requests,
never downloaded whole. These rules judge the server's answers; the media
rules (codec, duration, ...) then judge what was read. The request limits
are these rules' options.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from validator.records.facts import MediaFacts, status_text
from validator.rules.base import NoOptions, Rule, Violation, docstring

BOTH = ("video", "audio")

EXISTS_DOC = """1008 — the URL must name content that exists (no 404 Not Found or 410 Gone).

The API fetches the URL itself; when the server answers 404 or 410 it
reports 1008, "the content you get does not exist".

Fix: check the URL (a typo, a moved or deleted file, an expired share link).
"""

REACHABLE_DOC = """The server must let the API fetch the URL (no code: the API's fetch fails).

Fails for 401/403 (not accessible: the API sends no login or cookies), 5xx
server errors and timeouts (the server failed; a retry may help), connection
failures, other HTTP errors, more redirects than allowed, redirects to
anything but ``http``/``https``, and hosts (first or after a redirect) that
resolve to a loopback, private or link-local address: the API fetches from
the internet, so such a URL is refused without connecting.

Options: ``connect_timeout_s`` and ``read_timeout_s`` (how long to wait for
the server), ``max_redirects``, ``allow_private_urls`` (false; set for one run
by ``--allow-private-urls`` or ``validate(..., allow_private_urls=True)``, to
test against a local server).

Fix: make the file public or use a pre-signed URL that has not expired; for
server errors, retry later or host the file elsewhere.
"""

CONTENT_TYPE_DOC = """The URL must serve media, not a web page (no code).

A ``Content-Type`` that is clearly not media (``text/html``, ``text/*``,
JSON, XML, PDF) usually means a link to a page *about* the file (a share or
preview page, a login page) rather than to the file itself. Types the server
does not know (``application/octet-stream``) are fine.

Fix: link to the file itself (a direct-download or pre-signed URL).
"""

READ_LIMIT_DOC = """The media must be readable within the limits of one URL (no code).

The media is read through HTTP range requests, only what FFmpeg asks for (an
MP4 index at the end of the file included), up to ``max_bytes`` bytes and
``max_seconds`` seconds per URL: one wall-clock limit across every request,
headers included, so a server that drips its answer slowly is cut off there.
A server that ignores ``Range`` sends the file from its start: reading stops
at the byte limit instead of downloading it all, and when FFmpeg needed more
the file could not be checked (an error: nothing is passed unchecked; a
warning when what was read was enough).

Fix: serve the file from a host that supports range requests (any object
store or CDN does), move the MP4 index to the front
(``ffmpeg -i in.mp4 -c copy -movflags +faststart out.mp4``), or check a
downloaded copy.
"""


class ReachableOptions(NamedTuple):
    connect_timeout_s: float = 5.0
    read_timeout_s: float = 10.0
    max_redirects: int = 5
    allow_private_urls: bool = False


class ReadLimitOptions(NamedTuple):
    max_bytes: int = 16 * 1024 * 1024
    max_seconds: float = 20.0


def check_exists(facts: MediaFacts, options: NoOptions) -> Iterator[Violation]:
    remote = facts.remote
    if remote is not None and remote.failure == "not-found":
        yield Violation(f"the URL answers {status_text(remote.status)}: there is no content "
                        "there for the API to fetch", actual=remote.status)


_RETRY = "the API could not fetch it either — a retry may help"
_REACHABLE_HINTS = {
    "forbidden": "Make the file public, or give a pre-signed URL that has not expired.",
    "server-error": "Retry later, or host the file elsewhere.",
    "timeout": "Retry later, or host the file elsewhere.",
}


def _reachable_message(failure: str, status: int | None, detail: str | None) -> str:
    said = status_text(status)
    if failure == "forbidden":
        return f"not accessible: the server answers {said} (the API fetches it without " \
               "your login or cookies)"
    if failure == "server-error":
        return f"the server failed: it answers {said}; {_RETRY}"
    if failure == "timeout":
        return f"the server failed to answer in time ({detail}); {_RETRY}"
    if failure == "connection":
        return f"cannot fetch it: {detail}"
    if failure == "redirect":
        return f"cannot follow its redirects: {detail}"
    return f"the server answers {said}" + (f" ({detail})" if detail else "")


def check_reachable(facts: MediaFacts, options: ReachableOptions) -> Iterator[Violation]:
    remote = facts.remote
    if remote is None or remote.failure in (None, "not-found", "budget"):
        return
    assert remote.failure is not None
    yield Violation(_reachable_message(remote.failure, remote.status, remote.detail),
                    actual=remote.status, hint=_REACHABLE_HINTS.get(remote.failure))


_NOT_MEDIA = ("application/json", "application/xml", "application/xhtml+xml",
              "application/javascript", "application/pdf", "application/x-www-form-urlencoded")


def media_type(content_type: str | None) -> str | None:
    """'text/html; charset=utf-8' → 'text/html'."""
    if not content_type:
        return None
    return content_type.split(";", 1)[0].strip().lower() or None


def not_media(content_type: str | None) -> bool:
    """Whether a Content-Type clearly names something that is not audio or video."""
    kind = media_type(content_type)
    return kind is not None and (kind.startswith("text/") or kind in _NOT_MEDIA)


def check_content_type(facts: MediaFacts, options: NoOptions) -> Iterator[Violation]:
    remote = facts.remote
    if remote is None or remote.failure is not None or not not_media(remote.content_type):
        return
    kind = media_type(remote.content_type)
    page = " (a web page)" if kind in ("text/html", "application/xhtml+xml") else ""
    yield Violation(f"the server sends {kind}{page}, not media: is this a link to a page "
                    "about the file rather than to the file itself?", actual=kind)


def check_read_limit(facts: MediaFacts, options: ReadLimitOptions) -> Iterator[Violation]:
    remote = facts.remote
    if remote is None or remote.failure != "budget":
        return
    if facts.readable:
        yield Violation(f"{remote.detail}; the facts come from what was read", advisory=True)
    else:
        yield Violation(f"not checked: {remote.detail}", limit=options.max_bytes)


URL_EXISTS = Rule(
    id="url-exists",
    code=1008,
    severity="error",
    summary="a URL names content that exists (not 404/410)",
    hint="Check the URL: a typo, a moved or deleted file, or an expired link.",
    doc=docstring(EXISTS_DOC),
    check=check_exists,
    applies_to_unreadable=True,
    inputs=BOTH,
)

URL_REACHABLE = Rule(
    id="url-reachable",
    code=None,
    severity="error",
    summary="the server lets the API fetch the URL (no 401/403/5xx/timeout)",
    hint="Make the file public or pre-sign the URL; for server errors, retry later.",
    doc=docstring(REACHABLE_DOC),
    check=check_reachable,
    options=ReachableOptions,
    constraints={"connect_timeout_s": {"gt": 0}, "read_timeout_s": {"gt": 0},
                 "max_redirects": {"ge": 0}},
    applies_to_unreadable=True,
    inputs=BOTH,
)

URL_CONTENT_TYPE = Rule(
    id="url-content-type",
    code=None,
    severity="error",
    summary="the URL serves media, not a web page",
    hint="Link to the file itself (a direct-download or pre-signed URL), not to a page.",
    doc=docstring(CONTENT_TYPE_DOC),
    check=check_content_type,
    applies_to_unreadable=True,
    inputs=BOTH,
)

URL_READ_LIMIT = Rule(
    id="url-read-limit",
    code=None,
    severity="error",
    summary="a URL's media is readable within the byte and time limits",
    hint="Serve it with range requests, or move the MP4 index to the front: "
    "`ffmpeg -i in.mp4 -c copy -movflags +faststart out.mp4`.",
    doc=docstring(READ_LIMIT_DOC),
    check=check_read_limit,
    options=ReadLimitOptions,
    constraints={"max_bytes": {"gt": 0}, "max_seconds": {"gt": 0}},
    applies_to_unreadable=True,
    inputs=BOTH,
)
