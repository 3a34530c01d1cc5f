"""The fork-and-serve primitive, the deadline pipe reader, the local pool and input order: real
forked children, real pipes, real media."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import HAS_FFPROBE, fixture_path
from validator.profiles.profile import load_profile
from validator.run.forked import Forked, WorkerLost, read_message, write_message
from validator.run.order import BATCH_SIZE, Scheduler, schedule
from validator.run.pool import PoolRunner, bounded_workers, cpu_count
from validator.run.prefork import ProbeWorker
from validator.run.runner import (
    Batch,
    ExecutorRunner,
    Job,
    PreforkedRunner,
    Runner,
    SerialRunner,
)

GOOD = fixture_path("pass/h264_aac_25fps.mp4")
LONG = fixture_path("fail/dur_61.mp4")

# A stand-in ffprobe that hangs on files named *HANGS-HERE* (a sleep of a length no other test
# uses, to be found by it), else the real one.
HANGING_FFPROBE = """#!/bin/sh
for last; do :; done
case "$last" in *HANGS-HERE*) exec sleep 297.25 ;; esac
exec ffprobe "$@"
"""


def alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def start_sleeper() -> int:
    """Run in a child: start a grandchild (as a prober would) and give its pid."""
    return subprocess.Popen(["sleep", "300"]).pid


def crash() -> None:
    os.kill(os.getpid(), signal.SIGSEGV)


def pipe_inodes(pid: int) -> set[int]:
    """The pipes a process holds open, by inode."""
    found = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        target = os.readlink(f"/proc/{pid}/fd/{fd}")
        if target.startswith("pipe:["):
            found.add(int(target[6:-1]))
    return found


class TestForked:
    def test_calls_return_values_and_raise_exceptions(self) -> None:
        child = Forked()
        try:
            assert child.call(pow, 3, 4, timeout=30) == 81
            with pytest.raises(ZeroDivisionError):
                child.call(divmod, 1, 0, timeout=30)
            assert child.call(os.getpgrp, timeout=30) == child.pid   # it leads its group
        finally:
            child.kill()

    def test_a_call_past_its_deadline_kills_the_child_and_its_group(self) -> None:
        child = Forked()
        grandchild = child.call(start_sleeper, timeout=30)
        assert alive(grandchild)
        started = time.monotonic()
        with pytest.raises(WorkerLost) as lost:
            child.call(time.sleep, 60, timeout=1)
        assert lost.value.kind == "timeout" and time.monotonic() - started < 5
        assert not alive(child.pid)
        deadline = time.monotonic() + 5
        while alive(grandchild) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not alive(grandchild)

    def test_a_crash_is_reported_with_its_signal(self) -> None:
        child = Forked()
        with pytest.raises(WorkerLost) as lost:
            child.call(crash, timeout=30)
        assert lost.value.kind == "crash" and lost.value.detail == "killed by SIGSEGV"
        assert child.kill() == ""   # already reaped: a second kill touches no other process

    def test_prepare_runs_in_the_child_before_the_calls(self) -> None:
        child = Forked(prepare=lambda: os.environ.__setitem__("PREPARED", "yes"))
        try:
            assert child.call(os.getenv, "PREPARED", timeout=30) == "yes"
            assert "PREPARED" not in os.environ
        finally:
            child.kill()

    def test_a_child_holds_no_pipe_to_its_siblings(self) -> None:
        first = Forked()
        second = Forked()
        try:
            assert second.call(os.getpid, timeout=30) == second.pid   # it is serving by now
            first_pipes = {os.fstat(fd).st_ino for fd in (first.requests, first.answers)}
            assert not first_pipes & pipe_inodes(second.pid)
        finally:
            first.kill()
            second.kill()


class TestReadMessage:
    def test_a_message_larger_than_the_pipe_arrives_whole(self) -> None:
        read_end, write_end = os.pipe()
        payload = os.urandom(300_000)
        writer = threading.Thread(target=write_message, args=(write_end, payload))
        writer.start()
        assert read_message(read_end, time.monotonic() + 5) == payload
        writer.join()
        os.close(write_end)
        os.close(read_end)

    def test_a_message_written_in_time_is_read_after_the_deadline(self) -> None:
        read_end, write_end = os.pipe()
        write_message(write_end, b"on time")
        assert read_message(read_end, time.monotonic() - 1) == b"on time"
        os.close(write_end)
        os.close(read_end)

    def test_nothing_written_ends_at_the_deadline(self) -> None:
        read_end, write_end = os.pipe()
        write_message(write_end, b"abc")
        os.write(write_end, (10).to_bytes(8, "little") + b"half")   # a message cut short
        started = time.monotonic()
        assert read_message(read_end, time.monotonic() + 5) == b"abc"
        with pytest.raises(WorkerLost) as lost:
            read_message(read_end, time.monotonic() + 0.5)
        assert lost.value.kind == "timeout" and 0.4 < time.monotonic() - started < 3
        os.close(write_end)
        with pytest.raises(EOFError):
            read_message(read_end, time.monotonic() + 5)
        os.close(read_end)


def folder_of(tmp_path: Path, names: list[str]) -> list[str]:
    for index, name in enumerate(names):
        os.link(LONG if index % 3 == 2 else GOOD, tmp_path / name)
    return [str(tmp_path / name) for name in names]


class TestPool:
    def test_no_more_workers_than_batches(self, tmp_path: Path) -> None:
        job = Job(load_profile("akool"), "libav", 30)
        pool = PoolRunner(job, workers=8)
        batch = Batch()
        batch.items = folder_of(tmp_path, ["a.mp4", "b.mp4", "c.mp4"])
        try:
            pool.submit(batch)
            reports = pool.wait(batch)
            assert len(pool.workers) == 1
            assert [r.ok for r in reports] == [True, True, False]
            assert reports[2].codes == [1204]
            pid = pool.workers[0].pid
        finally:
            pool.close()
        assert not alive(pid)

    @pytest.mark.skipif(not HAS_FFPROBE, reason="needs the real ffprobe behind the stand-in")
    def test_a_hung_batch_costs_one_file_and_its_worker(self, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
        script = tmp_path / "ffprobe-hanging"
        script.write_text(HANGING_FFPROBE)
        script.chmod(0o755)
        monkeypatch.setenv("MEDIA_PREFLIGHT_FFPROBE", str(script))
        media = tmp_path / "media"
        media.mkdir()
        items = folder_of(media, ["a.mp4", "b_HANGS-HERE.mp4", "c.mp4"])
        pool = PoolRunner(Job(load_profile("akool"), "ffprobe", 4), workers=2)
        batch = Batch()
        batch.items = list(items)
        try:
            pool.submit(batch)
            reports = pool.wait(batch)
        finally:
            pool.close()
        assert [r.media.problem_kind if r.media else None for r in reports] == [
            None, "timeout", None]
        assert reports[0].ok and not reports[2].ok and reports[2].codes == [1204]
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and subprocess.run(
                ["pgrep", "-f", "sleep 297.25"], capture_output=True).returncode == 0:
            time.sleep(0.1)
        assert subprocess.run(["pgrep", "-f", "sleep 297.25"], capture_output=True).returncode == 1


def every_runner(job: Job) -> dict[str, Runner]:
    return {"pool": PoolRunner(job, workers=2), "prefork": PreforkedRunner(job, ProbeWorker()),
            "executor": ExecutorRunner(job, ThreadPoolExecutor(2)), "serial": SerialRunner(job)}


def test_every_runner_gives_the_same_reports(tmp_path: Path) -> None:
    job = Job(load_profile("akool"), "libav", 30)
    batch = Batch()
    batch.items = [*folder_of(tmp_path, ["a.mp4", "b.mp4", "c.mp4"]), str(tmp_path / "gone.mp4")]
    outcomes = {}
    for name, runner in every_runner(job).items():
        runner.submit(batch)
        outcomes[name] = runner.wait(batch)
        runner.close()
    assert [r.ok for r in outcomes["pool"]] == [True, True, False, False]
    assert outcomes["pool"][2].codes == [1204]
    assert outcomes["pool"][3].findings[0].rule == "file-access"
    assert all(reports == outcomes["pool"] for reports in outcomes.values())


class TestOrder:
    def test_reports_come_in_input_order_with_a_bounded_window(self, tmp_path: Path) -> None:
        names = [f"{index:03d}.mp4" for index in range(60)]
        paths = folder_of(tmp_path, names)
        pulled = 0
        window = 2 * BATCH_SIZE

        def items() -> Iterator[str]:
            nonlocal pulled
            for path in paths:
                pulled += 1
                yield path

        job = Job(load_profile("akool"), "libav", 30)
        runner = PoolRunner(job, workers=2)
        seen, ahead = [], []
        for report in schedule(items(), Scheduler(job, runner), window):
            ahead.append(pulled - len(seen))
            seen.append(report)
        assert [Path(r.path).name for r in seen] == names
        assert [r.ok for r in seen] == [index % 3 != 2 for index in range(60)]
        assert max(ahead) <= window + 1
        assert not runner.workers   # closed at the end

    def test_an_abandoned_run_kills_its_workers(self, tmp_path: Path) -> None:
        job = Job(load_profile("akool"), "libav", 30)
        runner = PoolRunner(job, workers=2)
        reports = schedule(iter(folder_of(tmp_path, [f"{i}.mp4" for i in range(40)])),
                           Scheduler(job, runner), window=16)
        next(reports)
        pids = [worker.pid for worker in runner.workers]
        assert pids and all(alive(pid) for pid in pids)
        reports.close()
        assert not any(alive(pid) for pid in pids)


def test_jobs_are_bounded_by_the_cpus(caplog: pytest.LogCaptureFixture,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # The library's own note, as a Python API caller sees it: without a first-note hook an
    # in-process CLI run earlier in the session may have left pending (it would add the
    # CLI's stderr handler and stop the note from reaching the root logger and caplog).
    monkeypatch.setattr("validator.run.discover._first_note_hooks", [])
    cpus = cpu_count()
    assert bounded_workers(None) == cpus and bounded_workers(1) == 1
    assert not caplog.records
    assert bounded_workers(100_000) == cpus
    assert [r.getMessage() for r in caplog.records] == [
        f"100000 jobs requested; running {cpus} worker processes, one per CPU"]

