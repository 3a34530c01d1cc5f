"""`fix PATH...`: folders, parallel encodes, collision-free names, JSON, Ctrl-C — real FFmpeg on
small generated and fixture media."""

from __future__ import annotations

import hashlib
import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import FFMPEG, HAS_FFMPEG, HAS_FFPROBE, fixture_path
from validator.api import validate
from validator.repair.batch import fix_many, output_paths
from validator.repair.plan import FixOptions

pytestmark = [pytest.mark.skipif(not (HAS_FFMPEG and HAS_FFPROBE),
                                 reason="fix tests need the ffmpeg and ffprobe binaries")]

FAILING = ["fail/dur_61.mp4", "fail/fps_120.mp4", "fail/prores.mov", "fail/mjpeg.avi",
           "fail/no_audio.mp4"]
PASSING = ["pass/h264_aac_25fps.mp4", "pass/vp9_opus.webm"]


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "validator", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


def state(folder: Path) -> dict[str, tuple[str, int]]:
    return {str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest(),
                                         p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def make_folder(root: Path) -> Path:
    """videos/ with failing files of every fixable kind (one pair named clip.mp4/clip.mov) in
    two folders, and passing ones."""
    videos = root / "videos"
    for n, name in enumerate(FAILING):
        folder = videos / ("a" if n % 2 else "b")
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy2(fixture_path(name), folder / Path(name).name)
    shutil.copy2(fixture_path("fail/prores.mov"), videos / "clip.mov")
    shutil.copy2(fixture_path("fail/no_audio.mp4"), videos / "clip.mp4")
    for name in PASSING:
        shutil.copy2(fixture_path(name), videos / Path(name).name)
    return videos


def test_a_folder_is_fixed_into_an_output_dir_in_parallel(tmp_path: Path) -> None:
    videos = make_folder(tmp_path)
    before = state(videos)
    result = cli("fix", "videos", "--output-dir", "out", "--jobs", "2", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert state(videos) == before
    outputs = sorted(str(p.relative_to(tmp_path / "out")) for p in (tmp_path / "out").rglob("*")
                     if p.is_file())
    assert outputs == ["videos/a/fps_120.mp4", "videos/a/mjpeg.mp4", "videos/b/dur_61.mp4",
                       "videos/b/no_audio.mp4", "videos/b/prores.mp4", "videos/clip.mov.mp4",
                       "videos/clip.mp4.mp4"]
    for name in outputs:
        assert validate(tmp_path / "out" / name).ok, name
    assert result.stdout.splitlines()[-1] == "9 files: 7 fixed, 2 already passing"
    assert not list(tmp_path.rglob("*.part"))


def test_json_output_reads_back_and_existing_outputs_need_force(tmp_path: Path) -> None:
    videos = tmp_path / "v"
    videos.mkdir()
    shutil.copy2(fixture_path("fail/no_audio.mp4"), videos / "quiet.mp4")
    shutil.copy2(fixture_path("pass/h264_aac_25fps.mp4"), videos / "fine.mp4")
    shutil.copy2(fixture_path("fail/truncated.mp4"), videos / "broken.mp4")
    done = cli("fix", "v", "--format", "json", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    data = json.loads(done.stdout)
    by_input = {Path(r["input"]).name: r for r in data["results"]}
    assert [Path(r["input"]).name for r in data["results"]] == ["broken.mp4", "fine.mp4",
                                                                  "quiet.mp4"]
    quiet = by_input["quiet.mp4"]
    assert quiet["status"] == "fixed" and quiet["output"] == "v/quiet.fixed.mp4"
    assert [f["code"] for f in quiet["findings_before"]] == [1203]
    assert quiet["findings_after"] == [] and "ffmpeg" in quiet["command"][0].rsplit("/", 1)[-1]
    assert quiet["seconds"] > 0
    assert by_input["broken.mp4"]["status"] == "cannot-fix"
    assert by_input["fine.mp4"]["status"] == "passes"
    assert data["summary"]["fixed"] == 1 and data["summary"]["files"] == 3
    kept = (videos / "quiet.fixed.mp4").read_bytes()
    again = cli("fix", "v", cwd=tmp_path)
    assert again.returncode == 2 and "already exists (use --force" in again.stderr
    assert again.stdout == "" and (videos / "quiet.fixed.mp4").read_bytes() == kept
    forced = cli("fix", "v", "--force", "--exclude", "broken.mp4", "--format", "jsonl",
                 cwd=tmp_path)
    assert forced.returncode == 0, forced.stdout + forced.stderr
    lines = [json.loads(line) for line in forced.stdout.splitlines()]
    assert lines[-1]["summary"]["fixed"] == 1


def test_fix_many_streams_results_in_input_order(tmp_path: Path) -> None:
    names = ["c.mov", "a.mp4", "b.mp4"]
    sources = ["fail/prores.mov", "pass/h264_aac_25fps.mp4", "fail/fps_120.mp4"]
    for name, source in zip(names, sources, strict=True):
        shutil.copy2(fixture_path(source), tmp_path / name)
    paths = [tmp_path / name for name in names]
    results = list(fix_many(paths, output_dir=tmp_path / "out", jobs=2))
    assert [Path(r.input).name for r in results] == names
    assert [r.status for r in results] == ["fixed", "passes", "fixed"]
    assert all("-r" in r.command for r in results if r.ran)


def test_output_names_never_collide(tmp_path: Path) -> None:
    sources = [Path("v/clip.mp4"), Path("v/clip.mov"), Path("w/clip.mp4"), Path("v/x.mp4")]
    assert output_paths(sources, None) == [Path("v/clip.mp4.fixed.mp4"),
                                           Path("v/clip.mov.fixed.mp4"),
                                           Path("w/clip.fixed.mp4"), Path("v/x.fixed.mp4")]
    mirrored = output_paths(sources, Path("out"))
    assert mirrored == [Path("out/v/clip.mp4.mp4"), Path("out/v/clip.mov.mp4"),
                        Path("out/w/clip.mp4"), Path("out/v/x.mp4")]
    tricky = output_paths([Path("v/a.mp4"), Path("v/a.mov"), Path("v/a.mov.mp4")], Path("o"))
    assert len(set(tricky)) == 3


def test_advice_is_applied_only_when_asked(tmp_path: Path) -> None:
    source = tmp_path / "thirty.mp4"
    subprocess.run([FFMPEG, "-v", "error", "-nostdin", "-f", "lavfi", "-i",
                    "testsrc2=s=64x48:r=30:d=2", "-f", "lavfi", "-i", "sine=d=2",
                    "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", str(source)],
                   check=True, timeout=60)
    kept = next(fix_many([source], profile="akool-lipsync"))
    assert kept.status == "passes" and not kept.ran
    applied = next(fix_many([source], output_dir=tmp_path / "out", profile="akool-lipsync",
                            options=FixOptions(apply_advice=True)))
    assert applied.status == "fixed" and applied.report is not None
    assert applied.report.warnings == []
    assert applied.command[applied.command.index("-r") + 1] == "25"


def _ffmpeg_children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmd = (entry / "cmdline").read_bytes().split(b"\0")[0]
        except OSError:
            continue
        if int(fields[1]) == pid and b"ffmpeg" in cmd.rsplit(b"/", 1)[-1]:
            found.append(int(entry.name))
    return found


def test_ctrl_c_mid_batch_exits_130_and_leaves_nothing(tmp_path: Path) -> None:
    videos = tmp_path / "long"
    videos.mkdir()
    for n in range(3):
        subprocess.run([FFMPEG, "-v", "error", "-nostdin", "-f", "lavfi", "-i",
                        "testsrc2=s=1280x720:r=120:d=20", "-c:v", "mpeg4", "-q:v", "20",
                        str(videos / f"clip{n}.mov")], check=True, timeout=120)
    before = state(videos)
    proc = subprocess.Popen([sys.executable, "-m", "validator", "fix", "long", "--output-dir",
                             "out", "--jobs", "2"], cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    children: list[int] = []
    while time.monotonic() < deadline and len(children) < 2:
        time.sleep(0.2)
        children = _ffmpeg_children(proc.pid)
    assert children, "no FFmpeg started"
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted" in err
    for child in children:
        assert not Path(f"/proc/{child}").exists() or \
            "Z" in Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[0]
    leftovers = [p for p in (tmp_path / "out").rglob("*") if p.is_file()] \
        if (tmp_path / "out").exists() else []
    assert leftovers == []
    assert state(videos) == before


def make_long(path: Path, seconds: float, keyint: int) -> Path:
    subprocess.run([FFMPEG, "-v", "error", "-nostdin", "-f", "lavfi", "-i",
                    f"testsrc2=s=160x120:r=25:d={seconds}", "-f", "lavfi", "-i",
                    f"sine=d={seconds}", "-c:v", "libx264", "-g", str(keyint),
                    "-pix_fmt", "yuv420p", "-c:a", "aac", str(path)], check=True, timeout=120)
    return path


def duration_of(path: Path) -> float:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of",
                          "csv=p=0", str(path)], capture_output=True, text=True, check=True)
    return float(out.stdout)


def test_a_duration_only_failure_is_cut_at_copy_speed_at_a_keyframe(tmp_path: Path) -> None:
    source = make_long(tmp_path / "long.mp4", 63, keyint=25)
    copied = next(fix_many([source], output_dir=tmp_path / "copy"))
    assert copied.status == "fixed" and copied.plan is not None and copied.plan.copy_trim
    assert copied.command[copied.command.index("-c:v") + 1] == "copy"
    assert "-r" not in copied.command
    assert copied.output == str(tmp_path / "copy" / "long.mp4")
    assert 59.0 - 0.05 <= duration_of(tmp_path / "copy" / "long.mp4") <= 60.0
    exact = next(fix_many([source], output_dir=tmp_path / "exact",
                          options=FixOptions(exact=True)))
    assert exact.status == "fixed" and exact.plan is not None and not exact.plan.copy_trim
    assert 59.9 <= duration_of(tmp_path / "exact" / "long.mp4") <= 60.0


def test_no_keyframe_close_enough_means_a_re_encode(tmp_path: Path) -> None:
    source = make_long(tmp_path / "sparse.mp4", 63, keyint=250)
    result = next(fix_many([source], output_dir=tmp_path / "out",
                           options=FixOptions(max_trim_loss=1.0)))
    assert result.status == "fixed" and result.plan is not None and not result.plan.copy_trim
    assert result.command[result.command.index("-c:v") + 1] == "libx264"
    assert 59.9 <= duration_of(tmp_path / "out" / "sparse.mp4") <= 60.0


def test_progress_only_when_asked_off_a_terminal(tmp_path: Path) -> None:
    shutil.copy2(fixture_path("fail/no_audio.mp4"), tmp_path / "a.mp4")
    shutil.copy2(fixture_path("fail/fps_120.mp4"), tmp_path / "b.mp4")
    quiet = cli("fix", ".", "--output-dir", "q", cwd=tmp_path)
    assert quiet.returncode == 0 and quiet.stderr == ""
    shown = cli("fix", "a.mp4", "b.mp4", "--output-dir", "p", "--progress", cwd=tmp_path)
    assert shown.returncode == 0 and "2/2 files, 0 failed" in shown.stderr
    assert shown.stdout.splitlines()[-1] == "2 files: 2 fixed"
    import validator

    assert validator.fix_many is fix_many


def pipe_webm(path: Path, seconds: float) -> Path:
    """A WebM written to a pipe, as a browser's recorder does: no duration in its header."""
    with path.open("wb") as out:
        subprocess.run([FFMPEG, "-v", "error", "-nostdin", "-f", "lavfi", "-i",
                        f"testsrc2=s=96x64:r=25:d={seconds}", "-f", "lavfi", "-i",
                        f"sine=d={seconds}", "-c:v", "libvpx", "-deadline", "realtime",
                        "-cpu-used", "8", "-c:a", "libopus", "-f", "webm", "pipe:1"],
                       stdout=out, check=True, timeout=120)
    return path


def test_a_webm_without_a_duration_is_remuxed_and_cut(tmp_path: Path) -> None:
    long = pipe_webm(tmp_path / "long.webm", 62)
    short = pipe_webm(tmp_path / "short.webm", 4)
    before = validate(long)
    assert [(f.rule, f.severity) for f in before.findings] == [("max-duration", "error")]
    assert "no container duration; its content runs 62" in before.findings[0].message
    assert [f.severity for f in validate(short).findings] == ["warning"]
    results = list(fix_many([long, short], output_dir=tmp_path / "out"))
    assert [r.status for r in results] == ["fixed", "fixed"]
    assert 59.9 <= duration_of(Path(results[0].output)) <= 60.0
    assert abs(duration_of(Path(results[1].output)) - 4.0) <= 0.1
    assert all(r.report is not None and r.report.findings == [] for r in results)


def test_names_with_control_characters_are_escaped(tmp_path: Path) -> None:
    name = "evil\n✓ fine.mp4\x1b]0;title\x07.mp4"
    shutil.copy2(fixture_path("fail/no_audio.mp4"), tmp_path / name)
    text = cli("fix", name, "--dry-run", cwd=tmp_path)
    assert text.returncode == 0, text.stderr
    assert len(text.stdout.splitlines()) == 1 and "\x1b" not in text.stdout
    assert "evil\\n✓ fine.mp4\\x1b]0;title\\x07.mp4" in text.stdout
    data = json.loads(cli("fix", name, "--format", "json", cwd=tmp_path).stdout)
    assert data["results"][0]["input"] == name and data["results"][0]["status"] == "fixed"
