"""The container duration must be at least ``min_seconds`` (no API code: a platform's limit).

Measured like max-duration: the container's duration as FFmpeg reports it. A
value equal to the limit passes; a file with no container duration gets a
warning. Doubt: within 1 s (or 2 %) of the limit, or no duration.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from validator.records.facts import MediaFacts
from validator.rules.base import (
    Doubt,
    Rule,
    Violation,
    against_bound,
    docstring,
    duration_doubt,
    seconds,
)


class Options(NamedTuple):
    min_seconds: float = 3.0


def check(facts: MediaFacts, options: Options) -> Iterator[Violation]:
    yield from against_bound(facts.duration_s, options.min_seconds, seconds,
                             "container duration", most=False)


def doubt(facts: MediaFacts, options: Options) -> str | Doubt | None:
    return duration_doubt(facts, options.min_seconds)


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
