"""A one-file run's start-up: the probe worker forked first, no pydantic once the profile has
been validated, no interpreter teardown, and the same verdicts as every other path."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO, fixture_path
from tests.helpers import cli, command
from validator import validate
from validator.profiles.profile import load_profile
from validator.profiles.snapshots import key
from validator.records.data import to_data
from validator.run import prefork

PASS = str(fixture_path("pass/h264_aac_25fps.mp4"))
BORDERLINE = str(fixture_path("pass/fps_59.94.mp4"))   # near the 1210 limit: arbitrated


def run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-X", "importtime", *command(*args)[1:]],
                          capture_output=True, text=True, cwd=cwd, timeout=120)


def imported(stderr: str) -> set[str]:
    """Top-level package names that ``-X importtime`` saw imported (in any process)."""
    return {line.rsplit("|", 1)[-1].strip().split(".")[0]
            for line in stderr.splitlines() if line.startswith("import time:")}


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["check", "--help"]])
def test_help_and_version_load_no_backend_and_fork_no_worker(args: list[str]) -> None:
    result = run(*args)
    assert result.returncode == 0
    assert not imported(result.stderr) & {"av", "pymediainfo", "pydantic", "ffmpeg"}


def test_once_validated_a_check_never_imports_pydantic(tmp_path: Path) -> None:
    first = run("check", "--format", "json", "--cache-dir", str(tmp_path), "--no-cache", PASS)
    second = run("check", "--format", "json", "--cache-dir", str(tmp_path), "--no-cache", PASS)
    assert first.returncode == second.returncode == 0
    assert "pydantic" in imported(first.stderr)        # the profile was validated ...
    assert "pydantic" not in imported(second.stderr)   # ... once
    assert "av" in imported(second.stderr)             # by the worker
    assert json.loads(first.stdout) == json.loads(second.stdout)
    assert list((tmp_path / "validated-v1").glob("*.json"))


def test_a_lone_file_through_the_worker_matches_the_api(tmp_path: Path) -> None:
    result = run("check", "--format", "json", "--no-cache", "--cache-dir", str(tmp_path),
                 PASS, BORDERLINE)
    from_cli = json.loads(result.stdout)["results"]
    from_api = [to_data(validate(path)) for path in (PASS, BORDERLINE)]
    assert from_cli == from_api


def test_output_is_complete_and_statuses_kept_without_teardown(tmp_path: Path) -> None:
    copies = [tmp_path / f"copy{index}.mp4" for index in range(3)]   # a file named twice: once
    for copy in copies:
        shutil.copy(PASS, copy)
    many = [*map(str, copies), str(fixture_path("fail/dur_61.mp4"))]
    result = cli("check", "--format", "jsonl", "--no-cache", *many, process=True)
    lines = result.stdout.splitlines()
    assert result.returncode == 1
    assert len(lines) == 5 and json.loads(lines[-1])["summary"]["failed"] == 1


def test_a_closed_stdout_gives_no_traceback() -> None:
    process = subprocess.Popen(command("check", "--no-cache", *[PASS] * 6),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO)
    assert process.stdout is not None
    process.stdout.close()
    _, err = process.communicate(timeout=120)
    assert b"Traceback" not in err and process.returncode != 0


def _crash() -> None:
    """Run in the worker: die as a crashing native library would."""
    os.kill(os.getpid(), signal.SIGSEGV)


class TestProbeWorker:
    def test_a_call_returns_its_value_and_raises_its_exception(self) -> None:
        worker = prefork.ProbeWorker()
        try:
            assert worker.call(pow, 2, 10, timeout=30) == 1024
            with pytest.raises(ValueError, match="invalid literal"):
                worker.call(int, "x", timeout=30)
            assert worker.call(len, "still serving", timeout=30) == 13
        finally:
            worker.kill()

    def test_a_call_past_its_time_limit_kills_the_worker(self) -> None:
        worker = prefork.ProbeWorker()
        started = time.monotonic()
        with pytest.raises(prefork.WorkerLost) as lost:
            worker.call(time.sleep, 30, timeout=2)
        assert lost.value.kind == "timeout" and time.monotonic() - started < 10
        with pytest.raises(ProcessLookupError):
            os.kill(worker.pid, 0)

    def test_a_worker_that_dies_is_reported_with_its_signal(self) -> None:
        worker = prefork.ProbeWorker()
        with pytest.raises(prefork.WorkerLost) as lost:
            worker.call(_crash, timeout=30)
        assert lost.value.kind == "crash" and "SIGSEGV" in lost.value.detail

    def test_an_untaken_worker_is_discarded(self) -> None:
        prefork.start()
        worker = prefork.take()
        assert worker is not None and prefork.take() is None
        prefork._waiting = worker
        prefork.discard()
        with pytest.raises(ProcessLookupError):
            os.kill(worker.pid, 0)


class TestSnapshots:
    def test_a_profile_validated_before_is_not_validated_again(self, tmp_path: Path) -> None:
        first = load_profile("akool", cache_dir=tmp_path)
        entries = list((tmp_path / "validated-v1").glob("*.json"))
        assert len(entries) == 1
        second = load_profile("akool", cache_dir=tmp_path)
        assert second == first and second.digest == first.digest

    def test_a_corrupt_entry_is_validated_again(self, tmp_path: Path) -> None:
        expected = load_profile("akool")
        for garbage in ("{not json", '{"rules": [["no-such-rule", "error", {}]]}', "[]"):
            load_profile("akool", cache_dir=tmp_path)
            [entry] = (tmp_path / "validated-v1").glob("*.json")
            entry.write_text(garbage)
            assert load_profile("akool", cache_dir=tmp_path) == expected
            assert json.loads(entry.read_text().partition("\n")[2])["rules"]   # rewritten whole

    def test_a_bad_profile_is_never_remembered(self, tmp_path: Path) -> None:
        profile = tmp_path / "bad.toml"
        profile.write_text('extends = "akool"\n[rules.max-duration]\nmax_seconds = -1\n')
        cache = tmp_path / "cache"
        from validator.profiles.profile import ProfileError

        for _ in range(2):
            with pytest.raises(ProfileError, match="max_seconds: Input should be greater"):
                load_profile(profile, cache_dir=cache)
        assert not list(cache.glob("validated-v1/*.json"))

    def test_an_edited_profile_gets_a_new_entry(self, tmp_path: Path) -> None:
        profile = tmp_path / "mine.toml"
        profile.write_text('extends = "akool"\n[rules.max-duration]\nmax_seconds = 30\n')
        assert load_profile(profile, cache_dir=tmp_path).as_data()["rules"][
            "max-duration"]["max_seconds"] == 30
        profile.write_text('extends = "akool"\n[rules.max-duration]\nmax_seconds = 45\n')
        assert load_profile(profile, cache_dir=tmp_path).as_data()["rules"][
            "max-duration"]["max_seconds"] == 45
        assert len(list((tmp_path / "validated-v1").glob("*.json"))) == 2

    def test_keys_differ_by_kind_and_content(self) -> None:
        assert key("profile", {"a": 1}) != key("profile", {"a": 2})
        assert key("profile", {"a": 1}) != key("tool-table", {"a": 1})
        assert key("profile", {"a": 1, "b": 2}) == key("profile", {"b": 2, "a": 1})
