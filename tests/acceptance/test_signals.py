"""A run that is stopped (SIGTERM, SIGINT, a closed stdout, ``| head``) or asked for too many
jobs leaves no process behind: each run starts in its own session, and every process of that
session is counted by PID afterwards."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import HAS_FFPROBE, REPO, fixture_path
from validator.run.pool import cpu_count

GOOD = fixture_path("pass/h264_aac_25fps.mp4")
HANGING_FFPROBE = """#!/bin/sh
for last; do :; done
case "$last" in *HANGS-HERE*) exec sleep 300 ;; esac
exec ffprobe "$@"
"""
needs_ffprobe = pytest.mark.skipif(not HAS_FFPROBE, reason="needs the real ffprobe")


def session_members(session: int) -> list[int]:
    """Every live (not zombie) process whose session id is ``session``."""
    members = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if fields[0] != "Z" and int(fields[3]) == session:
            members.append(int(entry))
    return members


def no_member_left(session: int, wait: float = 5.0) -> list[int]:
    """The session's processes still alive after ``wait`` seconds (empty: none left)."""
    deadline = time.monotonic() + wait
    while (left := session_members(session)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def start(args: list[str], cwd: Path = REPO, env: dict[str, str] | None = None,
          stdout: int = subprocess.PIPE) -> subprocess.Popen[bytes]:
    """``media-preflight ARGS`` as the leader of a new session."""
    return subprocess.Popen([sys.executable, "-m", "validator", *args], stdout=stdout,
                            stderr=subprocess.PIPE, cwd=cwd, env=env or os.environ.copy(),
                            start_new_session=True)


@pytest.fixture
def hanging_env(tmp_path: Path) -> dict[str, str]:
    script = tmp_path / "ffprobe-hanging"
    script.write_text(HANGING_FFPROBE)
    script.chmod(0o755)
    return {**os.environ, "MEDIA_PREFLIGHT_FFPROBE": str(script)}


def media(tmp_path: Path, names: list[str]) -> Path:
    folder = tmp_path / "media"
    folder.mkdir()
    for name in names:
        os.link(GOOD, folder / name)
    return folder


@needs_ffprobe
@pytest.mark.parametrize(("sent", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_signal_kills_every_child_and_keeps_the_old_report(
        tmp_path: Path, hanging_env: dict[str, str], sent: signal.Signals, status: int,
        jobs: str) -> None:
    names = [f"{i:02d}.mp4" for i in range(12)] + ["z_HANGS-HERE.mp4"]
    folder = media(tmp_path, names)
    report = tmp_path / "report.json"
    report.write_text('{"previous": true}')
    process = start(["check", "--probe", "ffprobe", "--format", "json", "--output",
                     str(report), "--jobs", jobs, "--no-cache", str(folder)], env=hanging_env)
    deadline = time.monotonic() + 60
    while len(session_members(process.pid)) < 3 and time.monotonic() < deadline:
        time.sleep(0.1)   # the run, a worker and the hung prober
    assert len(session_members(process.pid)) >= 3
    process.send_signal(sent)
    _, err = process.communicate(timeout=60)
    assert process.returncode == status, err
    assert b"Traceback" not in err
    assert json.loads(report.read_text()) == {"previous": True}
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(("report", ".report"))] == [
        "report.json"]
    assert no_member_left(process.pid) == []


def test_a_closed_stdout_kills_every_child(tmp_path: Path) -> None:
    folder = media(tmp_path, [f"{i:03d}.mp4" for i in range(200)])
    process = start(["check", "--format", "jsonl", "--jobs", "2", "--no-cache", str(folder)])
    assert process.stdout is not None
    process.stdout.close()
    _, err = process.communicate(timeout=120)
    assert b"Traceback" not in err and process.returncode != 0
    assert no_member_left(process.pid) == []


def test_head_reads_one_line_and_the_run_stops_quietly(tmp_path: Path) -> None:
    folder = media(tmp_path, [f"{i:03d}.mp4" for i in range(400)])
    read_end, write_end = os.pipe()
    head = subprocess.Popen(["head", "-n", "1"], stdin=read_end, stdout=subprocess.PIPE)
    process = start(["check", "--format", "jsonl", "--jobs", "2", "--no-cache", str(folder)],
                    stdout=write_end)
    os.close(read_end)
    os.close(write_end)
    first, _ = head.communicate(timeout=120)
    _, err = process.communicate(timeout=120)
    assert json.loads(first)["path"].endswith("000.mp4")
    assert b"Traceback" not in err and process.returncode != 0
    assert no_member_left(process.pid) == []


@pytest.mark.parametrize("where", ["flag", "pyproject"])
def test_too_many_jobs_are_lowered_to_the_cpus_with_one_note(tmp_path: Path, where: str) -> None:
    folder = media(tmp_path, [f"{i:03d}.mp4" for i in range(80)])
    args = ["check", "--format", "jsonl", "--no-cache", str(folder)]
    if where == "flag":
        args[1:1] = ["--jobs", "100000"]
    else:
        (tmp_path / "pyproject.toml").write_text('[tool.media-preflight]\njobs = 100000\n')
    report = tmp_path / "report.jsonl"
    with report.open("wb") as sink:   # not a pipe: the report outgrows a pipe's buffer
        process = start(args, cwd=tmp_path, stdout=sink.fileno())
        most = 0
        while process.poll() is None:
            most = max(most, len(session_members(process.pid)))
            time.sleep(0.02)
        _, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert len(report.read_bytes().splitlines()) == 81
    cpus = cpu_count()
    assert err.decode().splitlines() == [
        f"media-preflight: note: 100000 jobs requested; running {cpus} worker processes, "
        "one per CPU"]
    assert most <= 2 + 2 * cpus   # the run, the start-up worker, a worker and a prober per CPU
    assert no_member_left(process.pid) == []
