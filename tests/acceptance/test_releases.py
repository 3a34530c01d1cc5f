"""What other FFmpeg releases read: the box and packet readings and the arbitration on them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, REPO
from validator import validate
from validator.check import releases
from validator.probe import mp4, read_named
from validator.profiles.profile import load_profile
from validator.records.facts import AudioStream, MediaFacts, VideoStream

DRIFT = FIXTURES / "drift"


def facts(**changes: object) -> MediaFacts:
    base = MediaFacts(path="clip.mp4", source="libav (libavformat 62.12.102, PyAV 18.1.0)",
                      container="mov,mp4,m4a,3gp,3g2,mj2", duration_s=50.0,
                      video=(VideoStream(index=0, codec="h264", avg_fps=30.0,
                                         declared_fps=30.0),),
                      audio=(AudioStream(index=1, codec="aac"),))
    return base._replace(**changes)


def test_the_movie_header_duration_is_read_from_the_boxes() -> None:
    header = mp4.layout(str(DRIFT / "header_longer.mp4"))
    assert (header.fragmented, header.header_duration_s) == (False, 65.0)
    assert mp4.layout(str(FIXTURES / "pass/vp9_opus.webm")).header_duration_s is None
    libav = read_named(str(DRIFT / "header_shorter.mp4"), "libav")
    assert (libav.duration_s, libav.header_duration_s) == (64.0, 55.0)


def test_a_container_without_duration_gets_the_span_of_its_content() -> None:
    long, short = (read_named(str(DRIFT / name), "libav")
                   for name in ("pipe_75s.webm", "pipe_20s.webm"))
    assert long.duration_s is None and long.content_span_s == pytest.approx(75, abs=0.1)
    assert short.content_span_s == pytest.approx(20, abs=0.1)
    assert read_named(str(FIXTURES / "pass/vp9_opus.webm"), "libav").content_span_s is None


def test_a_rate_that_changes_in_the_first_seconds_is_seen() -> None:
    main = read_named(str(DRIFT / "rate_change.ts"), "libav").main_video
    assert main is not None and main.avg_fps == 30
    assert main.window_fps == pytest.approx(120, rel=0.01)
    steady = read_named(str(FIXTURES / "fail/ts_cut_t60.ts"), "libav").main_video
    assert steady is not None and steady.window_fps is None


@pytest.mark.parametrize(("changes", "expected"), [
    ({}, []),
    ({"header_duration_s": 50.0}, []),
    ({"header_duration_s": 65.0}, [("FFmpeg 5.x and older (the movie header)", 65.0, 30.0)]),
    ({"container": "mpegts", "video": (VideoStream(0, "h264", 30.0, 30.0, window_fps=120.0),)},
     [("FFmpeg 5.x and older (estimating the rate from more of the start)", 50.0, 120.0)]),
    ({"container": "dv", "video": (VideoStream(0, "dvvideo", 60000.0, 25.0),)},
     [("FFmpeg 5.x and older (DV: the declared rate)", 50.0, 25.0)]),
])
def test_the_readings_of_other_releases(changes: dict[str, object],
                                        expected: list[tuple[str, float, float]]) -> None:
    found = releases.readings(facts(**changes))
    others = [(r.releases, r.facts.duration_s, r.facts.video[0].avg_fps) for r in found[1:]]
    assert others == expected
    assert not found or found[0] == releases.Reading(releases.NEWER, facts(**changes))


def test_only_rules_whose_verdict_the_release_changes_are_split() -> None:
    profile = load_profile("akool")
    split = releases.split_rules(profile, releases.readings(facts(header_duration_s=65.0)))
    assert [active.rule.id for active in split] == ["max-duration"]
    assert releases.split_rules(profile, releases.readings(facts(header_duration_s=55.0))) == []


@pytest.mark.parametrize(("name", "codes", "warned"), [
    ("header_longer.mp4", [], "FFmpeg 5.x and older (the movie header): 65 s (fails: 1204)"),
    ("header_shorter.mp4", [], "FFmpeg 6.0 and newer: 64 s (fails: 1204)"),
    ("rate_change.ts", [], "(estimating the rate from more of the start): 120 fps"),
])
def test_without_a_reference_both_readings_are_named(
        name: str, codes: list[int], warned: str, without_ffprobe: None) -> None:
    report = validate(DRIFT / name)
    assert report.codes == codes and report.ok
    (warning,) = [f for f in report.findings if f.severity == "warning"]
    assert warning.message.startswith("uncertain: the verdict depends on the API's FFmpeg")
    assert warned in warning.message


def test_a_long_content_without_a_container_duration_fails() -> None:
    report = validate(DRIFT / "pipe_75s.webm")
    assert report.codes == [1204]
    assert report.findings[0].message == "no container duration; its content runs 75.014 s > 60 s"


def test_the_message_names_the_track_that_makes_a_file_long() -> None:
    report = validate(DRIFT / "audio_outlasts_video.mp4")
    assert report.findings[0].message == "62 s > 60 s: the audio track runs 62 s, the video 55 s"


@pytest.mark.skipif(shutil.which("ffprobe") is None, reason="needs an ffprobe to name")
def test_reference_ffprobe_names_the_binary_that_decides(tmp_path: Path) -> None:
    def check(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "validator", "check", *args],
                              capture_output=True, text=True, cwd=REPO, timeout=120,
                              env={"PATH": "/nonexistent", "HOME": str(tmp_path)})

    decided = check("--reference-ffprobe", str(shutil.which("ffprobe")),
                    str(DRIFT / "header_longer.mp4"))
    assert decided.returncode == 1, decided.stderr
    assert "the reference ffprobe " in decided.stdout and "which decides" in decided.stdout
    missing = check("--reference-ffprobe", str(tmp_path / "nope"), str(DRIFT / "header_longer.mp4"))
    assert missing.returncode == 2 and "--reference-ffprobe" in missing.stderr
    assert "Traceback" not in missing.stderr
