"""The average frame rate must be at least ``min_fps`` (no API code: a platform's limit).

Measured like max-frame-rate: FFmpeg's average frame rate (frames over time),
not the declared rate. A value equal to the limit passes; a file whose average
rate cannot be read gets a warning. Doubt: within 1 % of the limit (unless
FFmpeg reads a constant rate), or no average rate.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from validator.records.facts import MediaFacts
from validator.rules import frame_rates
from validator.rules.base import Doubt, Rule, Violation, docstring, fmt_number, fps


class Options(NamedTuple):
    min_fps: float = 23.0


def check(facts: MediaFacts, options: Options) -> Iterator[Violation]:
    return frame_rates.against_rate(facts, options.min_fps, most=False)


def doubt(facts: MediaFacts, options: Options) -> str | Doubt | None:
    return frame_rates.doubt_near(facts, options.min_fps)


RULE = Rule(
    id="min-frame-rate",
    code=None,
    severity="error",
    summary=f"the average frame rate is at least {fps(Options().min_fps)}",
    hint="Resample to a higher rate (frames are repeated): "
    f"`ffmpeg -i in.mp4 -vf fps={fmt_number(max(Options().min_fps, 30))} -c:v libx264 "
    "-c:a copy out.mp4`.",
    doc=docstring(__doc__),
    check=check,
    options=Options,
    constraints={"min_fps": {"gt": 0}},
    doubt=doubt,
    describe=frame_rates.describe,
)
