"""Advice — lip sync works best at ``max_fps`` or less (a warning, not an API error).

Akool's lipsync documentation recommends at most 25 fps: faster video is
accepted up to the API's frame-rate limit (max-frame-rate), but the mouth
movement is synthesised less well. Measured like max-frame-rate (the average
frame rate).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from validator.records.facts import MediaFacts
from validator.rules import frame_rates
from validator.rules.base import Doubt, Rule, Violation, docstring, fmt_number, fps


class Options(NamedTuple):
    max_fps: float = 25.0


def check(facts: MediaFacts, options: Options) -> Iterator[Violation]:
    main, limit = facts.main_video, options.max_fps
    if main is not None and main.avg_fps is not None and main.avg_fps > limit:
        yield Violation(f"{fps(main.avg_fps)} > {fps(limit)}: lip sync is best "
                        f"at {fps(limit)} or less",
                        actual=round(main.avg_fps, 3), limit=limit)


def doubt(facts: MediaFacts, options: Options) -> str | Doubt | None:
    return frame_rates.doubt_near(facts, options.max_fps)


RULE = Rule(
    id="lipsync-frame-rate",
    code=None,
    severity="warning",
    summary=f"lipsync advice: the average frame rate is at most {fps(Options().max_fps)}",
    hint="Resample: "
    f"`ffmpeg -i in.mp4 -vf fps={fmt_number(Options().max_fps)} -c:v libx264 -c:a copy out.mp4`.",
    doc=docstring(__doc__),
    check=check,
    options=Options,
    constraints={"max_fps": {"gt": 0}},
    doubt=doubt,
    describe=frame_rates.describe,
)
