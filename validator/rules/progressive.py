"""The video must be progressive, not interlaced (no API code: a platform's requirement).

The field order comes from the stream's headers (FFmpeg's field_order,
MediaInfo's scan type): top or bottom field first fails. A stream whose
headers do not say (many progressive codecs never do) is not judged.
"""

from __future__ import annotations

from collections.abc import Iterator

from validator.records.facts import MediaFacts
from validator.rules.base import NoOptions, Rule, Violation, docstring

_ORDERS = {"tt": "top field first", "bb": "bottom field first",
           "tb": "top field coded first, shown bottom first",
           "bt": "bottom field coded first, shown top first"}


def check(facts: MediaFacts, options: NoOptions) -> Iterator[Violation]:
    main = facts.main_video
    if main is not None and main.field_order in _ORDERS:
        yield Violation(f"interlaced video ({_ORDERS[main.field_order]})",
                        actual=main.field_order, limit="progressive")


def describe(facts: MediaFacts) -> str:
    main = facts.main_video
    return f"reads field order {main.field_order}" if main else "finds no video stream"


RULE = Rule(
    id="progressive",
    code=None,
    severity="error",
    summary="the video is progressive, not interlaced",
    hint="Deinterlace it: `ffmpeg -i in.mp4 -vf yadif -c:v libx264 -c:a copy out.mp4`.",
    doc=docstring(__doc__),
    check=check,
    describe=describe,
)
