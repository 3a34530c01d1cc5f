"""A local file named like a URL or an FFmpeg protocol is read from disk, never fetched."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import HAS_FFPROBE, fixture_path
from validator import validate

LOCAL = fixture_path("pass/h264_aac_25fps.mp4")     # 2 s, h264 + aac: passes
REMOTE = fixture_path("fail/dur_61.mp4")            # what a fetch would read instead: 1204


class CountingHandler(BaseHTTPRequestHandler):
    """Serves REMOTE for any path, counting every request it is sent."""

    requests: list[str] = []

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - silence
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        type(self).requests.append(self.path)
        body = REMOTE.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "video/mp4")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_HEAD = do_GET  # noqa: N815


@pytest.fixture
def counting_server() -> Iterator[tuple[int, list[str]]]:
    """A server on 127.0.0.1 (a free port) and the list of requests it got."""
    handler = type("Handler", (CountingHandler,), {"requests": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.timeout = 5
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], handler.requests
    server.shutdown()
    server.server_close()


def hostile_names(port: int) -> list[str]:
    return [f"http:127.0.0.1:{port}.mp4", f"tcp:127.0.0.1:{port}.mp4",
            "subfile,,start,0,end,0,,:clip.mp4", "concat:clip.mp4", "-i clip.mp4"]


PROBES = ["libav", "mediainfo", "auto"] + (["ffprobe"] if HAS_FFPROBE else [])


@pytest.mark.parametrize("probe", PROBES)
def test_a_url_like_name_is_read_as_the_local_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, counting_server: tuple[int, list[str]],
        probe: str) -> None:
    port, requests = counting_server
    monkeypatch.chdir(tmp_path)
    shutil.copy(LOCAL, "clip.mp4")
    for name in hostile_names(port):
        shutil.copy(LOCAL, name)
        report = validate(name, probe=probe, timeout=20)
        assert report.ok, (name, report.findings)
        assert report.media is not None and report.media.duration_s == pytest.approx(2, abs=0.1)
    assert requests == []


def test_bare_url_like_names_on_the_command_line_are_local(
        tmp_path: Path, counting_server: tuple[int, list[str]]) -> None:
    port, requests = counting_server
    names = hostile_names(port)[:3]
    shutil.copy(LOCAL, tmp_path / "clip.mp4")
    for name in names:
        shutil.copy(LOCAL, tmp_path / name)
    done = subprocess.run([sys.executable, "-m", "validator", "check", "--format", "json",
                           "--", *names], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert requests == []
