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
            problem: ProblemKind | None = None, header: float | None = None,
            window: float | None = None) -> MediaFacts:
    """One backend's facts of an H.264/AAC clip (or of a file it could not read); ``header``
    is the MP4 movie header's duration, ``window`` the rate over the first seconds."""
    if problem is not None:
        return MediaFacts(path=PATH, source=source, size_bytes=1000, problem=f"{problem} trouble",
                          problem_kind=problem)
    return MediaFacts(path=PATH, source=source, size_bytes=1_000_000, container="mp4",
                      duration_s=duration, fragmented=fragmented, header_duration_s=header,
                      video=(VideoStream(index=0, codec="h264", avg_fps=fps,
                                         declared_fps=declared, window_fps=window),),
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


UNRESOLVED_FPS = ("max-frame-rate", "uncertain: 60.3 fps is within 1 % of the limit "
                  "(MediaInfo reading); the API's FFmpeg may judge it otherwise — install "
                  "ffprobe to confirm")
FRAGMENTED = ("max-duration", "uncertain: fragmented MP4: FFmpeg versions read its duration "
              "differently (some far longer than the content) (FFmpeg (in-process) reading)")
NO_REFERENCE = ("file-access", "the reference ffprobe gave no reading (")
NO_FPS = ("max-frame-rate", "average frame rate unknown: cannot check the 60 fps limit")
NO_DURATION = ("max-duration", "container duration unknown: cannot check the 60 s limit")
UNCERTAIN_DURATION = ("max-duration", "uncertain: FFmpeg (in-process) reads no duration, "
                      "MediaInfo reads 75 s (no container duration); the API measures with "
                      "FFmpeg — install ffprobe to confirm")
FRAGMENTED_DECIDED = ("max-duration", "uncertain: the reference ffprobe 6.1: 90 s (fails: 1204), "
                      "which decides; FFmpeg (in-process): 30 s (passes)")
NO_DURATION_DECIDED = ("max-duration", "uncertain: the reference ffprobe 6.1: 75 s (fails: 1204), "
                       "which decides; FFmpeg (in-process): no duration (passes)")
HEADER_DECIDES_FAIL = ("max-duration", "uncertain: the reference ffprobe 6.1: 65 s (fails: 1204), "
                       "which decides; FFmpeg 6.0 and newer: 50 s (passes)")
HEADER_DECIDES_PASS = ("max-duration", "uncertain: the reference ffprobe 6.1: 50 s (passes), "
                       "which decides; FFmpeg 5.x and older (the movie header): 65 s "
                       "(fails: 1204)")
HEADER_SPLIT = ("max-duration", "uncertain: the verdict depends on the API's FFmpeg release: "
                "FFmpeg 6.0 and newer: 50 s (passes); FFmpeg 5.x and older (the movie header): "
                "65 s (fails: 1204)")
WINDOW_SPLIT = ("max-frame-rate", "uncertain: the verdict depends on the API's FFmpeg release: "
                "FFmpeg 6.0 and newer: 30 fps (passes); FFmpeg 5.x and older (estimating the rate "
                "from more of the start): 120 fps (fails: 1210)")

ROWS = [
    # A clear reading is final: nobody else is asked, whether ffprobe is there or not.
    Row("clear pass", libav(), mediainfo(), ffprobe(), ["libav"], [], [], "libav"),
    Row("clear fail", libav(duration=75.0), mediainfo(), None, ["libav"], [1204], [], "libav"),
    Row("constant 60 fps is solid", libav(fps=60.0, declared=60.0), mediainfo(), ffprobe(),
        ["libav"], [], [], "libav"),
    # Doubts every FFmpeg release settles alike cost no second reading: libav decides, silently,
    # even where ffprobe or MediaInfo would read it otherwise.
    Row("borderline over: libav decides, ffprobe not asked", libav(fps=60.3), mediainfo(),
        ffprobe(fps=60.0, declared=60.0), ["libav"], [1210], [], "libav"),
    Row("borderline under: libav decides, ffprobe not asked", libav(fps=59.9), mediainfo(),
        ffprobe(fps=60.5), ["libav"], [], [], "libav"),
    Row("borderline, no ffprobe: MediaInfo not asked", libav(fps=60.3), mediainfo(fps=59.9),
        None, ["libav"], [1210], [], "libav"),
    Row("1 ms timestamps: libav decides", libav(fps=1000.0, declared=30.0), mediainfo(),
        ffprobe(fps=30.0, declared=30.0), ["libav"], [1210], [], "libav"),
    Row("libav cannot open it: 1208, ffprobe not asked", libav(problem="parse"), mediainfo(),
        ffprobe(), ["libav"], [1208], [], "libav"),
    # The doubts that remain go to ffprobe, whose reading decides and names the one it overrules.
    Row("fragmented, ffprobe reads it long", libav(duration=30.0, fragmented=True), mediainfo(),
        ffprobe(duration=90.0, fragmented=True), ["libav", "ffprobe"], [1204],
        [FRAGMENTED_DECIDED], "ffprobe"),
    Row("fragmented, ffprobe agrees", libav(duration=30.0, fragmented=True), mediainfo(),
        ffprobe(duration=30.0, fragmented=True), ["libav", "ffprobe"], [], [], "ffprobe"),
    Row("no container duration, ffprobe reads it long", libav(duration=None), mediainfo(),
        ffprobe(duration=75.0), ["libav", "ffprobe"], [1204], [NO_DURATION_DECIDED], "ffprobe"),
    # Without ffprobe, MediaInfo is the second opinion: agreement is silent, disagreement warns.
    Row("no container duration, MediaInfo agrees", libav(duration=None), mediainfo(duration=None),
        None, ["libav", "mediainfo"], [], [NO_DURATION], "libav"),
    Row("no container duration, MediaInfo disagrees", libav(duration=None),
        mediainfo(duration=75.0), None, ["libav", "mediainfo"], [],
        [NO_DURATION, UNCERTAIN_DURATION], "libav"),
    Row("ffprobe loses the file: as without it", libav(duration=None), mediainfo(duration=75.0),
        ffprobe(problem="io"), ["libav", "ffprobe", "mediainfo"], [],
        [NO_DURATION, UNCERTAIN_DURATION, NO_REFERENCE], "libav"),
    # A second opinion that blows up settles nothing: the first reading stands, with its doubts.
    Row("ffprobe times out: as without it", libav(duration=None), mediainfo(duration=75.0),
        ffprobe(problem="timeout"), ["libav", "ffprobe", "mediainfo"], [],
        [NO_DURATION, UNCERTAIN_DURATION, NO_REFERENCE], "libav"),
    Row("MediaInfo crashes: libav stands", libav(duration=None), mediainfo(problem="crash"), None,
        ["libav", "mediainfo"], [], [NO_DURATION], "libav"),
    Row("MediaInfo loses every stream: libav stands", libav(duration=None),
        mediainfo(duration=75.0)._replace(video=(), audio=()), None, ["libav", "mediainfo"], [],
        [NO_DURATION], "libav"),
    Row("an FFmpeg-version quirk only ffprobe settles", libav(duration=30.0, fragmented=True),
        mediainfo(duration=30.0), None, ["libav", "mediainfo"], [], [FRAGMENTED], "libav"),
    Row("ffprobe crashes on the quirk: it stays open", libav(duration=30.0, fragmented=True),
        mediainfo(duration=30.0), ffprobe(problem="crash"), ["libav", "ffprobe", "mediainfo"],
        [], [FRAGMENTED, NO_REFERENCE], "libav"),
    Row("a rule that already warns is not warned twice", libav(fps=None), mediainfo(fps=None),
        None, ["libav", "mediainfo"], [], [NO_FPS], "libav"),
    # Where FFmpeg releases read the file on different sides of a limit (the movie header
    # against the tracks, the rate of the first seconds), the reference ffprobe decides and
    # the other reading is named; without it the file is warned, not failed.
    Row("releases split, ffprobe reads the header", libav(duration=50.0, header=65.0),
        mediainfo(), ffprobe(duration=65.0), ["libav", "ffprobe"], [1204],
        [HEADER_DECIDES_FAIL], "ffprobe"),
    Row("releases split, ffprobe reads the tracks", libav(duration=50.0, header=65.0),
        mediainfo(), ffprobe(duration=50.0), ["libav", "ffprobe"], [],
        [HEADER_DECIDES_PASS], "ffprobe"),
    Row("releases split, no ffprobe", libav(duration=50.0, header=65.0), mediainfo(duration=65.0),
        None, ["libav"], [], [HEADER_SPLIT], "libav"),
    Row("releases differ on the same side: no split", libav(duration=50.0, header=55.0),
        mediainfo(), ffprobe(), ["libav"], [], [], "libav"),
    Row("early rate split, no ffprobe", libav(fps=30.0, window=120.0), mediainfo(), None,
        ["libav"], [], [WINDOW_SPLIT], "libav"),
    # Without PyAV, MediaInfo reads first: its doubts (near a limit too) go to ffprobe, which
    # decides; a doubt nobody settles is a warning.
    Row("no libav, no ffprobe: the doubt is said", None, mediainfo(fps=60.3), None,
        ["mediainfo"], [1210], [UNRESOLVED_FPS], "mediainfo"),
    Row("no libav, no ffprobe, already warned", None, mediainfo(fps=None), None,
        ["mediainfo"], [], [NO_FPS], "mediainfo"),
    Row("no libav, borderline, ffprobe agrees", None, mediainfo(fps=60.3), ffprobe(fps=60.3),
        ["mediainfo", "ffprobe"], [1210], [], "ffprobe"),
    Row("no libav, ffprobe decides", None, mediainfo(fps=60.3), ffprobe(fps=59.94),
        ["mediainfo", "ffprobe"], [], [], "ffprobe"),
    # A file-system failure or an LFS pointer is final, doubts or not.
    Row("unreadable file", libav(problem="io"), mediainfo(), ffprobe(), ["libav"], [], [],
        "libav"),
    Row("LFS pointer", libav(problem="lfs-pointer"), mediainfo(), ffprobe(), ["libav"], [1208],
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


def test_an_unreadable_file_is_a_file_access_error_and_not_checked() -> None:
    report, _ = arbitrate(BY_NAME["unreadable file"])
    assert [(f.rule, f.code, f.severity) for f in report.findings] == \
        [("file-access", None, "error")]
    assert report.status == "not-checked"


def test_a_prober_timeout_is_not_checked() -> None:
    report, probes = arbitrate(Row("timeout", libav(problem="timeout"), mediainfo(), ffprobe(),
                                   [], [], [], ""))
    assert probes.asked == ["libav"]
    assert [(f.rule, f.code, f.severity) for f in report.findings] == \
        [("file-access", None, "error")]
    assert report.status == "not-checked" and report.codes == []


def test_a_file_ffmpeg_cannot_parse_fails_readable_with_1208() -> None:
    report, _ = arbitrate(BY_NAME["libav cannot open it: 1208, ffprobe not asked"])
    assert [(f.rule, f.code, f.severity) for f in report.findings] == \
        [("readable", 1208, "error")]
    assert report.status == "failed"


def test_uncertainty_warnings_keep_the_rule_code_and_say_how_to_settle_it() -> None:
    report, _ = arbitrate(BY_NAME["no libav, no ffprobe: the doubt is said"])
    [warning] = report.warnings
    assert (warning.code, warning.severity) == (1210, "warning")
    assert warning.hint == "Check with ffprobe (install FFmpeg) or keep clear of the limit."


def test_a_release_split_warns_with_the_rule_code_and_names_the_reference() -> None:
    report, _ = arbitrate(BY_NAME["releases split, no ffprobe"])
    [warning] = report.warnings
    assert (warning.code, warning.severity, report.status) == (1204, "warning", "passed")
    assert warning.hint == ("Name the API's release with --reference-ffprobe, "
                            "or keep clear of the limit.")
    decided, _ = arbitrate(BY_NAME["releases split, ffprobe reads the header"])
    [warning] = decided.warnings
    assert (warning.code, warning.severity, decided.status) == (1204, "warning", "failed")
    assert warning.hint == "If the API runs another FFmpeg release, keep clear of the limit."
