"""Hardening: hostile files and probers never crash or hang a run, and never touch a file."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import struct
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import HAS_FFPROBE, REPO, fixture_path
from tests.helpers import cli, command
from validator import Report, validate, validate_many

needs_dask = pytest.mark.skipif(importlib.util.find_spec("distributed") is None,
                                reason="dask.distributed is not installed")
FUZZ_EXAMPLES = int(os.environ.get("MEDIA_PREFLIGHT_FUZZ_EXAMPLES", "120"))
SEEDS = [fixture_path(n) for n in ("pass/h264_aac_25fps.mp4", "pass/vp9_opus.webm",
                                   "fail/mpeg4_part2.avi", "fail/ts_cut_t60.ts",
                                   "pass/h264_aac_cover_art.mp4")]
SEED_BYTES = [path.read_bytes()[:200_000] for path in SEEDS]

# A stand-in for ffprobe that misbehaves on cue: it hangs on files named *HANGS-HERE*, kills the
# process that called it (as a segfault in a native library would) on *CRASHES-HERE*, and is the
# real ffprobe otherwise. Each test's stand-in hangs for its own number of seconds, so that it
# finds its own hung prober among the processes of the machine and no other test's.
FAKE_FFPROBE = """#!/bin/sh
for last; do :; done
case "$last" in
  *HANGS-HERE*) exec @HANG@ ;;
  *CRASHES-HERE*) kill -SEGV $PPID; sleep 5 ;;
esac
exec ffprobe "$@"
"""


def no_live_prober(hang: str, wait: float = 5.0) -> bool:
    """True once no stand-in prober is left running (a killed one may take a moment to go)."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        found = subprocess.run(["pgrep", "-fx", hang], capture_output=True, text=True)
        if not found.stdout.strip():
            return True
        time.sleep(0.2)
    return False


def mp4_boxes(data: bytes) -> list[int]:
    """Offsets of every box boundary in the top level and inside moov/trak/mdia/minf/stbl."""
    offsets, stack = [], [(0, len(data))]
    while stack:
        start, end = stack.pop()
        position = start
        while position + 8 <= end:
            size, kind = struct.unpack(">I4s", data[position:position + 8])
            offsets.append(position)
            if size < 8:
                break
            if kind in (b"moov", b"trak", b"mdia", b"minf", b"stbl"):
                stack.append((position + 8, min(position + size, end)))
            position += size
    return sorted(set(offsets))


def mutate(data: bytes, kind: str, where: int, value: int) -> bytes:
    where = where % max(len(data), 1)
    if kind == "flip":
        return data[:where] + bytes([data[where] ^ (1 << (value % 8))]) + data[where + 1:]
    if kind == "truncate":
        return data[:where]
    if kind == "huge-size":   # an absurd box/element size at a box boundary
        boxes = mp4_boxes(data) or [where]
        at = boxes[value % len(boxes)]
        return data[:at] + b"\xff\xff\xff\xff" + data[at + 4:]
    if kind == "duplicate-header":
        return data[:where] + data[:where] + data[where:]
    if kind == "huge-duration":  # mvhd/mdhd duration fields and frame counts set to the maximum
        patched = bytearray(data)
        for tag in (b"mvhd", b"mdhd", b"stts"):
            at = patched.find(tag)
            if at != -1:
                patched[at + 20:at + 24] = b"\xff\xff\xff\xff"
        return bytes(patched)
    raise AssertionError(kind)


@pytest.mark.parametrize("probe", ["libav", "mediainfo"])
@settings(max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, len(SEEDS) - 1),
       kind=st.sampled_from(["flip", "truncate", "huge-size", "duplicate-header",
                             "huge-duration"]),
       where=st.integers(0, 10**9), value=st.integers(0, 10**9))
def test_fuzzed_media_always_ends_in_a_report(tmp_path: Path, probe: str, seed: int, kind: str,
                                              where: int, value: int) -> None:
    target = tmp_path / f"fuzz{SEEDS[seed].suffix}"
    target.write_bytes(mutate(SEED_BYTES[seed], kind, where, value))
    report = validate(target, probe=probe, timeout=20)
    assert isinstance(report, Report) and report.path == str(target)
    assert report.ok == (not report.errors)


def test_truncation_at_every_box_boundary(tmp_path: Path) -> None:
    data = fixture_path("pass/h264_aac_25fps.mp4").read_bytes()
    cuts = [offset for offset in mp4_boxes(data) if offset > 0]
    for offset in cuts:
        (tmp_path / f"cut_{offset:06d}.mp4").write_bytes(data[:offset])
    for probe in ("libav", "mediainfo"):
        reports = list(validate_many([tmp_path], probe=probe, jobs=2))
        assert len(reports) == len(cuts) > 10
        assert all(not r.ok for r in reports[:3])   # cut inside the header: unreadable


@pytest.fixture
def fake_ffprobe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The misbehaving stand-in on duty; its value is the command line of its hung prober."""
    hang = f"sleep 300.{uuid.uuid4().int % 10**9:09d}"
    script = tmp_path / "bin" / "ffprobe-misbehaving"
    script.parent.mkdir()
    script.write_text(FAKE_FFPROBE.replace("@HANG@", hang))
    script.chmod(0o755)
    monkeypatch.setenv("MEDIA_PREFLIGHT_FFPROBE", str(script))
    return hang


def media_folder(tmp_path: Path, names: list[str]) -> Path:
    folder = tmp_path / "media"
    folder.mkdir()
    for name in names:
        shutil.copy(fixture_path("pass/h264_aac_25fps.mp4"), folder / name)
    return folder


@pytest.mark.skipif(not HAS_FFPROBE, reason="needs the real ffprobe behind the stand-in")
@pytest.mark.parametrize("where", [["--jobs", "1"], ["--jobs", "2"],
                                   pytest.param(["--scheduler", "local:2"], marks=needs_dask)])
def test_hanging_and_crashing_prober_cost_one_finding_each(tmp_path: Path, fake_ffprobe: str,
                                                           where: list[str]) -> None:
    names = ["a.mp4", "b_HANGS-HERE.mp4", "c.mp4", "d_CRASHES-HERE.mp4", "e.mp4"]
    folder = media_folder(tmp_path, names)
    started = time.monotonic()
    result = cli("check", "--format", "json", "--probe", "ffprobe", "--timeout", "2", *where,
                 "--no-cache", str(folder), process=True)
    assert time.monotonic() - started < 60
    assert result.returncode == 2, result.stderr   # the hung file was not checked
    by_name = {Path(r["path"]).name: r for r in json.loads(result.stdout)["results"]}
    assert list(by_name) == names
    assert all(by_name[n]["ok"] for n in ("a.mp4", "c.mp4", "e.mp4"))
    assert "did not finish within 2 s" in by_name["b_HANGS-HERE.mp4"]["findings"][0]["message"]
    assert "crashed" in by_name["d_CRASHES-HERE.mp4"]["findings"][0]["message"]
    assert by_name["b_HANGS-HERE.mp4"]["status"] == "not-checked"
    assert by_name["b_HANGS-HERE.mp4"]["codes"] == []
    assert by_name["d_CRASHES-HERE.mp4"]["codes"] == [1208]
    assert no_live_prober(fake_ffprobe)    # the hung prober was killed with its worker


@pytest.mark.skipif(not HAS_FFPROBE, reason="needs the real ffprobe behind the stand-in")
def test_validate_is_protected_too(tmp_path: Path, fake_ffprobe: str) -> None:
    folder = media_folder(tmp_path, ["x_HANGS-HERE.mp4", "y_CRASHES-HERE.mp4"])
    hung = validate(folder / "x_HANGS-HERE.mp4", probe="ffprobe", timeout=1)
    crashed = validate(folder / "y_CRASHES-HERE.mp4", probe="ffprobe", timeout=5)
    assert hung.media is not None and hung.media.problem_kind == "timeout"
    assert crashed.media is not None and crashed.media.problem_kind == "crash"
    assert "SIGSEGV" in crashed.findings[0].message


def test_file_deleted_mid_scan(tmp_path: Path) -> None:
    folder = media_folder(tmp_path, [f"{i:03d}.mp4" for i in range(40)])
    seen = []
    for report in validate_many([folder], jobs=1):
        seen.append(report)
        if len(seen) == 1:
            for late in sorted(folder.iterdir())[20:]:
                late.unlink()
    names = [Path(r.path).name for r in seen]
    assert names[:20] == [f"{i:03d}.mp4" for i in range(20)]   # none lost, none twice
    assert len(set(names)) == len(names) <= 40
    assert all(r.ok for r in seen[:20])
    # A file already handed to a worker when it vanished is reported as such; one deleted
    # before the walk reached it is simply no longer there.
    vanished = [r for r in seen[20:] if not r.ok]
    assert all(r.findings[0].rule == "file-access" for r in vanished)
    assert all("no such file" in r.findings[0].message or "vanished" in r.findings[0].message
               for r in vanished)


def test_deep_tree(tmp_path: Path) -> None:
    folder = tmp_path
    for depth in range(200):
        folder = folder / f"d{depth}"
    folder.mkdir(parents=True)
    shutil.copy(fixture_path("pass/h264_aac_25fps.mp4"), folder / "deep.mp4")
    reports = list(validate_many([tmp_path], jobs=1))
    assert [Path(r.path).name for r in reports] == ["deep.mp4"] and reports[0].ok


@pytest.mark.skipif(not HAS_FFPROBE, reason="needs the real ffprobe behind the stand-in")
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_sigint_exits_130_and_leaves_no_half_report(tmp_path: Path, fake_ffprobe: str,
                                                    jobs: str) -> None:
    folder = media_folder(tmp_path, ["a.mp4", "b_HANGS-HERE.mp4"])
    report_file = tmp_path / "report.json"
    report_file.write_text('{"previous": true}')
    process = subprocess.Popen(
        command("check", "--probe", "ffprobe", "--format", "json", "--output", str(report_file),
                "--jobs", jobs, "--no-cache", str(folder)),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
    time.sleep(3)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "Traceback" not in err
    assert json.loads(report_file.read_text()) == {"previous": True}
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("report")] == ["report.json"]
    assert no_live_prober(fake_ffprobe)


def test_a_folder_of_many_entries_streams(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    source = fixture_path("pass/h264_aac_25fps.mp4")
    for index in range(3000):
        os.link(source, folder / f"{index:05d}.mp4")
    result = cli("check", "--format", "jsonl", "--jobs", "2", "--no-cache", str(folder))
    lines = result.stdout.splitlines()
    assert len(lines) == 3001 and result.returncode == 0
    assert json.loads(lines[-1])["summary"]["passed"] == 3000
