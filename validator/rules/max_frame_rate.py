"""1210 — the average frame rate must not exceed ``max_fps``.

The API compares FFmpeg's average frame rate (avg_frame_rate, frames over
time), not the declared rate: a variable-frame-rate phone clip declared at
90000 fps that averages 10.5 fps passes, and a 4K60 recording averaging
60.06 fps fails a 60 fps limit. A value equal to the limit passes. A file
whose average rate cannot be read gets a warning.

Doubt: within 1 % of the limit (unless FFmpeg reads a constant rate: the
average equals the declared rate), no average rate, or an average over the limit
with a declared rate under it (MKV/FLV files with 1 ms timestamps read as
1000 fps to FFmpeg and 30 fps to MediaInfo) — confirmed with ffprobe when
installed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from validator.records.facts import MediaFacts
from validator.rules import frame_rates
from validator.rules.base import Doubt, Rule, Violation, docstring, fmt_number, fps


class Options(NamedTuple):
    max_fps: float = 60.0


def check(facts: MediaFacts, options: Options) -> Iterator[Violation]:
    return frame_rates.against_rate(facts, options.max_fps, most=True)


def doubt(facts: MediaFacts, options: Options) -> str | Doubt | None:
    return frame_rates.doubt_near(facts, options.max_fps)


RULE = Rule(
    id="max-frame-rate",
    code=1210,
    severity="error",
    summary=f"the average frame rate is at most {fps(Options().max_fps)}",
    hint="Resample to a lower rate: "
    f"`ffmpeg -i in.mp4 -vf fps={fmt_number(Options().max_fps / 2)} -c:v libx264 -c:a copy "
    "out.mp4`.",
    doc=docstring(__doc__),
    check=check,
    options=Options,
    constraints={"max_fps": {"gt": 0}},
    doubt=doubt,
    describe=frame_rates.describe,
)
