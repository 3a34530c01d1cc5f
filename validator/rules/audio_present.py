"""1203 — the video must have an audio stream.

The API needs a soundtrack to lip-sync or translate. A silent audio track
passes: the API only checks that one is there.
"""

from __future__ import annotations

from collections.abc import Iterator

from validator.records.facts import MediaFacts
from validator.rules.base import NoOptions, Rule, Violation, docstring


def check(facts: MediaFacts, options: NoOptions) -> Iterator[Violation]:
    if not facts.audio:
        yield Violation("no audio stream", actual=0, limit=1)


def describe(facts: MediaFacts) -> str:
    return f"finds {len(facts.audio)} audio stream(s)"


RULE = Rule(
    id="audio-present",
    code=1203,
    severity="error",
    summary="the video has an audio stream",
    hint="Add the voice track, or at least a silent one: "
    "`ffmpeg -i in.mp4 -f lavfi -i anullsrc -c:v copy -c:a aac -shortest out.mp4`.",
    doc=docstring(__doc__),
    check=check,
    describe=describe,
)
