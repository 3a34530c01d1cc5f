"""Each probe runs under a memory bound, and a second opinion that blows up on it does not
overturn a first reading that was clean."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FFMPEG, REPO, env_without_ffprobe
from validator import validate_many
from validator.run.memory import DEFAULT_MAX_MEMORY, parse_size

# Runs a command and prints, after its JSON, the peak RSS (kB) of every process it waited for.
PEAK_WRAPPER = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:])
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, done.returncode)
"""


def elst_bomb(folder: Path) -> Path:
    """A 60 s MP4 of a few kB whose edit lists each claim 4,294,967,295 entries."""
    made = folder / "plain.mp4"
    subprocess.run([FFMPEG, "-v", "error", "-y", "-f", "lavfi", "-i",
                    "color=c=black:s=16x16:r=1:d=60", "-f", "lavfi", "-i",
                    "anullsrc=r=8000:cl=mono", "-t", "60", "-c:v", "libx264", "-c:a", "aac",
                    "-b:a", "8k", str(made)], check=True, timeout=60)
    data = bytearray(made.read_bytes())
    at = data.find(b"elst")
    assert at != -1
    while at != -1:
        data[at + 8:at + 12] = b"\xff\xff\xff\xff"   # after the version and flags: the count
        at = data.find(b"elst", at + 1)
    bomb = folder / "bomb.mp4"
    bomb.write_bytes(bytes(data))
    made.unlink()
    assert len(data) < 20_000
    return bomb


def check_with_peak(path: Path, *args: str) -> tuple[dict[str, object], int, int]:
    """The JSON report, the exit status and the peak RSS (kB) of a CLI run without ffprobe."""
    command = [sys.executable, "-c", PEAK_WRAPPER, sys.executable, "-m", "validator", "check",
               "--format", "json", "--no-cache", "--timeout", "60", *args, str(path)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=300,
                          env=env_without_ffprobe())
    *report, last = done.stdout.splitlines()
    peak, status = map(int, last.split())
    return json.loads("\n".join(report)), status, peak


@pytest.mark.parametrize("bound", [[], ["--max-memory", "512M"]])
def test_an_edit_list_bomb_is_bounded_and_the_clean_first_reading_stands(
        tmp_path: Path, bound: list[str]) -> None:
    data, status, peak_kb = check_with_peak(elst_bomb(tmp_path), *bound)
    limit = parse_size(bound[1]) if bound else DEFAULT_MAX_MEMORY
    assert limit is not None and peak_kb * 1024 < limit
    assert status == 0
    result = data["results"][0]  # type: ignore[index]
    assert result["ok"] and result["codes"] == []
    assert result["media"]["duration_s"] == pytest.approx(60, abs=0.1)
    # 60 s is read alike by every FFmpeg release: FFmpeg's clean reading stands, and no
    # second opinion (which would blow up on the bomb) is asked at all.
    assert result["findings"] == []


def test_mediainfo_alone_is_bounded_too(tmp_path: Path) -> None:
    data, _, peak_kb = check_with_peak(elst_bomb(tmp_path), "--probe", "mediainfo",
                                       "--max-memory", "400M")
    assert peak_kb * 1024 < (400 << 20)
    assert len(data["results"]) == 1  # type: ignore[arg-type]


def test_the_python_api_takes_the_bound(tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEDIA_PREFLIGHT_FFPROBE", "")
    bomb = elst_bomb(tmp_path)
    # Two files (a path named twice is checked once), so both workers run under the bound.
    twin = tmp_path / "twin.mp4"
    twin.write_bytes(bomb.read_bytes())
    reports = list(validate_many([bomb, twin], jobs=2, max_memory=400 << 20))
    assert [r.ok for r in reports] == [True, True]


@pytest.mark.parametrize("given, expected", [("2G", 2 << 30), ("512M", 512 << 20),
                                             ("1.5GiB", 3 << 29), ("0", None),
                                             ("300000000", 300_000_000)])
def test_sizes(given: str, expected: int | None) -> None:
    assert parse_size(given) == expected


@pytest.mark.parametrize("given", ["lots", "10M", "-1G", "9" * 400, "99999999999T", "nan",
                                   "1e9999"])
def test_a_bad_bound_is_a_usage_error(tmp_path: Path, given: str) -> None:
    done = subprocess.run([sys.executable, "-m", "validator", "check", "--max-memory", given,
                           str(tmp_path)], capture_output=True, text=True, cwd=REPO,
                          timeout=60, env=os.environ.copy())
    assert done.returncode == 2
    assert done.stderr.startswith("media-preflight: error: --max-memory:")
    assert "Traceback" not in done.stderr


HOST_PROGRAM = """
import json, sys
from validator import validate_many
ballast = bytearray(600 << 20)   # the calling program already holds 600 MB
reports = validate_many(sys.argv[1:], jobs=2, max_memory=400 << 20)
print(json.dumps([[r.status, r.codes] for r in reports]))
"""


def test_a_large_host_program_still_gets_verdicts(tmp_path: Path) -> None:
    """A bound below what the calling process already holds would leave the forked prober no
    room to load at all, and every file a false 1208: the worker keeps room to work instead
    (the machine's size is never the file's fault)."""
    clips = [str(REPO / "fixtures" / "pass" / "h264_aac_25fps.mp4"),
             str(REPO / "fixtures" / "fail" / "dur_61.mp4")]
    done = subprocess.run([sys.executable, "-c", HOST_PROGRAM, *clips], capture_output=True,
                          text=True, cwd=tmp_path, timeout=120, env=env_without_ffprobe())
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [["passed", []], ["failed", [1204]]]
