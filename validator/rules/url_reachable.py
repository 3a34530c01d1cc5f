"""The server must let the API fetch the URL (no code: the API's fetch fails).

Fails for 401/403 (not accessible: the API sends no login or cookies), 5xx
server errors and timeouts (the server failed; a retry may help), connection
failures, other HTTP errors, more redirects than ``max_redirects``,
redirects to anything but http or https, and hosts (first or after a
redirect) that resolve to a loopback, private or link-local address: the API
fetches from the internet, so such a URL is refused without connecting.
``connect_timeout_s`` and ``read_timeout_s`` say how long to wait for the
server; ``allow_private_urls`` (false; set for one run by
``--allow-private-urls`` or ``validate(..., allow_private_urls=True)``) lets a
local server be tested.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from validator.records.facts import MediaFacts
from validator.rules.base import Rule, Violation, docstring
from validator.rules.url import URL_INPUTS, status_text


class Options(NamedTuple):
    connect_timeout_s: float = 5.0
    read_timeout_s: float = 10.0
    max_redirects: int = 5
    allow_private_urls: bool = False


_RETRY = "the API could not fetch it either — a retry may help"
_HINTS = {
    "forbidden": "Make the file public, or give a pre-signed URL that has not expired.",
    "server-error": "Retry later, or host the file elsewhere.",
    "timeout": "Retry later, or host the file elsewhere.",
}


def _message(failure: str, status: int | None, detail: str | None) -> str:
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


def check(facts: MediaFacts, options: Options) -> Iterator[Violation]:
    remote = facts.remote
    if remote is None or remote.failure in (None, "not-found", "budget"):
        return
    assert remote.failure is not None
    yield Violation(_message(remote.failure, remote.status, remote.detail),
                    actual=remote.status, hint=_HINTS.get(remote.failure))


RULE = Rule(
    id="url-reachable",
    code=None,
    severity="error",
    summary="the server lets the API fetch the URL (no 401/403/5xx/timeout)",
    hint="Make the file public or pre-sign the URL (one that has not expired); for server "
    "errors, retry later or host the file elsewhere.",
    doc=docstring(__doc__),
    check=check,
    options=Options,
    constraints={"connect_timeout_s": {"gt": 0}, "read_timeout_s": {"gt": 0},
                 "max_redirects": {"ge": 0}},
    applies_to_unreadable=True,
    inputs=URL_INPUTS,
)
