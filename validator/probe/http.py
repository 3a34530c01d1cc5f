"""Reading a URL as the API fetches it: the server's answer, then the media by HTTP ranges.

An :class:`HttpSession` holds one URL's requests. It asks the server with
HEAD (a ranged GET when HEAD is refused), following at most ``max_redirects``
redirects and only to ``http``/``https`` URLs. A host (first or after a
redirect) that resolves to a loopback, private or link-local address is
refused before connecting, as the API would, unless ``allow_private_urls``;
and a connection whose peer turns out non-public (the name re-resolved: DNS
rebinding) is closed before a request is sent on it.
Every request shares one wall-clock :class:`Deadline`: sockets still open at
``max_seconds`` are shut down, so a server that drips its headers or body
slowly is cut off there.

A :class:`RangeReader` is a seekable file over HTTP ``Range`` requests that
fetches only the blocks FFmpeg asks for (an MP4 index at the end of the file
included), keeps a small cache and stops at a byte budget. A server that
ignores ``Range`` is read from its start, up to the byte budget.

Every URL in facts and messages is redacted (:mod:`validator.records.redact`).
"""

from __future__ import annotations

import contextlib
import io
import ipaddress
import socket
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from validator._version import __version__
from validator.records.facts import RemoteFacts, RemoteFailure, status_text
from validator.records.redact import redact_url, scrub

BLOCK_SIZE = 64 * 1024
CACHE_BLOCKS = 64
MAX_READ_AHEAD_BLOCKS = 16
_REDIRECT_STATUSES = (301, 302, 303, 307, 308)
_HTTP_SCHEMES = ("http", "https")
_SOCKET_EVENTS = ("connection.connect_tcp.complete", "connection.start_tls.complete")


@dataclass(frozen=True)
class HttpLimits:
    """How long to wait, how much to read and where to connect for one URL.

    The values are the ``url-reachable`` and ``url-read-limit`` rules' options
    (see :func:`validator.check.remote.limits_for`).
    """

    connect_timeout_s: float
    read_timeout_s: float
    max_redirects: int
    max_bytes: int
    max_seconds: float
    allow_private_urls: bool = False


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


def non_public_address(host: str) -> str | None:
    """The first address ``host`` resolves to that is not public (loopback, private,
    link-local, reserved ...), or None; a name that does not resolve is left to the
    connection attempt to report."""
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return None
    for *_, sockaddr in infos:
        address = _plain_address(str(sockaddr[0]))
        if not address.is_global:
            return str(address)
    return None


def _plain_address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """An IP address without its zone (``fe80::1%eth0``), an IPv4-mapped one as IPv4."""
    address = ipaddress.ip_address(text.split("%", 1)[0])
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _address_kind(address: str) -> str:
    parsed = ipaddress.ip_address(address)
    if parsed.is_loopback:
        return "a loopback"
    if parsed.is_link_local:
        return "a link-local"
    return "a private" if parsed.is_private else "a non-public"


def refuse_private(url: str, limits: HttpLimits) -> None:
    """Raise :class:`FetchFailed` when the URL's host resolves to a non-public address."""
    if limits.allow_private_urls:
        return
    host = urlsplit(url).hostname
    address = non_public_address(host) if host else None
    if address is not None:
        raise FetchFailed("connection", f"{host} resolves to {address}, {_address_kind(address)} "
                          "address: the API fetches only from the internet (not connected; "
                          "--allow-private-urls lifts this for a local test server)")


def refuse_private_peer(stream: Any) -> None:
    """Refuse a connection whose peer is not a public address, before any request is sent
    on it: the host's name may have resolved to a public address when it was checked and
    to a private one when connecting (DNS rebinding)."""
    peer = stream.get_extra_info("server_addr")
    address = _plain_address(str(peer[0])) if isinstance(peer, tuple) and peer else None
    if address is not None and not address.is_global:
        raise FetchFailed("connection", f"connected to {address}, {_address_kind(str(address))} "
                          "address, though the name resolved to a public one when checked "
                          "(DNS rebinding?): the API fetches only from the internet (nothing "
                          "sent; --allow-private-urls lifts this for a local test server)")


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


class Deadline:
    """One wall-clock limit for every request of one URL.

    A timer shuts down every socket still open when the limit passes, so a read
    blocked on a server that drips its answer returns there.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    @property
    def passed(self) -> bool:
        return self.expired or time.monotonic() >= self.at

    def remaining(self) -> float:
        return max(0.001, self.at - time.monotonic())

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpcore's trace hook: remember each socket as it is connected."""
        if event not in _SOCKET_EVENTS or info.get("return_value") is None:
            return
        sock = info["return_value"].get_extra_info("socket")
        if isinstance(sock, socket.socket):
            with self._lock:
                self._sockets.append(sock)
                if self.expired:
                    _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)

    def cancel(self) -> None:
        self._timer.cancel()


class HttpSession:
    """One URL's requests: a client, the limits, and the deadline they all share."""

    def __init__(self, limits: HttpLimits) -> None:
        self.limits = limits
        self.deadline = Deadline(limits.max_seconds)
        headers = {"User-Agent": f"media-preflight/{__version__}", "Accept-Encoding": "identity"}
        self.client = httpx.Client(follow_redirects=False, headers=headers)
        self._checked: set[str] = set()

    def __enter__(self) -> HttpSession:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self.deadline.cancel()
        self.client.close()

    def out_of_time(self, bytes_read: int = 0) -> FetchFailed:
        """The failure for a URL whose time limit passed."""
        return FetchFailed("budget", f"stopped after {self.limits.max_seconds:g} s (the time "
                           f"limit for one URL), having read {bytes_read:,} bytes")

    def _timeout(self) -> httpx.Timeout:
        left = self.deadline.remaining()
        connect = min(self.limits.connect_timeout_s, left)
        read = min(self.limits.read_timeout_s, left)
        return httpx.Timeout(connect=connect, read=read, write=read, pool=connect)

    def _timeout_text(self, exc: httpx.TimeoutException) -> str:
        if isinstance(exc, httpx.ConnectTimeout):
            return f"no connection within {self.limits.connect_timeout_s:g} s"
        return f"no answer within {self.limits.read_timeout_s:g} s"

    def failure(self, exc: Exception, *urls: str) -> FetchFailed:
        """What a network error means: out of time, a timeout, or a broken connection."""
        if self.deadline.passed:
            return self.out_of_time()
        if isinstance(exc, httpx.TimeoutException):
            return FetchFailed("timeout", self._timeout_text(exc))
        return FetchFailed("connection", scrub(str(exc) or type(exc).__name__, *urls))

    def _trace(self, event: str, info: dict[str, Any]) -> None:
        """httpcore's trace hook: each new connection's peer checked, its socket given to the
        deadline."""
        connected = event in _SOCKET_EVENTS and info.get("return_value") is not None
        if connected and not self.limits.allow_private_urls:
            refuse_private_peer(info["return_value"])
        self.deadline.trace(event, info)

    def _request(self, method: str, target: str, headers: dict[str, str] | None,
                 origin: str) -> httpx.Response:
        if self.deadline.passed:
            raise self.out_of_time()
        host = urlsplit(target).hostname or ""
        if host not in self._checked:
            refuse_private(target, self.limits)
            self._checked.add(host)
        try:
            request = self.client.build_request(method, target, headers=headers,
                                                timeout=self._timeout(),
                                                extensions={"trace": self._trace})
            return self.client.send(request, stream=True)
        except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
            raise self.failure(exc, origin, target) from None

    def send(self, method: str, url: str,
             headers: dict[str, str] | None = None) -> tuple[httpx.Response, str, int]:
        """Send a request, following redirects (http/https only, at most ``max_redirects``).

        Returns the open (streaming) response, the URL that gave it and the number
        of redirects; raises :class:`FetchFailed`.
        """
        target, redirects = url, 0
        while True:
            response = self._request(method, target, headers, url)
            location = response.headers.get("location")
            if response.status_code not in _REDIRECT_STATUSES or not location:
                return response, target, redirects
            response.close()
            target = redirect_target(target, location, response.status_code, self.limits)
            redirects += 1
            if redirects > self.limits.max_redirects:
                raise FetchFailed("redirect", f"more than {self.limits.max_redirects} redirects",
                                  response.status_code)
            if response.status_code == 303 and method != "HEAD":
                method = "GET"


def redirect_target(current: str, location: str, status: int, limits: HttpLimits) -> str:
    """Where a redirect leads; refused unless it is an http(s) URL of a public host."""
    target = urljoin(current, location)
    scheme = target.split(":", 1)[0].lower()
    if scheme not in _HTTP_SCHEMES:
        raise FetchFailed("redirect", f"redirected to a {scheme}: URL (the API fetches only "
                          "http and https)", status)
    try:
        refuse_private(target, limits)
    except FetchFailed as exc:
        raise FetchFailed("redirect", f"redirected to {exc.detail}", status) from None
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


def preflight(session: HttpSession, url: str) -> Answer:
    """HEAD the URL, or GET its first byte when HEAD is refused (S3 pre-signed GET URLs do)."""
    shown = redact_url(url)
    try:
        response, final, redirects = session.send("HEAD", url)
        response.close()
        if classify(response.status_code) not in (None, "not-found"):
            response, final, redirects = session.send("GET", url, headers={"Range": "bytes=0-0"})
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
        limit = self.reader.session.limits.max_bytes
        while len(self.data) < start + length and not self.done:
            if self.reader.bytes_read + BLOCK_SIZE > limit:
                self.close()
                raise self.reader.stop(FetchFailed(
                    "budget", f"the server ignores Range requests and sends the whole file; "
                    f"stopped after reading {self.reader.bytes_read:,} bytes (the limit is "
                    f"{limit:,}) without finding what FFmpeg needs"))
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
    Before a read would pass ``limits.max_bytes`` or the session's deadline it
    raises :class:`FetchFailed` (kind ``budget``), remembered in ``failure``. A
    server that answers a ranged GET with 200 (ignoring Range) is read as one
    stream from its start, up to the budget, never further.
    """

    def __init__(self, session: HttpSession, url: str, size: int | None) -> None:
        super().__init__()
        self.session, self.url, self.size = session, url, size
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
        if self.session.deadline.passed:
            raise self.stop(self.session.out_of_time(self.bytes_read))

    def next_chunk(self, chunks: Iterator[bytes]) -> bytes | None:
        """The next piece of a response body (None at its end); network errors → FetchFailed."""
        try:
            return next(chunks)
        except StopIteration:
            return None
        except httpx.HTTPError as exc:
            failure = self.session.failure(exc, self.url)
            if failure.kind == "budget":
                failure = self.session.out_of_time(self.bytes_read)
            elif failure.kind == "timeout":
                failure = FetchFailed("timeout", f"no data within "
                                      f"{self.session.limits.read_timeout_s:g} s")
            else:
                failure = FetchFailed("connection", f"the body broke off: {failure.detail}")
            raise self.stop(failure) from None

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
        max_bytes = self.session.limits.max_bytes
        left = max_bytes - self.bytes_read
        while count > needed and self._span(first, count) > left:
            count -= 1
        length = self._span(first, count)
        if length > left:
            raise self.stop(FetchFailed(
                "budget", f"FFmpeg needs more than the {max_bytes:,} bytes one URL "
                f"may read (read {self.bytes_read:,} so far)"))
        self.check_deadline()
        self._request(start, length)

    def _request(self, start: int, length: int) -> None:
        headers = {"Range": f"bytes={start}-{start + length - 1}"}
        try:
            response, _, _ = self.session.send("GET", self.url, headers=headers)
        except FetchFailed as exc:
            if exc.kind == "budget":
                exc = self.session.out_of_time(self.bytes_read)
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
