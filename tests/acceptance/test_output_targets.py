"""``--output`` replaces only regular files (atomically, through a symlink to its target); a FIFO
or a character device is written through, anything else refused, and a failed write is exit 2
with the reason and the old report kept."""

from __future__ import annotations

import json
import os
import resource
import signal
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.conftest import REPO, fixture_path

CLIPS = [str(fixture_path(name)) for name in ("pass/h264_aac_25fps.mp4", "fail/dur_61.mp4")]
OLD = '{"previous": true}'


def check(output: str | Path, *extra: str, **options: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "validator", "check", "--format", "json",
                           "--no-cache", "--output", str(output), *extra, *CLIPS],
                          capture_output=True, text=True, cwd=REPO, timeout=120, **options)


def report_paths(text: str) -> list[str]:
    return [result["path"] for result in json.loads(text)["results"]]


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_a_symlink_stays_and_its_target_is_replaced(tmp_path: Path) -> None:
    target = tmp_path / "reports" / "report.json"
    target.parent.mkdir()
    target.write_text(OLD)
    target.chmod(0o640)
    link = tmp_path / "latest.json"
    link.symlink_to(target)
    result = check(link)
    assert result.returncode == 1, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert report_paths(target.read_text()) == CLIPS
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert leftovers(tmp_path) == leftovers(target.parent) == []


def test_a_fifo_is_written_through(tmp_path: Path) -> None:
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()))
    reader.start()
    result = check(fifo)
    reader.join(timeout=60)
    assert result.returncode == 1, result.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert report_paths(received[0]) == CLIPS
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("device", ["/dev/null", "/proc/self/fd/1"])
def test_a_link_to_a_device_or_stdout_is_written_through(tmp_path: Path, device: str) -> None:
    link = tmp_path / "out.json"
    link.symlink_to(device)
    result = check(link)
    assert result.returncode == 1, result.stderr
    assert link.is_symlink() and os.readlink(link) == device
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    if device == "/dev/null":
        assert result.stdout.startswith("2 files: 1 passed, 1 failed")
    else:   # the report, then the summary, both on stdout
        report, summary = result.stdout.rsplit("}\n", 1)
        assert report_paths(report + "}") == CLIPS and summary.startswith("2 files")


def test_a_copy_of_dev_null_stays_a_device(tmp_path: Path) -> None:
    node = tmp_path / "null"
    try:
        os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device node needs root")
    result = check(node)
    assert result.returncode == 1, result.stderr
    assert stat.S_ISCHR(node.lstat().st_mode) and node.stat().st_rdev == os.makedev(1, 3)


def test_a_full_device_is_exit_2_with_the_reason() -> None:
    result = check("/dev/full")
    assert result.returncode == 2
    assert result.stderr == ("media-preflight: error: cannot write --output /dev/full: "
                             "No space left on device\n")
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def _small_files() -> None:
    """In the child: files may grow to 1 kB, and a write past that fails (EFBIG) instead of
    killing the process, as a full disk would fail it."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))


def test_a_failed_write_keeps_the_old_report_and_leaves_no_temp_file(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    report.write_text(OLD)
    result = check(report, "--cache-dir", str(tmp_path / "cache"), preexec_fn=_small_files)
    assert result.returncode == 2, result.stderr
    assert result.stderr == (f"media-preflight: error: cannot write --output {report}: "
                             "File too large\n")
    assert report.read_text() == OLD
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("name", ["report.sock", "evil\n::stop-commands::x\x1b]0;t\x07.sock"])
def test_a_socket_is_refused_and_its_name_never_printed_raw(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        result = check(path)
    assert result.returncode == 2
    assert result.stderr.endswith(
        ".sock: not a regular file, a FIFO or a character device; not replaced\n")
    assert result.stderr.count("\n") == 1 and "\x1b" not in result.stderr
    assert path.is_socket()
