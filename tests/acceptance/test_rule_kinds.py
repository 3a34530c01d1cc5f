"""Each new rule kind on real media made with FFmpeg: a file just inside and one just outside
each limit, read by the default backend (FFmpeg's libraries in-process) and judged by a profile."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import HAS_FFMPEG, needs_ffprobe

from tests.conftest import FFMPEG
from validator.check.engine import evaluate
from validator.probe.base import read_facts
from validator.probe.ffprobe import FfprobeBackend
from validator.probe.libav import LibavBackend
from validator.probe.mediainfo import MediaInfoBackend
from validator.profiles.profile import Profile, load_profile
from validator.records.facts import MediaFacts

pytestmark = pytest.mark.skipif(not HAS_FFMPEG, reason="ffmpeg is not installed")

SMALL = "16x16"


SYSTEM_FFMPEG_ROTATES = pytest.mark.skipif(
    shutil.which("ffmpeg") is None,
    reason="the rotated clip is made with `-metadata:s:v:0 rotate=…`, which only the system "
           "FFmpeg (5.x) turns into a display matrix; imageio-ffmpeg's (7.x) ignores it")


def ffmpeg(out: Path, *args: str, video: str = f"testsrc=s={SMALL}:r=25", seconds: float = 1,
           audio: str | None = None) -> Path:
    """Make ``out`` from a test pattern (and a tone): tiny, a few KB."""
    inputs = ["-f", "lavfi", "-t", str(seconds), "-i", video]
    if audio:
        inputs += ["-f", "lavfi", "-t", str(seconds), "-i", audio]
    subprocess.run([FFMPEG, "-v", "error", "-y", *inputs, *args, str(out)], check=True,
                   timeout=120)
    return out


def facts_of(path: Path) -> MediaFacts:
    return read_facts(str(path), LibavBackend())


def failing(path: Path, profile: str | Profile) -> set[str]:
    """The rules that fail (errors) or warn on ``path`` under ``profile``."""
    active = profile if isinstance(profile, Profile) else load_profile(profile)
    return {finding.rule for finding in evaluate(active, facts_of(path))}


def custom(tmp_path: Path, text: str) -> Profile:
    """A profile file written for the test."""
    path = tmp_path / "custom.toml"
    path.write_text(text)
    return load_profile(str(path))


H264 = ("-c:v", "libx264", "-pix_fmt", "yuv420p")


@pytest.mark.parametrize(("seconds", "fails"), [(3.04, False), (2.96, True)])
def test_min_duration(tmp_path: Path, seconds: float, fails: bool) -> None:
    clip = ffmpeg(tmp_path / "c.mp4", *H264, seconds=seconds)
    assert ("min-duration" in failing(clip, "tiktok")) is fails


@pytest.mark.parametrize(("fps", "fails"), [(23, False), (22, True)])
def test_min_frame_rate(tmp_path: Path, fps: int, fails: bool) -> None:
    clip = ffmpeg(tmp_path / "c.mp4", *H264, video=f"testsrc=s=360x360:r={fps}", seconds=3.5)
    assert ("min-frame-rate" in failing(clip, "tiktok")) is fails


@pytest.mark.parametrize(("size", "fails"), [("360x360", False), ("358x360", True),
                                             ("360x358", True)])
def test_picture_size_minimum(tmp_path: Path, size: str, fails: bool) -> None:
    clip = ffmpeg(tmp_path / "c.mp4", *H264, video=f"testsrc=s={size}:r=25", seconds=0.2)
    assert ("picture-size" in failing(clip, "tiktok")) is fails


@pytest.mark.parametrize(("width", "fails"), [(1920, False), (1922, True)])
def test_picture_size_maximum(tmp_path: Path, width: int, fails: bool) -> None:
    clip = ffmpeg(tmp_path / "c.mp4", *H264, video=f"color=s={width}x64:r=25", seconds=0.1)
    assert ("picture-size" in failing(clip, "instagram-reels")) is fails


@SYSTEM_FFMPEG_ROTATES
def test_picture_size_is_judged_as_displayed_after_rotation(tmp_path: Path) -> None:
    wide = ffmpeg(tmp_path / "wide.mp4", *H264, video="color=s=640x360:r=25", seconds=0.1)
    turned = tmp_path / "turned.mp4"
    subprocess.run([FFMPEG, "-v", "error", "-y", "-i", str(wide), "-c", "copy",
                    "-metadata:s:v:0", "rotate=90", str(turned)], check=True, timeout=60)
    profile = custom(tmp_path, "[rules.picture-size]\nmax_width = 400\n")
    assert facts_of(turned).main_video.displayed_size == (360, 640)
    assert "picture-size" in failing(wide, profile)
    assert "picture-size" not in failing(turned, profile)


@pytest.mark.parametrize(("height", "fails"), [(160, False), (162, True)])
def test_aspect_ratio(tmp_path: Path, height: int, fails: bool) -> None:
    clip = ffmpeg(tmp_path / "c.mp4", *H264, video=f"color=s=64x{height}:r=25", seconds=0.1)
    profile = custom(tmp_path, "[rules.aspect-ratio]\nmin_ratio = 0.4\nmax_ratio = 2.5\n")
    assert ("aspect-ratio" in failing(clip, profile)) is fails


def test_container_is_judged_by_content_not_name(tmp_path: Path) -> None:
    webm = ffmpeg(tmp_path / "real.webm", "-c:v", "libvpx")
    matroska_named_webm = ffmpeg(tmp_path / "fake.webm", "-f", "matroska", "-c:v", "libvpx")
    mov = ffmpeg(tmp_path / "clip.mov", *H264)
    assert "container-format" not in failing(webm, "tiktok")
    assert "container-format" in failing(matroska_named_webm, "tiktok")
    assert "container-format" not in failing(mov, "tiktok")
    assert "container-format" in failing(mov, "tavus")          # QuickTime, not MP4


def test_container_extension_where_the_platform_requires_it(tmp_path: Path) -> None:
    mp4_named_m4v = ffmpeg(tmp_path / "clip.m4v", "-f", "mp4", *H264)
    findings = evaluate(load_profile("tavus"), facts_of(mp4_named_m4v))
    [finding] = [f for f in findings if f.rule == "container-format"]
    assert finding.message == "file name extension .m4v is not accepted (.mp4)"


@pytest.mark.parametrize(("audio_args", "fails"), [
    (("-c:a", "aac", "-ar", "48000", "-ac", "2"), False),
    (("-c:a", "aac", "-ar", "88200", "-ac", "2"), True),
    (("-c:a", "aac", "-ar", "48000", "-ac", "3"), True),
    (("-c:a", "mp3", "-ar", "48000", "-ac", "2"), True),
])
def test_audio_format(tmp_path: Path, audio_args: tuple[str, ...], fails: bool) -> None:
    clip = ffmpeg(tmp_path / "c.mp4", *H264, *audio_args, audio="sine=r=48000", seconds=0.5)
    assert ("audio-format" in failing(clip, "instagram-reels")) is fails


@pytest.mark.parametrize(("args", "fails"), [
    ((), False),
    (("-flags", "+ilme+ildct", "-x264opts", "tff=1", "-vf", "setfield=tff"), True),
])
def test_progressive(tmp_path: Path, args: tuple[str, ...], fails: bool) -> None:
    clip = ffmpeg(tmp_path / "c.mp4", "-c:v", "libx264", "-pix_fmt", "yuv420p", *args,
                  video="testsrc=s=64x64:r=25")
    assert ("progressive" in failing(clip, "instagram-reels")) is fails


@pytest.mark.parametrize(("pix_fmt", "fails"), [("yuv420p", False), ("yuv422p", True),
                                                ("yuv444p", True)])
def test_chroma_subsampling(tmp_path: Path, pix_fmt: str, fails: bool) -> None:
    clip = ffmpeg(tmp_path / "c.mp4", "-c:v", "libx264", "-pix_fmt", pix_fmt)
    assert ("pixel-format" in failing(clip, "instagram-reels")) is fails


@pytest.mark.parametrize(("pix_fmt", "fails"), [("yuv420p", False), ("yuv420p10le", True)])
def test_bit_depth(tmp_path: Path, pix_fmt: str, fails: bool) -> None:
    clip = ffmpeg(tmp_path / "c.mp4", "-c:v", "libx264", "-pix_fmt", pix_fmt)
    profile = custom(tmp_path, "[rules.pixel-format]\nmax_bit_depth = 8\n")
    assert ("pixel-format" in failing(clip, profile)) is fails


@pytest.mark.parametrize(("args", "fails"), [(("-movflags", "+faststart"), False), ((), True)])
def test_faststart(tmp_path: Path, args: tuple[str, ...], fails: bool) -> None:
    clip = ffmpeg(tmp_path / "c.mp4", *H264, *args)
    assert ("faststart" in failing(clip, "instagram-reels")) is fails


@pytest.mark.parametrize(("args", "fails"), [(("-use_editlist", "0"), False), ((), True)])
def test_no_edit_lists(tmp_path: Path, args: tuple[str, ...], fails: bool) -> None:
    clip = ffmpeg(tmp_path / "c.mp4", *H264, "-c:a", "aac", *args, audio="sine", seconds=0.5)
    assert ("no-edit-lists" in failing(clip, "instagram-reels")) is fails


def test_an_instagram_ready_clip_passes_every_rule(tmp_path: Path) -> None:
    clip = ffmpeg(tmp_path / "reel.mp4", *H264, "-c:a", "aac", "-ar", "48000", "-ac", "2",
                  "-movflags", "+faststart", "-use_editlist", "0",
                  video="testsrc=s=108x192:r=30", audio="sine=r=48000", seconds=3.5)
    assert failing(clip, "instagram-reels") == set()


@pytest.mark.parametrize("backend", [LibavBackend(), MediaInfoBackend(),
                                     pytest.param(FfprobeBackend(), marks=needs_ffprobe)],
                         ids=["libav", "mediainfo", "ffprobe"])
def test_every_backend_reads_the_new_facts(tmp_path: Path, backend: object) -> None:
    clip = ffmpeg(tmp_path / "c.mov", "-c:v", "libx264", "-pix_fmt", "yuv422p10le",
                  "-flags", "+ilme+ildct", "-x264opts", "tff=1", "-vf", "setfield=tff",
                  video="testsrc=s=64x48:r=25")
    facts = read_facts(str(clip), backend)  # type: ignore[arg-type]
    main = facts.main_video
    assert (facts.brand, facts.moov_first, facts.edit_lists) == ("qt  ", False, True)
    assert (main.chroma, main.bit_depth, main.field_order) == ("4:2:2", 10, "tt")
