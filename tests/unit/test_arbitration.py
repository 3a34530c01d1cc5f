"""The ``auto`` arbitration as a table: these readings, these probers installed → these reads,
this verdict, these warnings.

Each row gives what each backend reads (``None``: not installed), which
backends ``auto`` asks and in what order, the API codes, the warnings (rule and
the start of the message), and which reading the report carries. The probes are
a fake that hands out the row's facts: this is the decision logic on facts
values; real media through ``auto`` is in ``tests/acceptance/test_fixtures.py``.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import pytest

from validator.check.arbitration import AUTO, inspect_file
from validator.profiles.profile import load_profile
from validator.records.facts import AudioStream, MediaFacts, ProblemKind, VideoStream
from validator.records.findings import Report

AKOOL = load_profile("akool")
PATH = "clip.mp4"


def reading(source: str, fps: float | None = 25.0, declared: float | None = None,
            duration: float | None = 10.0, fragmented: bool = False,
            problem: ProblemKind | None = None) -> MediaFacts:
    """One backend's facts of an H.264/AAC clip (or of a file it could not read)."""
    if problem is not None:
        return MediaFacts(path=PATH, source=source, size_bytes=1000, problem=f"{problem} trouble",
                          problem_kind=problem)
    return MediaFacts(path=PATH, source=source, size_bytes=1_000_000, container="mp4",
                      duration_s=duration, fragmented=fragmented,
                      video=(VideoStream(index=0, codec="h264", avg_fps=fps,
                                         declared_fps=declared),),
                      audio=(AudioStream(index=1, codec="aac", channels=2),))


def libav(**facts: Any) -> MediaFacts:
    return reading("libav 7.1", **facts)


def mediainfo(**facts: Any) -> MediaFacts:
    return reading("mediainfo 24.06", **facts)


def ffprobe(**facts: Any) -> MediaFacts:
    return reading("ffprobe 6.1", **facts)


class FakeProbes:
    """The backends of one row: each installed one returns its reading; every read is logged."""

    def __init__(self, readings: dict[str, MediaFacts | None]) -> None:
        self.readings = {name: facts for name, facts in readings.items() if facts is not None}
        self.asked: list[str] = []

    def read(self, path: str, backend: str) -> MediaFacts:
        assert path == PATH
        self.asked.append(backend)
        return self.readings[backend]

    def available(self, backend: str) -> bool:
        return backend in self.readings


class Row(NamedTuple):
    name: str
    libav: MediaFacts | None
    mediainfo: MediaFacts | None
    ffprobe: MediaFacts | None
    asked: list[str]
    codes: list[int]
    warnings: list[tuple[str, str]]
    decided_by: str


UNCERTAIN_FPS = ("max-frame-rate", "uncertain: FFmpeg (in-process) reads 60.3 fps, MediaInfo "
                 "reads 59.9 fps (60.3 fps is within 1 % of the limit); the API measures with "
                 "FFmpeg — install ffprobe to confirm")
UNRESOLVED_FPS = ("max-frame-rate", "uncertain: 60.3 fps is within 1 % of the limit "
                  "(MediaInfo reading); the API's FFmpeg may judge it otherwise — install "
                  "ffprobe to confirm")
FRAGMENTED = ("max-duration", "uncertain: fragmented MP4: FFmpeg versions read its duration "
              "differently (some far longer than the content) (FFmpeg (in-process) reading)")
NO_FPS = ("max-frame-rate", "average frame rate unknown: cannot check the 60 fps limit")

ROWS = [
    # A clear reading is final: nobody else is asked, whether ffprobe is there or not.
    Row("clear pass", libav(), mediainfo(), ffprobe(), ["libav"], [], [], "libav"),
    Row("clear fail", libav(duration=75.0), mediainfo(), None, ["libav"], [1204], [], "libav"),
    Row("constant 60 fps is solid", libav(fps=60.0, declared=60.0), mediainfo(), ffprobe(),
        ["libav"], [], [], "libav"),
    # A doubted reading goes to ffprobe when it is installed: its reading decides, silently.
    Row("borderline, ffprobe passes it", libav(fps=60.3), mediainfo(),
        ffprobe(fps=60.0, declared=60.0), ["libav", "ffprobe"], [], [], "ffprobe"),
    Row("borderline, ffprobe fails it", libav(fps=59.9), mediainfo(), ffprobe(fps=60.5),
        ["libav", "ffprobe"], [1210], [], "ffprobe"),
    Row("1 ms timestamps, ffprobe agrees", libav(fps=1000.0, declared=30.0), mediainfo(),
        ffprobe(fps=1000.0, declared=30.0), ["libav", "ffprobe"], [1210], [], "ffprobe"),
    Row("fragmented, ffprobe reads it long", libav(duration=30.0, fragmented=True), mediainfo(),
        ffprobe(duration=90.0, fragmented=True), ["libav", "ffprobe"], [1204], [], "ffprobe"),
    Row("libav cannot open it, ffprobe can", libav(problem="parse"), mediainfo(), ffprobe(),
        ["libav", "ffprobe"], [], [], "ffprobe"),
    # Without ffprobe, MediaInfo is the second opinion: agreement is silent, disagreement warns.
    Row("borderline, MediaInfo agrees", libav(fps=60.3), mediainfo(fps=60.3), None,
        ["libav", "mediainfo"], [1210], [], "libav"),
    Row("borderline, MediaInfo disagrees", libav(fps=60.3), mediainfo(fps=59.9), None,
        ["libav", "mediainfo"], [1210], [UNCERTAIN_FPS], "libav"),
    Row("ffprobe loses the file: as without it", libav(fps=60.3), mediainfo(fps=59.9),
        ffprobe(problem="io"), ["libav", "ffprobe", "mediainfo"], [1210], [UNCERTAIN_FPS],
        "libav"),
    Row("an FFmpeg-version quirk only ffprobe settles", libav(duration=30.0, fragmented=True),
        mediainfo(duration=30.0), None, ["libav", "mediainfo"], [], [FRAGMENTED], "libav"),
    Row("a rule that already warns is not warned twice", libav(fps=None), mediainfo(fps=None),
        None, ["libav", "mediainfo"], [], [NO_FPS], "libav"),
    # Without PyAV, MediaInfo reads first; a doubt nobody settles is a warning.
    Row("no libav, no ffprobe: the doubt is said", None, mediainfo(fps=60.3), None,
        ["mediainfo"], [1210], [UNRESOLVED_FPS], "mediainfo"),
    Row("no libav, no ffprobe, already warned", None, mediainfo(fps=None), None,
        ["mediainfo"], [], [NO_FPS], "mediainfo"),
    Row("no libav, ffprobe decides", None, mediainfo(fps=60.3), ffprobe(fps=59.94),
        ["mediainfo", "ffprobe"], [], [], "ffprobe"),
    # A file-system failure or an LFS pointer is final, doubts or not.
    Row("unreadable file", libav(problem="io"), mediainfo(), ffprobe(), ["libav"], [], [],
        "libav"),
    Row("LFS pointer", libav(problem="lfs-pointer"), mediainfo(), ffprobe(), ["libav"], [1209],
        [], "libav"),
]

BY_NAME = {row.name: row for row in ROWS}


def arbitrate(row: Row) -> tuple[Report, FakeProbes]:
    probes = FakeProbes({"libav": row.libav, "mediainfo": row.mediainfo,
                         "ffprobe": row.ffprobe})
    return inspect_file(PATH, AKOOL, AUTO, probes), probes


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_auto_arbitration(row: Row) -> None:
    report, probes = arbitrate(row)
    assert probes.asked == row.asked
    assert report.codes == row.codes
    assert [f.rule for f in report.warnings] == [rule for rule, _ in row.warnings]
    for warning, (_, message) in zip(report.warnings, row.warnings, strict=True):
        assert warning.message.startswith(message), warning.message
    assert report.media is not None and report.media.source.startswith(row.decided_by)


def test_an_unreadable_file_is_a_file_access_error() -> None:
    report, _ = arbitrate(BY_NAME["unreadable file"])
    assert [(f.rule, f.code, f.severity) for f in report.findings] == \
        [("file-access", None, "error")]


def test_uncertainty_warnings_keep_the_rule_code_and_say_how_to_settle_it() -> None:
    report, _ = arbitrate(BY_NAME["borderline, MediaInfo disagrees"])
    [warning] = report.warnings
    assert (warning.code, warning.severity) == (1210, "warning")
    assert warning.hint == "Check with ffprobe (install FFmpeg) or keep clear of the limit."
