"""URLs, checked the way the API fetches them: the server's answer first, then the media.

:func:`read_url` asks the server (:mod:`validator.probe.http`). When that
answer already fails the profile (404 → 1008; 401/403, 5xx, a timeout, a
private address; a ``Content-Length`` over the size limit → 1207; an HTML
page) no body is read. Otherwise FFmpeg's libraries (PyAV, the ``libav``
backend) read the media in-process through a
:class:`~validator.probe.http.RangeReader`. URLs are always read this way,
whatever the ``probe`` choice: MediaInfo cannot read a stream and ffprobe
would have to fetch the URL itself.

The limits are the ``url-reachable`` and ``url-read-limit`` rules' options.
"""

from __future__ import annotations

from typing import Any

from validator.check.engine import evaluate
from validator.probe.base import ProbeFailed, problem_facts
from validator.probe.http import (
    Answer,
    FetchFailed,
    HttpLimits,
    HttpSession,
    RangeReader,
    preflight,
)
from validator.probe.libav import LibavBackend
from validator.profiles.profile import Profile
from validator.records.facts import MediaFacts, RemoteFacts, status_text
from validator.rules import url_reachable, url_read_limit

_LIBAV = LibavBackend()
_LIMIT_RULES = (url_reachable.RULE, url_read_limit.RULE)


def limits_for(profile: Profile) -> HttpLimits:
    """The limits the ``url-reachable`` and ``url-read-limit`` options set (their defaults
    where a rule is not active)."""
    values: dict[str, Any] = {}
    for rule in _LIMIT_RULES:
        values.update(rule.options()._asdict())
    for active in profile.rules:
        if active.rule in _LIMIT_RULES:
            values.update(active.options._asdict())
    return HttpLimits(**values)


def _source() -> str:
    return f"{_LIBAV.version()} over HTTP"


def _unread(answer: Answer, problem: str) -> MediaFacts:
    """Facts for a URL whose media was not read: what its headers say."""
    return MediaFacts(path=answer.remote.url, source=_source(), size_bytes=answer.size,
                      problem=problem, problem_kind="remote", bytes_read=0,
                      remote=answer.remote)


def _probe(session: HttpSession, answer: Answer) -> MediaFacts:
    """Read the media by ranges with FFmpeg's libraries; every failure becomes facts."""
    shown = answer.remote.url
    reader = RangeReader(session, answer.url, answer.size)
    try:
        facts = _LIBAV.read_stream(shown, reader)
    except ProbeFailed as exc:
        facts = problem_facts(shown, _source(), "parse", str(exc))
    except FetchFailed as exc:
        reader.stop(exc)
        facts = problem_facts(shown, _source(), "remote", f"not read: {exc.detail}")
    finally:
        reader.close()
    failure = reader.failure
    remote = answer.remote
    if failure is not None:
        if facts.problem_kind == "parse":
            facts = problem_facts(shown, _source(), "remote", f"not read: {failure.detail}")
        remote = remote._replace(failure=failure.kind, detail=failure.detail,
                                 status=failure.status or remote.status)
    if reader.ranges is not None:
        remote = remote._replace(ranges=reader.ranges)
    return facts._replace(source=_source(),
                          size_bytes=answer.size or reader.size or facts.size_bytes,
                          bytes_read=reader.bytes_read, remote=remote)


def read_url(url: str, profile: Profile) -> MediaFacts:
    """The facts of a URL: its server's answer, then (unless that already fails) its media."""
    with HttpSession(limits_for(profile)) as session:
        answer = preflight(session, url)
        if answer.remote.failure is not None:
            return _unread(answer, f"not fetched: {_failure_text(answer.remote)}")
        headers_only = _unread(answer, "not read: its headers already fail the check")
        if any(f.severity == "error" for f in evaluate(profile, headers_only)):
            return headers_only
        return _probe(session, answer)


def _failure_text(remote: RemoteFacts) -> str:
    return remote.detail or status_text(remote.status)
