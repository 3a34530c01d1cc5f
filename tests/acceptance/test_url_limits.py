"""URL limits against hostile servers on 127.0.0.1: one deadline per URL, no private addresses
unless allowed, and no query or path-parameter value ever shown."""

from __future__ import annotations

import socket
import socketserver
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO, fixture_path, serving
from validator import load_profile, validate
from validator.check.remote import limits_for
from validator.probe.http import FetchFailed, non_public_address, redirect_target
from validator.records.redact import redact_url, scrub

DEADLINE_S = 2.0
DRIP_EVERY_S = 0.1
DRIP_FOR_S = 12.0           # a drip stops by itself, whatever the client does
MEDIA = fixture_path("pass/h264_aac_25fps.mp4").read_bytes()


class Drip(socketserver.BaseRequestHandler):
    """``/headers``: a status line, then a header byte every 0.1 s. ``/body``: a prompt HEAD
    answer, then ranged bodies one byte every 0.1 s. Anything else: a prompt 200."""

    connections: list[str] = []

    def handle(self) -> None:
        request = self._read_request()
        self.connections.append(request)
        path = request.split(" ", 2)[1] if request.count(" ") >= 2 else "/"
        if path.startswith("/headers"):
            self._send(b"HTTP/1.1 200 OK\r\n")
            self._drip(b"X-Pad: " + b"a" * 10_000)
        elif path.startswith("/body"):
            self._body(request.startswith("HEAD"))
        else:
            self._send(b"HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\nContent-Length: "
                       + str(len(MEDIA)).encode() + b"\r\nConnection: close\r\n\r\n" + MEDIA)

    def _read_request(self) -> str:
        data = b""
        self.request.settimeout(5)
        while b"\r\n\r\n" not in data and len(data) < 65536:
            chunk = self.request.recv(4096)
            if not chunk:
                break
            data += chunk
        return data.decode("latin-1")

    def _body(self, head: bool) -> None:
        size = len(MEDIA)
        if head:
            self._send(b"HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\nAccept-Ranges: bytes\r\n"
                       b"Content-Length: " + str(size).encode() + b"\r\n\r\n")
            return
        self._send(b"HTTP/1.1 206 Partial Content\r\nContent-Type: video/mp4\r\n"
                   b"Content-Range: bytes 0-" + str(size - 1).encode() + b"/"
                   + str(size).encode() + b"\r\nContent-Length: " + str(size).encode()
                   + b"\r\n\r\n")
        self._drip(MEDIA)

    def _send(self, data: bytes) -> bool:
        try:
            self.request.sendall(data)
            return True
        except OSError:
            return False

    def _drip(self, data: bytes) -> None:
        stop = time.monotonic() + DRIP_FOR_S
        for byte in data:
            if time.monotonic() > stop or not self._send(bytes([byte])):
                return
            time.sleep(DRIP_EVERY_S)


@pytest.fixture(scope="module")
def drip() -> Iterator[tuple[str, type[Drip]]]:
    handler = type("Counted", (Drip,), {"connections": []})
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    with serving(server):
        yield f"http://127.0.0.1:{server.server_address[1]}", handler


def deadline_profile(tmp_path: Path) -> Path:
    path = tmp_path / "deadline.toml"
    path.write_text('extends = "akool"\n[rules.url-reachable]\nread_timeout_s = 1\n'
                    f"[rules.url-read-limit]\nmax_seconds = {DEADLINE_S}\n")
    return path


@pytest.mark.parametrize("route", ["/headers/clip.mp4", "/body/clip.mp4"])
def test_a_dripping_server_is_cut_off_at_the_url_deadline(
        drip: tuple[str, type[Drip]], tmp_path: Path, route: str) -> None:
    base, _ = drip
    started = time.monotonic()
    report = validate(base + route, profile=deadline_profile(tmp_path), allow_private_urls=True)
    took = time.monotonic() - started
    assert DEADLINE_S <= took < DEADLINE_S + 3
    assert report.codes == [] and [(f.rule, f.severity) for f in report.findings] == [
        ("url-read-limit", "error")]
    assert f"stopped after {DEADLINE_S:g} s (the time limit for one URL)" in \
        report.findings[0].message


def test_a_private_address_is_refused_without_connecting(
        drip: tuple[str, type[Drip]], tmp_path: Path) -> None:
    base, handler = drip
    before = len(handler.connections)
    report = validate(f"{base}/clip.mp4?token=s3cr3t")
    assert [(f.rule, f.severity) for f in report.findings] == [("url-reachable", "error")]
    message = report.findings[0].message
    assert "127.0.0.1, a loopback address" in message and "--allow-private-urls" in message
    assert len(handler.connections) == before
    allowed = validate(f"{base}/clip.mp4", allow_private_urls=True)
    assert allowed.ok and len(handler.connections) > before


def test_a_name_that_rebinds_to_a_private_address_gets_no_request(
        drip: tuple[str, type[Drip]], monkeypatch: pytest.MonkeyPatch) -> None:
    """DNS rebinding: the name resolves to a public address when it is checked, then to
    127.0.0.1 when the client connects. The connection is refused before a request is sent.
    (The one thing simulated is the resolver, as there is no DNS server here.)"""
    base, handler = drip
    port = int(base.rsplit(":", 1)[1])
    real = socket.getaddrinfo
    answers = iter([("93.184.216.34", port)])   # the first answer only: then the local server

    def rebinding(host: object, *args: object, **kwargs: object) -> object:
        if host != "media.rebind.example":
            return real(host, *args, **kwargs)  # type: ignore[arg-type]
        address = next(answers, ("127.0.0.1", port))
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", address)]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    before = len(handler.connections)
    report = validate(f"http://media.rebind.example:{port}/clip.mp4")
    assert [(f.rule, f.severity) for f in report.findings] == [("url-reachable", "error")]
    message = report.findings[0].message
    assert message.startswith("cannot fetch it: connected to 127.0.0.1, a loopback "
                              "address, though the name resolved to a public one"), message
    assert "nothing sent" in message
    assert [request for request in handler.connections[before:] if request] == []  # connected,
    # as a check of the peer needs, but not a byte of a request was sent


def test_the_cli_refuses_private_urls_unless_allowed(drip: tuple[str, type[Drip]]) -> None:
    url = f"{drip[0]}/clip.mp4"

    def run(*flags: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "validator", "check", "--no-cache", *flags,
                               url], capture_output=True, text=True, cwd=REPO, timeout=60)

    refused = run()
    assert refused.returncode == 1 and "a loopback address" in refused.stdout
    allowed = run("--allow-private-urls")
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr


@pytest.mark.parametrize(("address", "kind"), [
    ("127.0.0.1", "a loopback"), ("::1", "a loopback"), ("169.254.169.254", "a link-local"),
    ("10.1.2.3", "a private"), ("192.168.0.1", "a private"), ("fd00::1", "a private"),
    ("::ffff:127.0.0.1", "a loopback"), ("0.0.0.0", "a"), ("100.64.0.1", "a non-public"),
])
def test_a_redirect_to_a_non_public_address_is_refused(address: str, kind: str) -> None:
    limits = limits_for(load_profile("akool"))
    host = f"[{address}]" if ":" in address else address
    with pytest.raises(FetchFailed) as refused:
        redirect_target("https://cdn.example/clip.mp4", f"http://{host}/latest/", 302, limits)
    assert refused.value.kind == "redirect"
    assert f", {kind}" in refused.value.detail and "not connected" in refused.value.detail


def test_public_addresses_pass() -> None:
    assert non_public_address("93.184.216.34") is None
    assert non_public_address("2606:4700::1111") is None
    assert socket.getaddrinfo("127.0.0.1", None)  # literals need no resolver


def test_every_query_and_path_parameter_value_is_redacted() -> None:
    url = ("https://cdn.example/v;token=PathTok42/clip.mp4;jsessionid=Sess1234"
           "?hdnts=exp=1700000000~acl=/*~hmac=Hmac5678&hash=Hash9012&v=2&download#t=Frag3456")
    shown = redact_url(url)
    assert shown == ("https://cdn.example/v;token=REDACTED/clip.mp4;jsessionid=REDACTED"
                     "?hdnts=REDACTED&hash=REDACTED&v=REDACTED&download#t=REDACTED")
    message = scrub(f"GET {url} failed: Hmac5678 / PathTok42 / Hash9012", url)
    for secret in ("PathTok42", "Sess1234", "Hmac5678", "Hash9012", "Frag3456", "1700000000"):
        assert secret not in message
