"""Bad input: every case gets a clear finding or message, the right exit status, no traceback."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO, fixture_path
from tests.helpers import cli
from validator import load_profile, validate

GOOD = fixture_path("pass/h264_aac_25fps.mp4")


def only_finding(path: Path) -> tuple[str, int | None, str]:
    report = validate(path)
    assert not report.ok and len(report.errors) == 1   # without ffprobe, maybe a warning too
    finding = report.errors[0]
    return finding.rule, finding.code, finding.message


def test_zero_byte_file() -> None:
    assert only_finding(fixture_path("fail/zero_bytes.mp4")) == (
        "readable", 1208, "not readable as media: empty file (0 bytes)")


@pytest.mark.parametrize("name", ["fail/truncated.mp4", "fail/not_a_video.mp4"])
def test_truncated_or_not_a_video(name: str) -> None:
    rule, code, message = only_finding(fixture_path(name))
    assert (rule, code) == ("readable", 1208) and "cannot open it" in message


def test_missing_file_is_a_file_access_error() -> None:
    assert only_finding(Path("/no/such/clip.mp4")) == (
        "file-access", None, "cannot read the file: no such file or directory")


def test_directory_named_as_a_file_via_api() -> None:
    assert only_finding(REPO / "fixtures")[2] == "cannot read the file: is a directory"


@pytest.fixture
def public_dir() -> Iterator[Path]:
    """A folder any user can enter (pytest's tmp_path sits in a private one)."""
    folder = Path(tempfile.mkdtemp(prefix="media-preflight-public-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_permission_denied(public_dir: Path) -> None:
    """Run the check as an unprivileged user (root reads everything) in a forked child.

    The child needs nothing from the checkout, which that user may not be able to enter
    (a clone under /root or in a `mktemp -d` folder): the profile is loaded and every
    module imported before the fork, and the file lies in a folder anyone can enter.
    """
    secret = public_dir / "secret.mp4"
    shutil.copy(GOOD, secret)
    secret.chmod(0o000)
    if os.geteuid() != 0:
        assert only_finding(secret)[2] == "cannot read the file: permission denied"
        return
    profile = load_profile("akool")
    shutil.copy(GOOD, public_dir / "warm.mp4")
    assert validate(public_dir / "warm.mp4", profile=profile).ok
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: drop to nobody, check, report through the pipe
        try:
            os.setgid(65534)
            os.setuid(65534)
            report = validate(secret, profile=profile)
            os.write(write_end, f"{report.status}|{report.findings[0].message}".encode())
        finally:
            os._exit(0)
    os.close(write_end)
    os.waitpid(pid, 0)
    message = os.read(read_end, 4096).decode()
    assert message == "not-checked|cannot read the file: permission denied"


def test_fifo_named_explicitly_is_not_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.mp4"
    os.mkfifo(fifo)
    result = cli("check", str(fifo), process=True)   # a process: opening the FIFO would hang
    assert result.returncode == 2
    assert "not a regular file" in result.stdout


def test_fifo_in_a_folder_is_skipped(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.mp4")
    shutil.copy(GOOD, tmp_path / "ok.mp4")
    result = cli("check", "--format", "json", str(tmp_path))
    assert [Path(r["path"]).name for r in json.loads(result.stdout)["results"]] == ["ok.mp4"]
    assert result.returncode == 0
    assert f"media-preflight: note: skipped {tmp_path / 'pipe.mp4'}: not a regular file" \
        in result.stderr


def test_symlink_loops(tmp_path: Path) -> None:
    (tmp_path / "loop.mp4").symlink_to(tmp_path / "loop.mp4")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "up").symlink_to(tmp_path, target_is_directory=True)
    shutil.copy(GOOD, tmp_path / "sub" / "ok.mp4")
    folder = cli("check", "--format", "json", str(tmp_path))
    assert [Path(r["path"]).name for r in json.loads(folder.stdout)["results"]] == ["ok.mp4"]
    assert "skipped" in folder.stderr and "loop.mp4: a dangling symbolic link or a link loop" \
        in folder.stderr
    named = cli("check", str(tmp_path / "loop.mp4"))
    assert named.returncode == 2
    assert "Too many levels of symbolic links" in named.stdout
    assert "Traceback" not in named.stderr + named.stdout


def test_folder_without_media_says_so(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("no video here")
    result = cli("check", str(tmp_path))
    assert result.returncode == 0   # a warning, as ruff does (issue 17)
    assert "no video files found" in result.stderr


@pytest.mark.parametrize("name", ["-rf.mp4", "--help.mp4", "with space.mp4", "quote'\".mp4",
                                  "$(touch pwned).mp4", "new\nline.mp4", "ünïcode.mp4"])
def test_odd_file_names(tmp_path: Path, name: str) -> None:
    target = tmp_path / name
    shutil.copy(GOOD, target)
    for probe in ("auto", "ffprobe", "mediainfo", "libav"):
        if probe == "ffprobe" and shutil.which("ffprobe") is None:
            continue
        result = cli("check", "--format", "json", "--probe", probe, "--", name, cwd=tmp_path)
        assert result.returncode == 0, (probe, result.stdout, result.stderr)
        assert json.loads(result.stdout)["results"][0]["ok"] is True
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]   # nothing created, no injection


def test_non_utf8_file_name_is_escaped_in_output(tmp_path: Path) -> None:
    raw = os.fsencode(tmp_path) + b"/bad\xff name.mp4"
    shutil.copy(GOOD, raw)
    result = cli("check", "--format", "json", str(tmp_path))
    assert result.returncode == 0
    document = json.loads(result.stdout_bytes.decode("utf-8"))
    assert document["results"][0]["path"].endswith("bad\\xff name.mp4")
    text = cli("check", str(tmp_path))
    assert b"bad\\xff name.mp4" in text.stdout_bytes
    text.stdout_bytes.decode("utf-8")   # valid UTF-8 throughout


def test_audio_only_and_not_video() -> None:
    assert validate(fixture_path("fail/audio_only.m4a")).findings[0].message == \
        "no video stream (audio only)"
