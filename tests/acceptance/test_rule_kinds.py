"""Each rule kind on real media: the committed files in fixtures/limits/ (made by
fixtures/make_fixtures.py), one just inside and one just outside each limit, read by the default
backend (FFmpeg's libraries in-process) and judged by a profile. No FFmpeg is needed."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURE_EXPECTED, fixture_path, needs_ffprobe

from validator.check.engine import evaluate
from validator.probe.base import read_facts
from validator.probe.ffprobe import FfprobeBackend
from validator.probe.libav import LibavBackend
from validator.probe.mediainfo import MediaInfoBackend
from validator.profiles.profile import Profile, load_profile
from validator.records.facts import MediaFacts

# fixtures/expected.json: for each limits/ file, the rules each named profile reports on it.
LIMITS = {name: entry["profiles"] for name, entry in FIXTURE_EXPECTED.items()
          if "profiles" in entry}
TABLE = [(name, profile) for name, profiles in sorted(LIMITS.items()) for profile in profiles]


def limits(name: str) -> Path:
    """A file of fixtures/limits/."""
    return fixture_path(f"limits/{name}")


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


@pytest.mark.parametrize(("name", "profile"), TABLE, ids=[f"{n}-{p}" for n, p in TABLE])
def test_each_limits_file_gets_exactly_its_rules(name: str, profile: str) -> None:
    assert failing(fixture_path(name), profile) == set(LIMITS[name][profile])


# Each limit, by profile and rule: a file just inside (not reported) and one just outside.
BOTH_SIDES = [
    ("tiktok", "min-duration"), ("tiktok", "min-frame-rate"), ("tiktok", "picture-size"),
    ("tiktok", "container-format"), ("instagram-reels", "picture-size"),
    ("instagram-reels", "audio-format"), ("instagram-reels", "progressive"),
    ("instagram-reels", "pixel-format"), ("instagram-reels", "faststart"),
    ("instagram-reels", "no-edit-lists"), ("akool-translate", "max-frame-rate"),
    ("akool-character-swap", "min-duration"), ("akool-character-swap", "max-duration"),
    ("akool-character-swap", "container-format"), ("akool-character-swap", "image-input"),
    ("akool-character-swap-kling", "min-duration"), ("akool-character-swap-kling", "max-duration"),
    ("akool-character-swap-kling", "image-input"), ("akool-faceswap", "max-duration"),
    ("akool-faceswap", "container-format"), ("tavus", "min-duration"),
    ("tavus", "container-format"), ("youtube-shorts", "min-duration"),
    ("youtube-shorts", "max-duration"), ("youtube-shorts", "aspect-ratio"),
    ("sync-so", "picture-size"),
]


@pytest.mark.parametrize(("profile", "rule"), BOTH_SIDES, ids=[f"{p}-{r}" for p, r in BOTH_SIDES])
def test_each_limit_has_a_file_on_each_side(profile: str, rule: str) -> None:
    judged = {name: rules[profile] for name, rules in LIMITS.items() if profile in rules}
    assert [name for name, rules in judged.items() if rule in rules], "no file outside"
    assert [name for name, rules in judged.items() if rule not in rules], "no file inside"


@pytest.mark.parametrize(("name", "fails"), [("dur_3.04s.mp4", False), ("dur_2.96s.mp4", True)])
def test_min_duration(name: str, fails: bool) -> None:
    assert ("min-duration" in failing(limits(name), "tiktok")) is fails


@pytest.mark.parametrize(("name", "fails"), [("fps_23.mp4", False), ("fps_22.mp4", True)])
def test_min_frame_rate(name: str, fails: bool) -> None:
    assert ("min-frame-rate" in failing(limits(name), "tiktok")) is fails


@pytest.mark.parametrize(("name", "fails"), [("dur_3.04s.mp4", False),   # 360x360
                                             ("size_358x360.mp4", True),
                                             ("size_360x358.mp4", True)])
def test_picture_size_minimum(name: str, fails: bool) -> None:
    assert ("picture-size" in failing(limits(name), "tiktok")) is fails


@pytest.mark.parametrize(("name", "fails"), [("size_1920x64.mp4", False),
                                             ("size_1922x64.mp4", True)])
def test_picture_size_maximum(name: str, fails: bool) -> None:
    assert ("picture-size" in failing(limits(name), "instagram-reels")) is fails


def test_picture_size_is_judged_as_displayed_after_rotation(tmp_path: Path) -> None:
    wide, turned = limits("wide_640x360.mp4"), limits("turned_640x360.mp4")
    profile = custom(tmp_path, "[rules.picture-size]\nmax_width = 400\n")
    assert facts_of(turned).main_video.displayed_size == (360, 640)
    assert "picture-size" in failing(wide, profile)
    assert "picture-size" not in failing(turned, profile)


@pytest.mark.parametrize(("name", "fails"), [("aspect_64x160.mp4", False),
                                             ("aspect_64x162.mp4", True)])
def test_aspect_ratio(tmp_path: Path, name: str, fails: bool) -> None:
    profile = custom(tmp_path, "[rules.aspect-ratio]\nmin_ratio = 0.4\nmax_ratio = 2.5\n")
    assert ("aspect-ratio" in failing(limits(name), profile)) is fails


def test_container_is_judged_by_content_not_name() -> None:
    webm = limits("container_vp8.webm")
    matroska_named_webm = limits("container_matroska_named.webm")
    mov = limits("container_h264.mov")
    assert "container-format" not in failing(webm, "tiktok")
    assert "container-format" in failing(matroska_named_webm, "tiktok")
    assert "container-format" not in failing(mov, "tiktok")
    assert "container-format" in failing(mov, "tavus")          # QuickTime, not MP4


def test_container_extension_where_the_platform_requires_it() -> None:
    mp4_named_m4v = limits("container_mp4_named.m4v")
    findings = evaluate(load_profile("tavus"), facts_of(mp4_named_m4v))
    [finding] = [f for f in findings if f.rule == "container-format"]
    assert finding.message == "file name extension .m4v is not accepted (.mp4)"


@pytest.mark.parametrize(("name", "fails"), [
    ("instagram_ready.mp4", False),       # AAC, 48 kHz, 2 channels
    ("audio_aac_88.2k.mp4", True),
    ("audio_aac_3ch.mp4", True),
    ("audio_mp3.mp4", True),
])
def test_audio_format(name: str, fails: bool) -> None:
    assert ("audio-format" in failing(limits(name), "instagram-reels")) is fails


@pytest.mark.parametrize(("name", "fails"), [("instagram_ready.mp4", False),
                                             ("interlaced_tff.mp4", True)])
def test_progressive(name: str, fails: bool) -> None:
    assert ("progressive" in failing(limits(name), "instagram-reels")) is fails


@pytest.mark.parametrize(("name", "fails"), [("instagram_ready.mp4", False),   # 4:2:0
                                             ("chroma_422.mp4", True),
                                             ("chroma_444.mp4", True)])
def test_chroma_subsampling(name: str, fails: bool) -> None:
    assert ("pixel-format" in failing(limits(name), "instagram-reels")) is fails


@pytest.mark.parametrize(("name", "fails"), [("instagram_ready.mp4", False),   # 8-bit
                                             ("bit_depth_10.mp4", True)])
def test_bit_depth(tmp_path: Path, name: str, fails: bool) -> None:
    profile = custom(tmp_path, "[rules.pixel-format]\nmax_bit_depth = 8\n")
    assert ("pixel-format" in failing(limits(name), profile)) is fails


@pytest.mark.parametrize(("name", "fails"), [("instagram_ready.mp4", False),
                                             ("not_faststart.mp4", True)])
def test_faststart(name: str, fails: bool) -> None:
    assert ("faststart" in failing(limits(name), "instagram-reels")) is fails


@pytest.mark.parametrize(("name", "fails"), [("instagram_ready.mp4", False),   # -use_editlist 0
                                             ("edit_list.mp4", True)])
def test_no_edit_lists(name: str, fails: bool) -> None:
    assert ("no-edit-lists" in failing(limits(name), "instagram-reels")) is fails


def test_an_instagram_ready_clip_passes_every_rule() -> None:
    assert failing(limits("instagram_ready.mp4"), "instagram-reels") == set()


@pytest.mark.parametrize("backend", [LibavBackend(), MediaInfoBackend(),
                                     pytest.param(FfprobeBackend(), marks=needs_ffprobe)],
                         ids=["libav", "mediainfo", "ffprobe"])
def test_every_backend_reads_the_new_facts(backend: object) -> None:
    clip = limits("mov_422_10bit_tff.mov")   # QuickTime, 10-bit 4:2:2, interlaced tff
    facts = read_facts(str(clip), backend)  # type: ignore[arg-type]
    main = facts.main_video
    assert (facts.brand, facts.moov_first, facts.edit_lists) == ("qt  ", False, True)
    assert (main.chroma, main.bit_depth, main.field_order) == ("4:2:2", 10, "tt")
