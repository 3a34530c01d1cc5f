"""Advice — a lipsync pair's audio should last as long as its video (a warning).

Akool's lipsync documentation says a mismatch between the audio and the video
durations hurts the result. Warns when the container durations differ by more
than ``tolerance_s``; the message gives both.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from validator.records.facts import MediaFacts
from validator.rules.base import Rule, Violation, docstring, seconds


class Options(NamedTuple):
    tolerance_s: float = 1.0


def check(facts: MediaFacts, options: Options) -> Iterator[Violation]:
    partner = facts.partner
    if partner is None or partner.duration_s is None or facts.duration_s is None:
        return
    audio, video = facts.duration_s, partner.duration_s
    gap = abs(audio - video)
    if gap > options.tolerance_s:
        longer = "audio" if audio > video else "video"
        yield Violation(
            f"audio {seconds(audio)} and video {seconds(video)} differ by {seconds(gap)} "
            f"(> {seconds(options.tolerance_s)}; the {longer} is longer): lip sync is best "
            "when they match", actual=round(gap, 3), limit=options.tolerance_s)


RULE = Rule(
    id="av-duration-match",
    code=None,
    severity="warning",
    summary="lipsync pair: audio and video durations differ by at most "
    f"{seconds(Options().tolerance_s)}",
    hint="Trim the longer one to the other's length, e.g. "
    "`ffmpeg -i voice.m4a -t 12.0 -c:a aac out.m4a`.",
    doc=docstring(__doc__),
    check=check,
    options=Options,
    constraints={"tolerance_s": {"ge": 0}},
    inputs=("audio",),
)
