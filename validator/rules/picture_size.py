"""The picture as displayed must fit the bounds: ``min_width`` … ``max_height`` pixels.

"As displayed" means after the rotation the container asks the player to apply:
a 1920×1080 phone recording with a 90° rotation is shown 1080×1920 and judged
so. A bound left unset is not checked; a value equal to a bound passes. A video
whose size cannot be read gets a warning.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from validator.records.facts import MediaFacts
from validator.rules.base import Rule, Violation, docstring, shown_size


class Options(NamedTuple):
    min_width: int | None = None
    min_height: int | None = None
    max_width: int | None = None
    max_height: int | None = None


def _bounds(options: Options) -> Iterator[tuple[str, int, int | None, int | None]]:
    yield "width", 0, options.min_width, options.max_width
    yield "height", 1, options.min_height, options.max_height


def check(facts: MediaFacts, options: Options) -> Iterator[Violation]:
    main = facts.main_video
    size = main.displayed_size if main else None
    if main is None:
        return
    if size is None:
        yield Violation("picture size unknown: cannot check its bounds", advisory=True)
        return
    for side, axis, low, high in _bounds(options):
        value = size[axis]
        if low is not None and value < low:
            yield Violation(f"{shown_size(main)}: {side} {value} px < {low} px",
                            actual=value, limit=low)
        if high is not None and value > high:
            yield Violation(f"{shown_size(main)}: {side} {value} px > {high} px",
                            actual=value, limit=high)


def describe(facts: MediaFacts) -> str:
    main = facts.main_video
    return f"reads {shown_size(main)}" if main else "finds no video stream"


RULE = Rule(
    id="picture-size",
    code=None,
    severity="error",
    summary="the displayed picture's width and height lie within the profile's bounds",
    hint="Scale it into the bounds, keeping its shape: "
    "`ffmpeg -i in.mp4 -vf \"scale=1080:1920:force_original_aspect_ratio=decrease\" "
    "-c:v libx264 -c:a copy out.mp4`.",
    doc=docstring(__doc__),
    check=check,
    options=Options,
    constraints={name: {"gt": 0} for name in Options._fields},
    describe=describe,
)
