"""The container duration must be at least ``min_seconds`` (no API code: a platform's limit).

Measured like max-duration: the container's duration as FFmpeg reports it. A
value equal to the limit passes; a file with no container duration gets a
warning. Doubt: within 1 s (or 2 %) of the limit, or no duration.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from validator.records.facts import MediaFacts
from validator.rules.base import Rule, Violation, docstring, near, seconds


class Options(NamedTuple):
    min_seconds: float = 3.0


def check(facts: MediaFacts, options: Options) -> Iterator[Violation]:
    limit = options.min_seconds
    if facts.duration_s is None:
        yield Violation(f"container duration unknown: cannot check the {seconds(limit)} minimum",
                        limit=limit, advisory=True)
    elif facts.duration_s < limit:
        yield Violation(f"{seconds(facts.duration_s)} < {seconds(limit)}",
                        actual=round(facts.duration_s, 6), limit=limit)


def doubt(facts: MediaFacts, options: Options) -> str | None:
    if facts.duration_s is None:
        return "no container duration"
    if near(facts.duration_s, options.min_seconds, relative=0.02, absolute=1.0):
        return f"{seconds(facts.duration_s)} is within a second of the minimum"
    return None


RULE = Rule(
    id="min-duration",
    code=None,
    severity="error",
    summary=f"the container duration is at least {seconds(Options().min_seconds)}",
    hint="Use a longer take, or loop the clip to the minimum: "
    "`ffmpeg -stream_loop 1 -i in.mp4 -c copy out.mp4`.",
    doc=docstring(__doc__),
    check=check,
    options=Options,
    constraints={"min_seconds": {"ge": 0}},
    doubt=doubt,
)
