"""Acceptance over ../shared/realworld: 40 public files with ffprobe's and MediaInfo's readings."""

from __future__ import annotations

import json

import pytest

from tests.conftest import REALWORLD, needs_ffprobe, needs_realworld
from validator import validate
from validator.records.findings import Report

pytestmark = needs_realworld

EXPECTED = (json.loads((REALWORLD / "expected.json").read_text())["files"]
            if (REALWORLD / "expected.json").is_file() else {})
AGREE = sorted(n for n, e in EXPECTED.items() if not e["ffprobe_mediainfo_disagreements"])
DISAGREE = sorted(n for n, e in EXPECTED.items() if e["ffprobe_mediainfo_disagreements"])


def expected_codes(expected: dict) -> list[int]:
    """The corpus's codes, with 1209 for a file ffprobe cannot read now 1208 (issue 17)."""
    unreadable = expected["ffprobe"]["exit_code"] != 0
    return [1208 if unreadable and c == "1209" else int(c) for c in expected["expected_codes"]]


def judged_as_expected(report: Report, expected: dict) -> bool:
    codes = expected_codes(expected)
    if expected["expected_codes_exact"]:
        return report.codes == codes
    return set(codes) <= set(report.codes) and not report.ok


def flagged(report: Report) -> bool:
    return not report.ok or any(f.message.startswith(("uncertain", "average frame rate unknown",
                                                      "container duration unknown"))
                                for f in report.warnings)


def test_corpus_is_split_as_documented() -> None:
    assert len(EXPECTED) == 40 and len(DISAGREE) == 9


@needs_ffprobe
@pytest.mark.parametrize("name", AGREE)
def test_agreeing_files_are_judged_exactly(name: str) -> None:
    assert judged_as_expected(validate(REALWORLD / "files" / name), EXPECTED[name])


@needs_ffprobe
@pytest.mark.parametrize("name", DISAGREE)
def test_disagreeing_files_are_judged_as_ffprobe_and_flagged(name: str) -> None:
    report = validate(REALWORLD / "files" / name)
    assert flagged(report)
    assert judged_as_expected(report, EXPECTED[name])


@pytest.mark.parametrize("name", DISAGREE)
def test_without_ffprobe_disagreements_are_still_flagged(name: str, without_ffprobe: None) -> None:
    assert flagged(validate(REALWORLD / "files" / name))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_without_ffprobe_no_expected_failure_passes_silently(name: str,
                                                             without_ffprobe: None) -> None:
    report = validate(REALWORLD / "files" / name)
    if EXPECTED[name]["expected"] == "not_ok":
        assert not report.ok or report.warnings


def test_r_frame_rate_does_not_trigger_1210() -> None:
    report = validate(REALWORLD / "files" / "moviepy__fire2.mp4")
    assert report.ok and 1210 not in report.codes


def test_cover_art_streams_are_not_video() -> None:
    report = validate(REALWORLD / "files" / "tinytag__mpeg4_with_image.m4a")
    assert report.codes == [1209]
    assert "only cover art" in report.findings[0].message
