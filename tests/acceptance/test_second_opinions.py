"""A second opinion that hangs settles nothing: the first reading stands with its doubts.

The reference ffprobe here is a real executable that answers ``-version`` like
FFmpeg 5.1's ffprobe and then hangs on every file, as a wedged or network-mounted
binary does. The drift fixtures are files whose verdict depends on the FFmpeg release,
so ``auto`` asks the reference for each of them.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, fixture_path
from tests.helpers import cli, ffprobe_standin
from validator import validate, validate_many

DRIFT = fixture_path("drift/header_longer.mp4")     # FFmpeg 6+: 50 s; FFmpeg 5: 65 s
TIMEOUT = "3"


@pytest.fixture
def hanging_ffprobe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A reference ffprobe that hangs on every file; returns the marker of its sleeps."""
    marker = f"{random.randint(10_000, 99_999)}.5"
    binary = ffprobe_standin(tmp_path, f"exec sleep {marker}")
    monkeypatch.setenv("MEDIA_PREFLIGHT_FFPROBE", str(binary))
    return marker


def left_running(marker: str) -> int:
    """How many of the fake ffprobe's sleeps are still running."""
    found = subprocess.run(["pgrep", "-f", f"sleep {marker}"], capture_output=True, text=True)
    return len(found.stdout.split())


def assert_first_reading_stands(findings: list[tuple[str, str, str]]) -> None:
    """(rule, severity, message) of each finding: the release warning, and the note that the
    reference gave no reading."""
    assert [(rule, severity) for rule, severity, _ in findings] == [
        ("max-duration", "warning"), ("file-access", "warning")]
    assert findings[0][2].startswith("uncertain: the verdict depends on the API's FFmpeg release")
    assert findings[1][2] == (
        "the reference ffprobe gave no reading (probing did not finish within 3 s (the prober "
        "hangs on it)): the verdict stands on the first reading and its doubts")


def test_one_file_keeps_its_verdict_when_the_reference_hangs(hanging_ffprobe: str) -> None:
    started = time.monotonic()
    result = cli("check", "--no-cache", "--format", "json", "--timeout", TIMEOUT, str(DRIFT),
                 process=True)
    assert time.monotonic() - started < 15
    assert result.returncode == 0, result.stdout + result.stderr
    [report] = json.loads(result.stdout)["results"]
    assert report["status"] == "passed"
    assert_first_reading_stands([(f["rule"], f["severity"], f["message"])
                                 for f in report["findings"]])
    assert left_running(hanging_ffprobe) == 0


def test_a_folder_keeps_every_verdict_when_the_reference_hangs(hanging_ffprobe: str) -> None:
    reports = list(validate_many(FIXTURES / "drift", jobs=2, timeout=float(TIMEOUT)))
    assert [r.status for r in reports if r.status == "not-checked"] == []
    by_name = {Path(r.path).name: r for r in reports}
    assert by_name["header_longer.mp4"].ok and by_name["header_shorter.mp4"].ok
    assert by_name["audio_outlasts_video.mp4"].codes == [1204]
    silent = [r for r in reports
              if any(f.message.startswith("the reference ffprobe gave no reading")
                     for f in r.warnings)]
    assert {Path(r.path).name for r in silent} >= {"header_longer.mp4", "header_shorter.mp4",
                                                  "rate_change.ts"}
    assert left_running(hanging_ffprobe) == 0


def test_validate_keeps_the_verdict_too(hanging_ffprobe: str) -> None:
    report = validate(DRIFT, timeout=float(TIMEOUT))
    assert report.ok and report.status == "passed"
    assert_first_reading_stands([(f.rule, f.severity, f.message) for f in report.findings])
    assert left_running(hanging_ffprobe) == 0


def test_a_hanging_first_reading_still_costs_the_file(tmp_path: Path) -> None:
    """The guard is for second opinions only: a prober that hangs on the first reading still
    leaves the file not checked (exit 2), within the time limit."""
    marker = f"{random.randint(10_000, 99_999)}.25"
    binary = ffprobe_standin(tmp_path, f"exec sleep {marker}")
    env = {**os.environ, "MEDIA_PREFLIGHT_FFPROBE": str(binary)}
    result = cli("check", "--no-cache", "--probe", "ffprobe", "--timeout", "2", str(DRIFT),
                 process=True, env=env)
    assert result.returncode == 2 and "did not finish within 2 s" in result.stdout
    assert left_running(marker) == 0
