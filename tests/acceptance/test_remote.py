"""URLs, checked against a real HTTP server on 127.0.0.1: codes, findings, limits, redaction."""

from __future__ import annotations

import json
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import FFMPEG, HAS_FFMPEG, fixture_path
from tests.helpers import cli
from validator import Report, load_profile, validate
from validator.check.remote import limits_for
from validator.probe.http import HttpSession, RangeReader, content_range
from validator.records.data import to_json

pytestmark = pytest.mark.skipif(not HAS_FFMPEG, reason="ffmpeg is needed to make a test clip")

FASTSTART = fixture_path("pass/h264_aac_25fps.mp4").read_bytes()
HTML = b"<!doctype html><html><body><h1>Share page</h1><p>Download</p></body></html>"
HUGE = 400_000_000
SLOW_S = 2.0
SECRET_SIG, SECRET_TOKEN, PASSWORD = "S3cr3tSignature0123", "T0kenValue4567", "hunter2pass"


def make_moov_at_end(folder: Path) -> Path:
    """A ~2.7 MB H.264/AAC clip whose moov box comes after its mdat (no +faststart)."""
    target = folder / "moov_at_end.mp4"
    subprocess.run([str(FFMPEG), "-v", "error", "-y", "-f", "lavfi", "-i",
                    "testsrc2=size=640x360:rate=25", "-f", "lavfi", "-i", "sine=frequency=300",
                    "-t", "10", "-c:v", "libx264", "-preset", "ultrafast", "-b:v", "2M",
                    "-c:a", "aac", "-movflags", "-faststart", str(target)], check=True)
    return target


class Handler(BaseHTTPRequestHandler):
    """Routes for every case; ``files`` and ``sent`` are set on a subclass per server."""

    files: dict[str, bytes] = {}
    sent: dict[str, int] = {}
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - silence
        pass

    def do_HEAD(self) -> None:  # noqa: N802 - http.server's naming
        self.route(head=True)

    def do_GET(self) -> None:  # noqa: N802
        self.route(head=False)

    def route(self, head: bool) -> None:
        path = self.path.split("?", 1)[0]
        kind, _, name = path.lstrip("/").partition("/")
        if kind == "media":
            self.media(name, head, ranges=True)
        elif kind == "norange":
            self.media(name, head, ranges=False)
        elif kind == "head-forbidden":
            if head:
                self.empty(403)
            else:
                self.media(name, head, ranges=True)
        elif kind == "status":
            self.empty(int(name))
        elif kind == "page":
            self.reply(200, HTML, "text/html; charset=utf-8", head)
        elif kind == "slow":
            time.sleep(SLOW_S)
            self.reply(200, FASTSTART, "video/mp4", head)
        elif kind == "huge":
            self.huge()
        elif kind == "redirect":
            hops = int(name)
            self.redirect(f"/redirect/{hops - 1}" if hops > 1 else "/media/faststart.mp4")
        elif kind == "to-ftp":
            self.redirect("ftp://127.0.0.1/clip.mp4")
        else:
            self.empty(404)

    def empty(self, status: int) -> None:
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def huge(self) -> None:
        """Claims 400,000,000 bytes and sends none of them."""
        self.send_response(200)
        self.send_header("Content-Type", "video/mp4")
        self.send_header("Content-Length", str(HUGE))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        self.close_connection = True

    def reply(self, status: int, body: bytes, content_type: str, head: bool,
              extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if not head:
            self.count(len(body))
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

    def count(self, size: int) -> None:
        self.sent[self.path] = self.sent.get(self.path, 0) + size

    def media(self, name: str, head: bool, ranges: bool) -> None:
        data = self.files.get(name)
        if data is None:
            self.empty(404)
            return
        wanted = self.headers.get("Range")
        if not ranges or not wanted or head:
            accept = {"Accept-Ranges": "bytes"} if ranges else {}
            self.reply(200, data, "video/mp4", head, accept)
            return
        first, _, last = wanted.removeprefix("bytes=").partition("-")
        start = int(first)
        end = min(int(last) if last else len(data) - 1, len(data) - 1)
        if start >= len(data):
            self.send_response(416)
            self.send_header("Content-Range", f"bytes */{len(data)}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.reply(206, data[start:end + 1], "video/mp4", head,
                   {"Content-Range": f"bytes {start}-{end}/{len(data)}"})


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, type[Handler]]]:
    moov_at_end = make_moov_at_end(tmp_path_factory.mktemp("remote"))
    files = {"faststart.mp4": FASTSTART, "moov_at_end.mp4": moov_at_end.read_bytes()}
    handler = type("Routes", (Handler,), {"files": files, "sent": {}})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", handler
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def base(server: tuple[str, type[Handler]]) -> str:
    return server[0]


def short_profile(tmp_path: Path, max_bytes: int = 16_777_216) -> Path:
    """akool with short timeouts (and, if given, a small byte budget)."""
    path = tmp_path / "short.toml"
    path.write_text('extends = "akool"\n'
                    "[rules.url-reachable]\nconnect_timeout_s = 0.5\nread_timeout_s = 0.5\n"
                    "max_redirects = 3\n"
                    f"[rules.url-read-limit]\nmax_bytes = {max_bytes}\nmax_seconds = 10\n")
    return path


def check(url: str, tmp_path: Path, **options: int) -> Report:
    return validate(url, profile=load_profile(short_profile(tmp_path, **options)),
                    allow_private_urls=True)


def rules(report: Report) -> list[tuple[str, str]]:
    return [(f.rule, f.severity) for f in report.findings]


def test_a_ranged_read_passes_and_reports_what_it_read(base: str, tmp_path: Path) -> None:
    report = check(f"{base}/media/faststart.mp4", tmp_path)
    assert report.ok and report.findings == []
    media = report.media
    assert media is not None and media.remote is not None
    assert media.size_bytes == len(FASTSTART) and media.bytes_read == len(FASTSTART)
    assert media.remote.status == 200 and media.remote.ranges is True
    assert media.video[0].codec == "h264" and media.duration_s == pytest.approx(2.0, abs=0.1)
    assert media.source.startswith("libav") and media.source.endswith("over HTTP")


def test_moov_at_the_end_is_read_by_ranges_not_downloaded(
        server: tuple[str, type[Handler]], tmp_path: Path) -> None:
    base, handler = server
    size = len(handler.files["moov_at_end.mp4"])
    report = check(f"{base}/media/moov_at_end.mp4", tmp_path)
    assert report.ok, report.findings
    media = report.media
    assert media is not None and media.duration_s == pytest.approx(10.0, abs=0.1)
    assert [v.codec for v in media.video] == ["h264"] and [a.codec for a in media.audio] == ["aac"]
    assert media.fragmented is False
    assert media.bytes_read is not None and media.bytes_read < size / 5
    served = sum(n for path, n in handler.sent.items() if "moov_at_end" in path)
    assert served == media.bytes_read


@pytest.mark.parametrize(("path", "code"), [("/status/404", 1008), ("/status/410", 1008),
                                            ("/nowhere/clip.mp4", 1008)])
def test_missing_content_is_1008(base: str, tmp_path: Path, path: str, code: int) -> None:
    report = check(base + path, tmp_path)
    assert report.codes == [code] and rules(report) == [("url-exists", "error")]
    assert "there is no content there" in report.findings[0].message
    assert report.media is not None and report.media.bytes_read == 0


@pytest.mark.parametrize(("status", "words"), [
    (401, "not accessible: the server answers 401 Unauthorized"),
    (403, "not accessible: the server answers 403 Forbidden"),
    (500, "the server failed: it answers 500 Internal Server Error; the API could not fetch "
          "it either — a retry may help"),
    (503, "the server failed: it answers 503 Service Unavailable"),
])
def test_refused_and_failing_servers_are_errors_without_a_code(
        base: str, tmp_path: Path, status: int, words: str) -> None:
    report = check(f"{base}/status/{status}", tmp_path)
    assert not report.ok and report.codes == []
    assert rules(report) == [("url-reachable", "error")]
    assert words in report.findings[0].message


def test_a_slow_server_trips_the_timeout(base: str, tmp_path: Path) -> None:
    started = time.monotonic()
    report = check(f"{base}/slow/clip.mp4", tmp_path)
    assert time.monotonic() - started < SLOW_S
    assert rules(report) == [("url-reachable", "error")] and report.codes == []
    message = report.findings[0].message
    assert "no answer within 0.5 s" in message and "a retry may help" in message


def test_an_html_page_is_not_media(base: str, tmp_path: Path) -> None:
    report = check(f"{base}/page/share", tmp_path)
    assert rules(report) == [("url-content-type", "error")]
    assert "text/html (a web page), not media" in report.findings[0].message
    assert report.media is not None and report.media.bytes_read == 0


def test_content_length_over_the_limit_is_1207_without_a_download(
        base: str, tmp_path: Path) -> None:
    started = time.monotonic()
    report = check(f"{base}/huge/clip.mp4", tmp_path)
    assert report.codes == [1207] and rules(report) == [("max-size", "error")]
    assert "400.0 MB (400,000,000 bytes" in report.findings[0].message
    assert report.media is not None and report.media.bytes_read == 0
    assert report.media.size_bytes == HUGE
    assert time.monotonic() - started < 5


def test_a_server_that_ignores_range_is_read_only_up_to_the_budget(
        server: tuple[str, type[Handler]], tmp_path: Path) -> None:
    base, handler = server
    budget = 256 * 1024
    report = check(f"{base}/norange/moov_at_end.mp4", tmp_path, max_bytes=budget)
    assert rules(report) == [("url-read-limit", "error")] and report.codes == []
    message = report.findings[0].message
    assert message.startswith("not checked: the server ignores Range requests")
    media = report.media
    assert media is not None and media.remote is not None and media.remote.ranges is False
    assert media.bytes_read is not None and 0 < media.bytes_read <= budget


def test_a_server_that_ignores_range_still_passes_a_faststart_file(
        base: str, tmp_path: Path) -> None:
    report = check(f"{base}/norange/faststart.mp4", tmp_path)
    assert report.ok and report.findings == []
    assert report.media is not None and report.media.remote is not None
    assert report.media.remote.ranges is False


def test_head_refused_falls_back_to_a_ranged_get(base: str, tmp_path: Path) -> None:
    report = check(f"{base}/head-forbidden/faststart.mp4", tmp_path)
    assert report.ok and report.findings == []
    assert report.media is not None and report.media.size_bytes == len(FASTSTART)


def test_redirects_are_followed_up_to_the_limit(base: str, tmp_path: Path) -> None:
    followed = check(f"{base}/redirect/3", tmp_path)
    assert followed.ok
    assert followed.media is not None and followed.media.remote is not None
    assert followed.media.remote.redirects == 3
    assert followed.media.remote.final_url == f"{base}/media/faststart.mp4"
    too_many = check(f"{base}/redirect/4", tmp_path)
    assert rules(too_many) == [("url-reachable", "error")]
    assert "more than 3 redirects" in too_many.findings[0].message


def test_no_redirect_to_a_non_http_scheme(base: str, tmp_path: Path) -> None:
    report = check(f"{base}/to-ftp/x", tmp_path)
    assert rules(report) == [("url-reachable", "error")]
    assert "redirected to a ftp: URL" in report.findings[0].message


def test_connection_refused_is_an_error(tmp_path: Path) -> None:
    report = check("http://127.0.0.1:9/clip.mp4", tmp_path)
    assert rules(report) == [("url-reachable", "error")]
    assert report.findings[0].message.startswith("cannot fetch it:")


def signed(base: str, path: str) -> str:
    host = base.removeprefix("http://")
    return (f"http://uploader:{PASSWORD}@{host}{path}?X-Amz-Algorithm=AWS4-HMAC-SHA256"
            f"&X-Amz-Signature={SECRET_SIG}&token={SECRET_TOKEN}&key=K3yValue99&v=2")


def assert_no_secrets(text: str) -> None:
    for secret in (SECRET_SIG, SECRET_TOKEN, PASSWORD, "K3yValue99", "uploader:"):
        assert secret not in text


@pytest.mark.parametrize("output_format", ["json", "text", "jsonl", "sarif", "junit"])
def test_reports_never_show_credentials(base: str, tmp_path: Path, output_format: str) -> None:
    urls = [signed(base, "/media/faststart.mp4"), signed(base, "/status/404"),
            signed(base, "/status/403"), signed(base, "/redirect/1")]
    result = cli("check", "--no-cache", "--allow-private-urls", "--format", output_format,
                 "--profile", str(short_profile(tmp_path)), *urls)
    assert result.returncode == 1, result.stderr
    assert_no_secrets(result.stdout + result.stderr)
    assert "REDACTED" in result.stdout
    if output_format in ("json", "text", "jsonl"):
        assert "http://REDACTED@127.0.0.1" in result.stdout
        assert "X-Amz-Signature=REDACTED" in result.stdout
    if output_format == "json":
        results = json.loads(result.stdout)["results"]
        assert [r["codes"] for r in results] == [[], [1008], [], []]
        assert results[0]["media"]["bytes_read"] == len(FASTSTART)


def test_range_reader_reads_only_what_is_asked(server: tuple[str, type[Handler]]) -> None:
    base, handler = server
    data = handler.files["moov_at_end.mp4"]
    limits = replace(limits_for(load_profile("akool")), allow_private_urls=True)
    with HttpSession(limits) as session:
        reader = RangeReader(session, f"{base}/media/moov_at_end.mp4", len(data))
        reader.seek(-100, 2)
        assert reader.read(100) == data[-100:]
        reader.seek(70_000)
        assert reader.read(10) == data[70_000:70_010]
        assert reader.read(200_000) == data[70_010:270_010]
        assert reader.bytes_read < 400_000
    assert content_range("bytes 0-0/686645") == (0, 686645)
    assert content_range("bytes */100") == (None, 100) and content_range(None) == (None, None)


def test_a_lipsync_pair_of_urls(base: str, tmp_path: Path) -> None:
    profile = tmp_path / "lipsync.toml"
    profile.write_text('extends = "akool-lipsync"\n'
                       "[rules.url-reachable]\nconnect_timeout_s = 0.5\nread_timeout_s = 0.5\n")
    good = validate(f"{base}/media/faststart.mp4", audio=f"{base}/media/faststart.mp4",
                    profile=profile, allow_private_urls=True)
    assert good.ok and good.audio.findings == []
    assert good.audio.media is not None and good.audio.media.bytes_read == len(FASTSTART)
    missing = validate(f"{base}/media/faststart.mp4", audio=signed(base, "/status/404"),
                       profile=profile, allow_private_urls=True)
    assert missing.video.ok and missing.audio.codes == [1008]
    assert rules(missing.audio) == [("url-exists", "error")]
    assert_no_secrets(to_json(missing))
