"""URLs, checked the way the API fetches them: the server's answer first, then the media by ranges.

:func:`inspect_url` asks the server with HEAD (a ranged GET when HEAD is
refused), following at most ``max_redirects`` redirects, and only to
``http``/``https`` URLs. When that answer already fails the profile (404 →
1008; 401/403, 5xx, a timeout; a ``Content-Length`` over the size limit →
1207; an HTML page) no body is read. Otherwise FFmpeg's libraries (PyAV, the
``libav`` backend) read the media in-process through a :class:`RangeReader`:
a seekable file over HTTP ``Range`` requests that fetches only the blocks
FFmpeg asks for (an MP4 index at the end of the file included), keeps a
small cache and stops at a byte and a time budget. A server that ignores
``Range`` is read from its start, up to the byte budget. URLs are always read
this way, whatever the ``probe`` choice: MediaInfo cannot read a stream and
ffprobe would have to fetch the URL itself.

The limits are the ``url-reachable`` and ``url-read-limit`` rules' options.
Every URL in facts, findings and messages is redacted (:mod:`validator.records.redact`).
"""

from __future__ import annotations

import io
import time
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import httpx

from validator._version import __version__
from validator.check.engine import doubts, evaluate
from validator.probe.base import ProbeFailed, problem_facts
from validator.probe.libav import LibavBackend
from validator.profiles.profile import Profile
from validator.records.facts import MediaFacts, RemoteFacts, RemoteFailure
from validator.records.findings import Finding, Report
from validator.records.redact import redact_url, scrub
from validator.rules import url as url_rules
from validator.rules.url import status_text

BLOCK_SIZE = 64 * 1024
CACHE_BLOCKS = 64
MAX_READ_AHEAD_BLOCKS = 16
_REDIRECT_STATUSES = (301, 302, 303, 307, 308)
_HTTP_SCHEMES = ("http", "https")
_LIBAV = LibavBackend()


@dataclass(frozen=True)
class HttpLimits:
    """How long to wait and how much to read for one URL."""

    connect_timeout_s: float = 5.0
    read_timeout_s: float = 10.0
    max_redirects: int = 5
    max_bytes: int = 16 * 1024 * 1024
    max_seconds: float = 20.0


def limits_for(profile: Profile) -> HttpLimits:
    """The limits a profile sets with the ``url-reachable`` and ``url-read-limit`` options."""
    values: dict[str, Any] = {}
    for active in profile.rules:
        if active.rule.id in (url_rules.URL_REACHABLE.id, url_rules.URL_READ_LIMIT.id):
            values.update(active.options._asdict())
    return HttpLimits(**values)


class FetchFailed(OSError):
    """The server did not give the media (or not within the limits); ``kind`` says how."""

    def __init__(self, kind: RemoteFailure, detail: str, status: int | None = None) -> None:
        super().__init__(detail)
        self.kind, self.detail, self.status = kind, detail, status


def classify(status: int) -> RemoteFailure | None:
    """What an HTTP status means for the API's fetch (None: it gets the content)."""
    if 200 <= status < 300:
        return None
    if status in (404, 410):
        return "not-found"
    if status in (401, 403):
        return "forbidden"
    if status >= 500 or status in (408, 429):
        return "server-error"
    return "http-error"


def open_client(limits: HttpLimits) -> httpx.Client:
    """An HTTP client with the limits' timeouts; redirects are followed by :func:`send`."""
    timeout = httpx.Timeout(connect=limits.connect_timeout_s, read=limits.read_timeout_s,
                            write=limits.read_timeout_s, pool=limits.connect_timeout_s)
    headers = {"User-Agent": f"media-preflight/{__version__}", "Accept-Encoding": "identity"}
    return httpx.Client(timeout=timeout, follow_redirects=False, headers=headers)


def _timeout_text(exc: httpx.TimeoutException, limits: HttpLimits) -> str:
    if isinstance(exc, httpx.ConnectTimeout):
        return f"no connection within {limits.connect_timeout_s:g} s"
    return f"no answer within {limits.read_timeout_s:g} s"


def _error_text(exc: Exception, *urls: str) -> str:
    text = str(exc) or type(exc).__name__
    return scrub(text, *urls)


def send(client: httpx.Client, method: str, url: str, limits: HttpLimits,
         headers: dict[str, str] | None = None) -> tuple[httpx.Response, str, int]:
    """Send a request, following redirects (http/https only, at most ``max_redirects``).

    Returns the open (streaming) response, the URL that gave it and the number
    of redirects; raises :class:`FetchFailed`.
    """
    target, redirects = url, 0
    while True:
        try:
            request = client.build_request(method, target, headers=headers)
            response = client.send(request, stream=True)
        except httpx.TimeoutException as exc:
            raise FetchFailed("timeout", _timeout_text(exc, limits)) from None
        except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
            raise FetchFailed("connection", _error_text(exc, url, target)) from None
        location = response.headers.get("location")
        if response.status_code not in _REDIRECT_STATUSES or not location:
            return response, target, redirects
        response.close()
        target = _redirect_target(target, location, response.status_code)
        redirects += 1
        if redirects > limits.max_redirects:
            raise FetchFailed("redirect", f"more than {limits.max_redirects} redirects",
                              response.status_code)
        if response.status_code == 303 and method != "HEAD":
            method = "GET"


def _redirect_target(current: str, location: str, status: int) -> str:
    target = urljoin(current, location)
    scheme = target.split(":", 1)[0].lower()
    if scheme not in _HTTP_SCHEMES:
        raise FetchFailed("redirect", f"redirected to a {scheme}: URL (the API fetches only "
                          "http and https)", status)
    return target


@dataclass(frozen=True)
class Answer:
    """What the server said before any body was read."""

    remote: RemoteFacts
    url: str
    size: int | None


def content_range(header: str | None) -> tuple[int | None, int | None]:
    """'bytes 0-0/686645' → (0, 686645); an unknown part is None."""
    if not header or not header.startswith("bytes "):
        return None, None
    span, _, total = header[6:].partition("/")
    start = span.split("-", 1)[0]
    return (int(start) if start.isdigit() else None,
            int(total) if total.strip().isdigit() else None)


def _size_of(response: httpx.Response) -> int | None:
    if response.status_code == 206:
        return content_range(response.headers.get("content-range"))[1]
    length = response.headers.get("content-length", "")
    if 200 <= response.status_code < 300 and length.strip().isdigit():
        return int(length)
    return None


def _ranges_of(response: httpx.Response) -> bool | None:
    if response.status_code == 206:
        return True
    accepts = response.headers.get("accept-ranges", "").strip().lower()
    return {"bytes": True, "none": False}.get(accepts)


def preflight(client: httpx.Client, url: str, limits: HttpLimits) -> Answer:
    """HEAD the URL, or GET its first byte when HEAD is refused (S3 pre-signed GET URLs do)."""
    shown = redact_url(url)
    try:
        response, final, redirects = send(client, "HEAD", url, limits)
        response.close()
        if classify(response.status_code) not in (None, "not-found"):
            response, final, redirects = send(client, "GET", url, limits,
                                              headers={"Range": "bytes=0-0"})
            response.close()
    except FetchFailed as exc:
        return Answer(RemoteFacts(url=shown, status=exc.status, failure=exc.kind,
                                  detail=exc.detail), url, None)
    status = response.status_code
    size = _size_of(response)
    remote = RemoteFacts(
        url=shown, final_url=redact_url(final) if final != url else None, redirects=redirects,
        status=status, content_type=response.headers.get("content-type"), content_length=size,
        ranges=_ranges_of(response), failure=classify(status),
        detail=None if classify(status) is None else f"HTTP {status_text(status)}")
    return Answer(remote, final, size)


class _WholeBody:
    """The body of a 200 answer to a ranged GET (Range ignored): read from its start, on demand."""

    def __init__(self, response: httpx.Response, reader: RangeReader) -> None:
        self.response, self.reader = response, reader
        self.chunks: Iterator[bytes] = response.iter_bytes(BLOCK_SIZE)
        self.data = bytearray()
        self.done = False

    def read_at(self, start: int, length: int) -> bytes:
        while len(self.data) < start + length and not self.done:
            if self.reader.bytes_read + BLOCK_SIZE > self.reader.limits.max_bytes:
                self.close()
                raise self.reader.stop(FetchFailed(
                    "budget", f"the server ignores Range requests and sends the whole file; "
                    f"stopped after reading {self.reader.bytes_read:,} bytes (the limit is "
                    f"{self.reader.limits.max_bytes:,}) without finding what FFmpeg needs"))
            self.reader.check_deadline()
            chunk = self.reader.next_chunk(self.chunks)
            if chunk is None:
                self.done = True
                self.close()
            else:
                self.reader.bytes_read += len(chunk)
                self.data += chunk
        return bytes(self.data[start:start + length])

    def close(self) -> None:
        self.response.close()


class RangeReader(io.RawIOBase):
    """A seekable, read-only file over HTTP Range requests, within a byte and a time budget.

    Reads are served from 64 KiB blocks fetched on demand (a run of missing
    blocks in one request; read-ahead grows while reading is sequential) and
    kept in a small LRU cache. ``bytes_read`` counts the body bytes received.
    Before a read would pass ``limits.max_bytes`` or the deadline it raises
    :class:`FetchFailed` (kind ``budget``), remembered in ``failure``; later reads
    then find the end of the file, as PyAV prints a traceback for every exception
    raised after the first. A server that answers a ranged GET with 200
    (ignoring Range) is read as one stream from its start, up to the budget,
    never further.
    """

    def __init__(self, client: httpx.Client, url: str, size: int | None, limits: HttpLimits,
                 deadline: float) -> None:
        super().__init__()
        self.client, self.url, self.size, self.limits = client, url, size, limits
        self.deadline = deadline
        self.bytes_read = 0
        self.ranges: bool | None = None
        self.failure: FetchFailed | None = None
        self._pos = 0
        self._blocks: OrderedDict[int, bytes] = OrderedDict()
        self._ahead = 0
        self._sequential_at = -1
        self._whole: _WholeBody | None = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            target = offset
        elif whence == io.SEEK_CUR:
            target = self._pos + offset
        elif whence == io.SEEK_END:
            if self.size is None:
                raise OSError("the server did not say how large the file is")
            target = self.size + offset
        else:
            raise ValueError(f"unsupported whence {whence}")
        if target < 0:
            raise OSError("seek before the start of the file")
        self._pos = target
        return target

    def readinto(self, buffer: Any) -> int:
        if self.failure is not None:
            return 0   # stopped: FFmpeg sees the end (raising again would make PyAV print)
        view = memoryview(buffer).cast("B")
        wanted = len(view) if self.size is None else min(len(view), self.size - self._pos)
        if wanted <= 0:
            return 0
        data = self._read_at(self._pos, wanted)
        view[:len(data)] = data
        self._pos += len(data)
        return len(data)

    def close(self) -> None:
        if self._whole is not None:
            self._whole.close()
        super().close()

    def stop(self, failure: FetchFailed) -> FetchFailed:
        """Remember why reading stopped (FFmpeg may swallow the exception) and return it."""
        self.failure = failure
        return failure

    def check_deadline(self) -> None:
        if time.monotonic() > self.deadline:
            raise self.stop(FetchFailed(
                "budget", f"stopped after {self.limits.max_seconds:g} s (the time limit for "
                f"one URL), having read {self.bytes_read:,} bytes"))

    def next_chunk(self, chunks: Iterator[bytes]) -> bytes | None:
        """The next piece of a response body (None at its end); network errors → FetchFailed."""
        try:
            return next(chunks)
        except StopIteration:
            return None
        except httpx.TimeoutException:
            raise self.stop(FetchFailed(
                "timeout", f"no data within {self.limits.read_timeout_s:g} s")) from None
        except httpx.HTTPError as exc:
            raise self.stop(FetchFailed(
                "connection", f"the body broke off: {_error_text(exc, self.url)}")) from None

    def _read_at(self, start: int, length: int) -> bytes:
        if self._whole is None:
            first, last = start // BLOCK_SIZE, (start + length - 1) // BLOCK_SIZE
            missing = [index for index in range(first, last + 1) if index not in self._blocks]
            if missing:
                self._fetch(missing[0], missing[-1])
        if self._whole is not None:
            return self._whole.read_at(start, length)
        return self._cached(start, length)

    def _cached(self, start: int, length: int) -> bytes:
        first = start // BLOCK_SIZE
        pieces = []
        for index in range(first, (start + length - 1) // BLOCK_SIZE + 1):
            block = self._blocks.get(index)
            if block is None:
                break
            self._blocks.move_to_end(index)
            pieces.append(block)
        offset = start - first * BLOCK_SIZE
        return b"".join(pieces)[offset:offset + length]

    def _span(self, first: int, count: int) -> int:
        """Bytes in ``count`` blocks from block ``first`` (the last one may be short)."""
        end = (first + count) * BLOCK_SIZE
        if self.size is not None:
            end = min(end, self.size)
        return max(0, end - first * BLOCK_SIZE)

    def _fetch(self, first: int, last: int) -> None:
        start = first * BLOCK_SIZE
        sequential = start == self._sequential_at
        self._ahead = min(max(1, self._ahead * 2), MAX_READ_AHEAD_BLOCKS) if sequential else 0
        needed = last - first + 1
        count = needed + self._ahead
        left = self.limits.max_bytes - self.bytes_read
        while count > needed and self._span(first, count) > left:
            count -= 1
        length = self._span(first, count)
        if length > left:
            raise self.stop(FetchFailed(
                "budget", f"FFmpeg needs more than the {self.limits.max_bytes:,} bytes one URL "
                f"may read (read {self.bytes_read:,} so far)"))
        self.check_deadline()
        self._request(start, length)

    def _request(self, start: int, length: int) -> None:
        headers = {"Range": f"bytes={start}-{start + length - 1}"}
        try:
            response, _, _ = send(self.client, "GET", self.url, self.limits, headers=headers)
        except FetchFailed as exc:
            raise self.stop(exc) from None
        status = response.status_code
        if status == 200:
            self.ranges = False
            self._whole = _WholeBody(response, self)
            return
        try:
            if status == 206:
                self.ranges = True
                self._store(start, self._receive(response, start, length))
            elif status != 416:            # 416: nothing there (past the end)
                raise self.stop(FetchFailed(classify(status) or "http-error",
                                            f"a range request got HTTP {status_text(status)}",
                                            status))
        finally:
            response.close()

    def _receive(self, response: httpx.Response, start: int, length: int) -> bytes:
        got_start, total = content_range(response.headers.get("content-range"))
        if got_start is not None and got_start != start:
            raise self.stop(FetchFailed("http-error", f"asked for the bytes from {start:,}, "
                                        f"the server sent those from {got_start:,}"))
        if self.size is None and total is not None:
            self.size = total
        data = bytearray()
        chunks = response.iter_bytes(BLOCK_SIZE)
        while len(data) < length:
            self.check_deadline()
            chunk = self.next_chunk(chunks)
            if chunk is None:
                break
            used = chunk[:length - len(data)]
            self.bytes_read += len(used)
            data += used
        return bytes(data)

    def _store(self, start: int, data: bytes) -> None:
        """Cache whole blocks, and a short one only where the file ends."""
        for offset in range(0, len(data), BLOCK_SIZE):
            block = data[offset:offset + BLOCK_SIZE]
            if len(block) == BLOCK_SIZE or self.size in (None, start + offset + len(block)):
                self._blocks[(start + offset) // BLOCK_SIZE] = block
        self._sequential_at = start + len(data)
        while len(self._blocks) > CACHE_BLOCKS:
            self._blocks.popitem(last=False)


def _source() -> str:
    return f"{_LIBAV.version()} over HTTP"


def _unread(answer: Answer, problem: str) -> MediaFacts:
    """Facts for a URL whose media was not read: what its headers say."""
    return MediaFacts(path=answer.remote.url, source=_source(), size_bytes=answer.size,
                      problem=problem, problem_kind="remote", bytes_read=0,
                      remote=answer.remote)


def _probe(client: httpx.Client, answer: Answer, limits: HttpLimits,
           deadline: float) -> MediaFacts:
    """Read the media by ranges with FFmpeg's libraries; every failure becomes facts."""
    shown = answer.remote.url
    reader = RangeReader(client, answer.url, answer.size, limits, deadline)
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
    limits = limits_for(profile)
    deadline = time.monotonic() + limits.max_seconds
    with open_client(limits) as client:
        answer = preflight(client, url, limits)
        if answer.remote.failure is not None:
            return _unread(answer, f"not fetched: {_failure_text(answer.remote)}")
        headers_only = _unread(answer, "not read: its headers already fail the check")
        if any(f.severity == "error" for f in evaluate(profile, headers_only)):
            return headers_only
        return _probe(client, answer, limits, deadline)


def _failure_text(remote: RemoteFacts) -> str:
    return remote.detail or status_text(remote.status)


def inspect_url(url: str, profile: Profile) -> Report:
    """The report for a URL under a profile, as the API would fetch it."""
    facts = read_url(url, profile)
    findings = evaluate(profile, facts)
    return Report.from_findings(url, findings + doubt_warnings(profile, facts, findings), facts)


def doubt_warnings(profile: Profile, facts: MediaFacts,
                   findings: list[Finding]) -> list[Finding]:
    """Warnings for verdicts a reading over HTTP cannot settle (no second prober asked)."""
    warnings = []
    for active, doubt in doubts(profile, facts):
        if any(f.rule == active.rule.id and f.severity == "warning" for f in findings):
            continue
        warnings.append(Finding(
            rule=active.rule.id, code=active.rule.code, severity="warning",
            message=f"uncertain: {doubt.reason} (FFmpeg in-process, read over HTTP); the API's "
                    "FFmpeg may judge it otherwise — check a downloaded copy with ffprobe",
            hint="Download it and check the file, or keep clear of the limit."))
    return warnings
