"""The Python API for a backend (issue 17): paths, URLs, bytes and binary file objects;
a string is one path; reports serialise as the CLI prints them; py.typed; no traceback from
a library underneath on the caller's stderr."""

from __future__ import annotations

import functools
import json
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from pathlib import Path

import pytest

from tests.conftest import FFMPEG, REPO, fixture_path, needs_ffmpeg
from tests.helpers import cli
from validator import validate, validate_many

GOOD = fixture_path("pass/h264_aac_25fps.mp4")
LONG = fixture_path("fail/dur_61.mp4")


def test_validate_takes_bytes() -> None:
    report = validate(LONG.read_bytes())
    assert report.path == "<bytes>" and report.codes == [1204]
    assert validate(b"not a video at all").codes == [1208]


def test_validate_takes_a_seekable_binary_file() -> None:
    with LONG.open("rb") as upload:
        report = validate(upload)
    assert report.path == str(LONG) and report.codes == [1204]


def test_validate_takes_a_stream_that_cannot_seek() -> None:
    with subprocess.Popen(["cat", str(GOOD)], stdout=subprocess.PIPE) as cat:
        assert cat.stdout is not None and not cat.stdout.seekable()
        report = validate(cat.stdout)
    assert report.ok and report.status == "passed"
    assert report.media is not None and report.media.size_bytes == GOOD.stat().st_size


def test_an_upload_over_the_spool_limit_is_not_checked() -> None:
    report = validate(GOOD.read_bytes(), spool_limit=1000)
    assert report.status == "not-checked" and not report.ok
    assert "spool_limit" in report.findings[0].message


def test_validate_many_takes_one_string_as_one_path() -> None:
    reports = list(validate_many(str(LONG), jobs=1))
    assert [r.path for r in reports] == [str(LONG)]
    assert [r.path for r in validate_many(LONG, jobs=1)] == [str(LONG)]


def test_a_report_serialises_as_the_cli_prints_it() -> None:
    report = validate(LONG)
    result = cli("check", "--format", "json", "--no-cache", str(LONG))
    [printed] = json.loads(result.stdout)["results"]
    assert report.to_dict() == printed
    assert json.loads(report.to_json()) == printed
    assert printed["status"] == "failed"
    assert list(printed) == ["path", "ok", "codes", "findings", "media", "status"]
    assert list(report.to_dict()) == list(printed)


def test_the_package_is_typed() -> None:
    assert files("validator").joinpath("py.typed").is_file()


@pytest.fixture
def no_range_server(tmp_path: Path) -> Iterator[str]:
    """A plain HTTP server that ignores Range, serving an MP4 whose index is at its end."""
    clip = tmp_path / "late_index.mp4"
    subprocess.run([str(FFMPEG), "-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i",
                    "testsrc2=size=320x240:rate=25", "-t", "6", "-c:v", "libx264", "-preset",
                    "ultrafast", "-b:v", "2M", "-movflags", "-faststart", str(clip)],
                   check=True, timeout=120)

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0),
                                functools.partial(Quiet, directory=str(tmp_path)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    (tmp_path / "small.toml").write_text("[rules.url-read-limit]\nmax_bytes = 200_000\n")
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@needs_ffmpeg
def test_no_traceback_from_pyav_when_a_server_ignores_range(no_range_server: str,
                                                            tmp_path: Path) -> None:
    url, profile = f"{no_range_server}/late_index.mp4", str(tmp_path / "small.toml")
    program = textwrap.dedent(f"""
        from validator import validate
        report = validate({url!r}, profile={profile!r}, allow_private_urls=True)
        print(report.findings[0].rule)
    """)
    api = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                         cwd=REPO, timeout=120)
    assert api.stdout.strip() == "url-read-limit"
    # a process: what PyAV prints goes to the process's stderr, not click's
    command = cli("check", "--allow-private-urls", "--profile", profile, url, process=True)
    assert command.returncode == 1 and "url-read-limit" in command.stdout
    for stderr in (api.stderr, command.stderr):
        assert "Traceback" not in stderr and "being dropped" not in stderr, stderr
