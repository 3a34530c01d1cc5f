"""1204 — the container duration must not exceed ``max_seconds``.

The API reads the container's duration as FFmpeg reports it (ffprobe's
format.duration), which can run past the last video frame: AAC encoder
priming or an audio track longer than the video both count. A value equal to
the limit passes. A file with no container duration cannot be checked and gets
a warning.

Doubt: within 1 s (or 2 %) of the limit, a missing duration, or a fragmented
MP4 (FFmpeg versions disagree on those) — the verdict is confirmed with
ffprobe when it is installed.
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
    fmt_number,
    seconds,
)

_REMUX = "Remux so the container records its duration: `ffmpeg -i in.webm -c copy out.webm`."


class Options(NamedTuple):
    max_seconds: float = 60.0


def check(facts: MediaFacts, options: Options) -> Iterator[Violation]:
    yield from against_bound(facts.duration_s, options.max_seconds, seconds,
                             "container duration", most=True, unknown_hint=_REMUX)


def doubt(facts: MediaFacts, options: Options) -> str | Doubt | None:
    if facts.duration_s is not None and facts.fragmented:
        return Doubt("fragmented MP4: FFmpeg versions read its duration differently "
                     "(some far longer than the content)", ffprobe_only=True)
    return duration_doubt(facts, options.max_seconds)


def describe(facts: MediaFacts) -> str:
    if facts.duration_s is None:
        return "reads no duration"
    return f"reads {fmt_number(facts.duration_s)} s"


RULE = Rule(
    id="max-duration",
    code=1204,
    severity="error",
    summary=f"the container duration is at most {seconds(Options().max_seconds)}",
    hint="Trim it under the limit, re-encoding so the cut is exact: "
    f"`ffmpeg -i in.mp4 -t {fmt_number(Options().max_seconds - 0.5)} -c:v libx264 -c:a aac "
    "out.mp4` (or `media-preflight fix`).",
    doc=docstring(__doc__),
    check=check,
    options=Options,
    constraints={"max_seconds": {"gt": 0}},
    doubt=doubt,
    describe=describe,
)
