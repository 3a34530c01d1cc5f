"""`fix`: real FFmpeg on real media; the fixed file passes, keeps its length and sync, and the
input is never touched."""

from __future__ import annotations

import hashlib
import json
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import validator
from tests.conftest import FFMPEG, fixture_path, needs_ffmpeg, needs_ffprobe
from tests.helpers import cli
from validator.api import validate
from validator.repair.command import ffmpeg_binary
from validator.repair.encode import corrected_bitrate
from validator.repair.errors import FfmpegFailed, FixError
from validator.repair.fixer import fix
from validator.repair.plan import FixOptions, plan_fix

pytestmark = [needs_ffmpeg]   # tests that measure the outputs also need a reference ffprobe

LIMIT = 60.0


def ffmpeg(*args: str) -> None:
    subprocess.run([str(FFMPEG), "-v", "error", "-nostdin", "-y", *args], check=True, timeout=60)


def make_clip(path: Path, *, seconds: float, fps: float, codec: str = "libx264",
              audio: bool = True, size: str = "32x32") -> Path:
    """A tiny generated clip: a grey picture, optionally a sine tone."""
    inputs = ["-f", "lavfi", "-i", f"color=c=gray:s={size}:r={fps}:d={seconds}"]
    if audio:
        inputs += ["-f", "lavfi", "-i", f"sine=f=440:sample_rate=16000:d={seconds}"]
    extra = ["-profile:v", "0"] if codec.startswith("prores") else ["-pix_fmt", "yuv420p"]
    ffmpeg(*inputs, "-c:v", codec, *extra, *(["-c:a", "aac"] if audio else []), str(path))
    return path


def probe(path: Path) -> dict:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries",
                          "format=duration:stream=codec_type,codec_name,start_time,avg_frame_rate",
                          "-of", "json", str(path)], capture_output=True, check=True).stdout
    return json.loads(out)


def duration_of(path: Path) -> float:
    return float(probe(path)["format"]["duration"])


def frame_time(path: Path) -> float:
    """One frame of the output's video, in seconds."""
    video = next(s for s in probe(path)["streams"] if s["codec_type"] == "video")
    num, den = video["avg_frame_rate"].split("/")
    return int(den) / int(num)


def fingerprint(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def assert_in_sync(path: Path) -> None:
    """Video and audio start within one frame of each other."""
    starts = {s["codec_type"]: float(s["start_time"]) for s in probe(path)["streams"]}
    assert abs(starts["video"] - starts["audio"]) <= frame_time(path)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


# Each fixture: the codes it fails with, and whether the fix trims it.
CASES = [
    ("fail/dur_61.mp4", [1204], True),
    ("fail/aac_cut_t60.mp4", [1204], True),
    ("fail/cut_t60_29.97fps.mp4", [1204], True),
    ("fail/ts_cut_t60.ts", [1204], True),
    ("fail/fps_120.mp4", [1210], False),
    ("fail/fps_60.5.mp4", [1210], False),
    ("fail/prores.mov", [1209], False),
    ("fail/mjpeg.avi", [1209], False),
    ("fail/mpeg4_part2.avi", [1209], False),
    ("fail/no_audio.mp4", [1203], False),
    ("fail/mpeg4_noaudio_120fps_61s.mov", [1203, 1204, 1209, 1210], True),
]


@needs_ffprobe
@pytest.mark.parametrize(("name", "codes", "trimmed"), CASES, ids=[c[0] for c in CASES])
def test_fixed_fixture_passes_keeps_length_and_sync(name: str, codes: list[int], trimmed: bool,
                                                    tmp_path: Path) -> None:
    source = fixture_path(name)
    before = fingerprint(source)
    assert validate(source).codes == codes
    result = fix(source, tmp_path / "out.mp4", options=FixOptions(exact=True))
    out = tmp_path / "out.mp4"
    assert result.ran and result.ok and result.remaining == []
    assert validate(out).ok and validate(out, probe="ffprobe").ok
    duration = duration_of(out)
    if trimmed:
        assert result.plan is not None and result.plan.trim_to is not None
        assert LIMIT - 0.1 <= duration <= LIMIT
        assert abs(duration - result.plan.trim_to) <= frame_time(out)
    else:
        assert abs(duration - duration_of(source)) <= 0.1
    assert_in_sync(out)
    assert fingerprint(source) == before
    assert leftovers(tmp_path) == []


@needs_ffprobe
def test_prores_no_audio_120fps_61s_built_here(tmp_path: Path) -> None:
    source = make_clip(tmp_path / "combo.mov", seconds=61, fps=120, codec="prores",
                       audio=False)
    before = fingerprint(source)
    assert validate(source).codes == [1203, 1204, 1209, 1210]
    result = fix(source)
    out = tmp_path / "combo.fixed.mp4"
    assert result.output == str(out) and result.ok
    info = probe(out)
    assert [(s["codec_type"], s["codec_name"]) for s in info["streams"]] == \
        [("video", "h264"), ("audio", "aac")]
    assert next(s for s in info["streams"] if s["codec_type"] == "video")["avg_frame_rate"] \
        == "60/1"
    assert LIMIT - 0.1 <= duration_of(out) <= LIMIT
    assert_in_sync(out)
    assert fingerprint(source) == before


def test_streams_that_need_no_change_are_copied(tmp_path: Path) -> None:
    silent = fix(fixture_path("fail/no_audio.mp4"), tmp_path / "a.mp4")
    assert silent.plan is not None and silent.plan.video == "copy"
    assert "-c:v" in silent.command and silent.command[silent.command.index("-c:v") + 1] == "copy"
    fast = fix(fixture_path("fail/fps_120.mp4"), tmp_path / "b.mp4")
    assert fast.plan is not None and [a.action for a in fast.plan.audio] == ["copy"]
    assert fast.command[fast.command.index("-c:a:0") + 1] == "copy"


@needs_ffprobe
def test_lipsync_profile_resamples_to_its_advice(tmp_path: Path) -> None:
    result = fix(fixture_path("fail/fps_120.mp4"), tmp_path / "out.mp4", profile="akool-lipsync",
                 options=FixOptions(apply_advice=True))
    assert result.ok and result.report is not None and result.report.warnings == []
    assert 1 / frame_time(tmp_path / "out.mp4") == pytest.approx(25)


@needs_ffprobe
def test_too_big_is_reencoded_under_the_size_limit(tmp_path: Path) -> None:
    source = tmp_path / "big.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=160x120:r=25:d=3,noise=alls=60:allf=t",
           "-f", "lavfi", "-i", "sine=d=3", "-c:v", "libx264", "-crf", "5", "-c:a", "aac",
           str(source))
    profile = tmp_path / "small.toml"
    profile.write_text('extends = "akool"\n[rules.max-size]\nmax_bytes = 120_000\n')
    assert validate(source, profile=profile).codes == [1207]
    result = fix(source, tmp_path / "out.mp4", profile=profile)
    assert result.ok and (tmp_path / "out.mp4").stat().st_size <= 120_000
    assert abs(duration_of(tmp_path / "out.mp4") - duration_of(source)) <= 0.1


@needs_ffprobe
def test_a_cut_that_lands_over_the_limit_is_measured_and_cut_again(tmp_path: Path) -> None:
    # At 1 fps the last frame kept by a 10.45 s cut runs to 11 s: the probe catches it.
    source = make_clip(tmp_path / "slow.mp4", seconds=12, fps=1)
    profile = tmp_path / "short.toml"
    profile.write_text('extends = "akool"\n[rules.max-duration]\nmax_seconds = 10.5\n')
    result = fix(source, tmp_path / "out.mp4", profile=profile)
    assert result.attempts == 2 and result.ok
    assert result.measured_duration_s is not None and result.measured_duration_s <= 10.5
    assert duration_of(tmp_path / "out.mp4") == result.measured_duration_s


@needs_ffprobe
def test_a_file_that_is_not_too_long_keeps_its_full_length(tmp_path: Path) -> None:
    source = make_clip(tmp_path / "ok_length.mov", seconds=59.5, fps=10, codec="mpeg4")
    result = fix(source)
    assert result.ok and result.plan is not None and result.plan.trim_to is None
    assert abs(duration_of(Path(result.output)) - 59.5) <= 0.1


def test_dry_run_runs_nothing_and_writes_nothing(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    source = shutil.copy2(fixture_path("fail/prores.mov"), tmp_path / "in.mov")
    before = fingerprint(Path(source))

    def no_ffmpeg(*args: object, **kwargs: object) -> None:
        raise AssertionError("a dry run ran ffmpeg")

    monkeypatch.setattr("validator.repair.encode.run_ffmpeg", no_ffmpeg)
    result = fix(source, dry_run=True)
    assert not result.ran and result.command[0] == ffmpeg_binary()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.mov"]
    assert fingerprint(Path(source)) == before


def test_dry_run_prints_the_exact_command(tmp_path: Path) -> None:
    source = shutil.copy2(fixture_path("fail/no_audio.mp4"), tmp_path / "in put.mp4")
    printed = cli("fix", "--dry-run", str(source))
    assert printed.returncode == 0, printed.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in put.mp4"]
    command = printed.stdout.strip()
    assert "\n" not in command and "file:" in command
    subprocess.run(shlex.split(command), check=True, capture_output=True, timeout=60)
    assert validate(tmp_path / "in put.fixed.mp4").ok


def test_cli_fixes_a_file_whose_name_starts_with_a_dash(tmp_path: Path) -> None:
    shutil.copy2(fixture_path("fail/fps_120.mp4"), tmp_path / "-clip.mp4")
    result = cli("fix", "--", "-clip.mp4", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].startswith("✓ -clip.fixed.mp4")
    assert validate(tmp_path / "-clip.fixed.mp4").ok


def test_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    out = tmp_path / "out.mp4"
    out.write_bytes(b"keep me")
    source = str(fixture_path("fail/no_audio.mp4"))
    refused = cli("fix", source, "-o", str(out))
    assert refused.returncode == 2 and "--force" in refused.stderr
    assert out.read_bytes() == b"keep me"
    forced = cli("fix", source, "-o", str(out), "--force")
    assert forced.returncode == 0, forced.stderr
    assert validate(out).ok


def test_never_writes_over_the_input(tmp_path: Path) -> None:
    source = shutil.copy2(fixture_path("fail/no_audio.mp4"), tmp_path / "in.mp4")
    before = fingerprint(Path(source))
    result = cli("fix", str(source), "-o", str(source), "--force")
    assert result.returncode == 2 and "overwrite the input" in result.stderr
    with pytest.raises(FixError, match="overwrite the input"):
        fix(source, tmp_path / "." / "in.mp4", force=True)
    assert fingerprint(Path(source)) == before


def test_an_interrupted_run_leaves_no_file_under_the_output_name(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(command: list[str], *args: object, **kwargs: object) -> None:
        Path(command[-1].removeprefix("file:")).write_bytes(b"half a file")
        raise KeyboardInterrupt

    monkeypatch.setattr("validator.repair.encode.run_ffmpeg", interrupted)
    with pytest.raises(KeyboardInterrupt):
        fix(fixture_path("fail/prores.mov"), tmp_path / "out.mp4")
    assert list(tmp_path.iterdir()) == []


def test_an_ffmpeg_failure_is_reported_and_leaves_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("validator.repair.command.PRESET", "no-such-preset")
    with pytest.raises(FfmpegFailed, match="ffmpeg failed"):
        fix(fixture_path("fail/prores.mov"), tmp_path / "out.mp4")
    assert list(tmp_path.iterdir()) == []


def test_still_failing_output_names_the_finding_and_exits_1(tmp_path: Path) -> None:
    profile = tmp_path / "tiny.toml"
    profile.write_text('extends = "akool"\n[rules.max-size]\nmax_bytes = 3_000\n')
    result = cli("fix", str(fixture_path("fail/prores.mov")), "-o", str(tmp_path / "o.mp4"),
                 "--profile", str(profile))
    assert result.returncode == 1
    assert "still fails: 1207" in result.stdout


def test_unfixable_and_passing_files_write_nothing(tmp_path: Path) -> None:
    broken = cli("fix", str(fixture_path("fail/truncated.mp4")), "-o", str(tmp_path / "a.mp4"))
    assert broken.returncode == 1 and "cannot fix: 1208" in broken.stdout
    audio_only = fix(fixture_path("fail/audio_only.m4a"), tmp_path / "b.mp4")
    assert not audio_only.ok and [f.code for f in audio_only.remaining] == [1209]
    fine = cli("fix", str(fixture_path("pass/h264_aac_25fps.mp4")), "-o", str(tmp_path / "c.mp4"))
    assert fine.returncode == 0 and "nothing to fix" in fine.stdout
    assert list(tmp_path.iterdir()) == []


def test_missing_input_is_a_usage_error(tmp_path: Path) -> None:
    result = cli("fix", str(tmp_path / "nope.mp4"))
    assert result.returncode == 2 and "no such file" in result.stderr


def test_progress_is_reported_up_to_done(tmp_path: Path) -> None:
    seen: list[float] = []
    fix(fixture_path("fail/dur_61.mp4"), tmp_path / "out.mp4", progress=seen.append)
    assert seen and seen[-1] == 1.0 and seen == sorted(seen)


def test_check_fix_hints_show_the_command_under_fixable_failures() -> None:
    fixable_file = str(fixture_path("fail/dur_61.mp4"))
    broken = str(fixture_path("fail/truncated.mp4"))
    passing = str(fixture_path("pass/h264_aac_25fps.mp4"))
    lines = cli("check", "--fix-hints", fixable_file, broken, passing).stdout.splitlines()
    assert lines[1] == f"  fix: media-preflight fix {fixable_file}"
    assert lines[2].startswith(f"✗ {broken}") and lines[3].startswith(f"✓ {passing}")
    plain = cli("check", fixable_file).stdout
    assert "fix:" not in plain


def test_an_oversized_output_is_encoded_again_with_the_overshoot_taken_off() -> None:
    report = validate(fixture_path("fail/prores.mov"))
    plan = plan_fix(report, validator.load_profile()).model_copy(
        update={"max_bytes": 100_000, "video_bitrate": 500_000})
    assert corrected_bitrate(plan, 100_000, 1.0) is None
    assert corrected_bitrate(plan, 110_000, 1.0) == 500_000 - int(20_000 * 8 * 1.1)
    assert corrected_bitrate(plan.model_copy(update={"max_bytes": None}), 110_000, 1.0) is None


def test_ffmpeg_falls_back_to_imageio_ffmpeg(monkeypatch: pytest.MonkeyPatch) -> None:
    imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")
    monkeypatch.setenv("MEDIA_PREFLIGHT_FFMPEG", "")
    assert ffmpeg_binary() == imageio_ffmpeg.get_ffmpeg_exe()


def test_no_ffmpeg_says_how_to_get_one(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MEDIA_PREFLIGHT_FFMPEG", "")
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)
    with pytest.raises(FixError, match=r"pip install 'media-preflight\[fix\]'"):
        fix(fixture_path("fail/prores.mov"), tmp_path / "out.mp4")
    result = cli("fix", str(fixture_path("fail/prores.mov")), "-o", str(tmp_path / "o.mp4"))
    assert result.returncode == 2 and "apt-get install ffmpeg" in result.stderr


def test_fix_is_exported_from_the_package(tmp_path: Path) -> None:
    result = validator.fix(fixture_path("fail/no_audio.mp4"), tmp_path / "out.mp4", dry_run=True)
    assert isinstance(result, validator.FixResult) and not result.ran
