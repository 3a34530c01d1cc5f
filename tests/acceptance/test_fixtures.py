"""Acceptance: the bundled fixtures get exactly the codes ffprobe's reading gives them."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURE_EXPECTED, HAS_FFPROBE, fixture_path, needs_ffprobe
from validator import validate

NAMES = sorted(FIXTURE_EXPECTED)


@pytest.mark.parametrize("name", NAMES)
def test_auto_matches_ffprobe_codes(name: str) -> None:
    if FIXTURE_EXPECTED[name].get("release_dependent") and not HAS_FFPROBE:
        pytest.skip("FFmpeg releases read it differently and no reference ffprobe decides "
                    "(test_auto_without_ffprobe_matches_too covers it)")
    report = validate(fixture_path(name))
    assert report.codes == FIXTURE_EXPECTED[name]["codes"]
    assert report.ok is FIXTURE_EXPECTED[name]["ok"]


@pytest.mark.parametrize("name", NAMES)
def test_auto_without_ffprobe_matches_too(name: str, without_ffprobe: None) -> None:
    """Without ffprobe: ffprobe's codes, or for a file FFmpeg releases read differently, no
    error and a warning naming each release's reading."""
    report = validate(fixture_path(name))
    if FIXTURE_EXPECTED[name].get("release_dependent"):
        assert report.ok
        assert [f for f in report.warnings if f.message.startswith("uncertain: the verdict "
                                                                    "depends on the API's")]
    else:
        assert report.codes == FIXTURE_EXPECTED[name]["codes"]


@needs_ffprobe
@pytest.mark.parametrize("name", NAMES)
def test_ffprobe_backend_is_the_ground_truth(name: str) -> None:
    report = validate(fixture_path(name), probe="ffprobe")
    assert report.codes == FIXTURE_EXPECTED[name]["codes"]
    assert not [f for f in report.warnings if f.message.startswith("uncertain")]


@pytest.mark.parametrize("probe", ["libav", "mediainfo"])
@pytest.mark.parametrize("name", NAMES)
def test_single_backends_agree_or_flag(name: str, probe: str) -> None:
    """A lone embedded backend either gives ffprobe's codes or warns about the difference.

    MediaInfo is no FFmpeg: it reads no other release's reading and no content span."""
    entry = FIXTURE_EXPECTED[name]
    if probe == "mediainfo" and (entry.get("release_dependent") or entry.get("content_span")):
        pytest.skip("MediaInfo reads neither FFmpeg 5.x's reading nor a content span")
    report = validate(fixture_path(name), probe=probe)
    expected = entry["codes"]
    if entry.get("release_dependent"):
        assert [f for f in report.warnings if f.message.startswith("uncertain")]
        return
    if report.codes != expected:
        differing = set(report.codes) ^ set(expected)
        assert not report.ok or report.warnings
        assert differing <= {1203, 1208, 1209} and not FIXTURE_EXPECTED[name]["ok"]


def test_borderline_files_are_flagged_by_a_lone_backend() -> None:
    report = validate(fixture_path("pass/fps_60.mp4"), probe="mediainfo")
    assert report.ok
    assert any("within 1 % of the limit" in f.message for f in report.warnings)


@needs_ffprobe
def test_auto_asks_ffprobe_only_about_doubtful_files() -> None:
    plain = validate(fixture_path("pass/h264_aac_25fps.mp4"))
    border = validate(fixture_path("pass/dur_60.0.mp4"))   # every release reads 60.000 s
    drifting = validate(fixture_path("drift/header_longer.mp4"))
    assert plain.media is not None and plain.media.source.startswith("libav")
    assert border.media is not None and border.media.source.startswith("libav")
    assert drifting.media is not None and drifting.media.source.startswith("ffprobe")


def test_cover_art_is_not_video() -> None:
    report = validate(fixture_path("pass/h264_aac_cover_art.mp4"))
    assert report.ok
    assert report.media is not None
    assert [v.cover_art for v in report.media.video] == [False, True]


def test_lfs_pointer_is_named_as_such() -> None:
    report = validate(fixture_path("fail/lfs_pointer.mp4"))
    assert report.codes == [1208]
    assert "Git LFS pointer" in report.findings[0].message
    assert "git lfs pull" in report.findings[0].hint


def test_facts_cover_what_the_rules_need() -> None:
    path = fixture_path("pass/rotated_portrait.mp4")
    facts = validate(path).media
    assert facts is not None
    video = facts.main_video
    assert video is not None and video.codec == "h264" and video.avg_fps == 25.0
    assert video.width and video.height and not video.cover_art
    assert facts.audio[0].codec == "aac" and facts.audio[0].channels == 1
    assert facts.size_bytes == path.stat().st_size
    assert facts.duration_s == pytest.approx(2.0, abs=0.05)


@pytest.mark.parametrize(("probe", "rotation"), [
    pytest.param("ffprobe", -90.0, marks=needs_ffprobe), ("mediainfo", 90.0)])
def test_rotation_is_read(probe: str, rotation: float) -> None:
    facts = validate(fixture_path("pass/rotated_portrait.mp4"), probe=probe).media
    assert facts is not None and facts.main_video is not None
    assert facts.main_video.rotation == rotation
