"""The displayed picture's aspect ratio (width ÷ height) must lie in ``min_ratio`` … ``max_ratio``.

Measured on the picture as displayed (after rotation, like picture-size):
1:2.5 is 0.4, 9:16 is 0.5625, 2.5:1 is 2.5. A bound left unset is not
checked; a value equal to a bound passes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from validator.records.facts import MediaFacts
from validator.rules.base import Rule, Violation, docstring, fmt_number, shown_size


class Options(NamedTuple):
    min_ratio: float | None = None
    max_ratio: float | None = None


def ratio_violations(width: int, height: int, options: Options,
                     what: str) -> Iterator[Violation]:
    """The aspect-ratio violations of a ``width``×``height`` picture described as ``what``."""
    ratio = width / height
    if options.min_ratio is not None and ratio < options.min_ratio:
        yield Violation(f"{what}: aspect ratio {fmt_number(ratio)} < "
                        f"{fmt_number(options.min_ratio)} (too tall)",
                        actual=round(ratio, 4), limit=options.min_ratio)
    if options.max_ratio is not None and ratio > options.max_ratio:
        yield Violation(f"{what}: aspect ratio {fmt_number(ratio)} > "
                        f"{fmt_number(options.max_ratio)} (too wide)",
                        actual=round(ratio, 4), limit=options.max_ratio)


def check(facts: MediaFacts, options: Options) -> Iterator[Violation]:
    main = facts.main_video
    size = main.displayed_size if main else None
    if main is not None and size is not None:
        yield from ratio_violations(size[0], size[1], options, shown_size(main))


RULE = Rule(
    id="aspect-ratio",
    code=None,
    severity="error",
    summary="the displayed picture's aspect ratio lies within the profile's bounds",
    hint="Crop or pad it to the shape the platform takes, e.g. 9:16: "
    "`ffmpeg -i in.mp4 -vf \"crop=ih*9/16:ih\" -c:v libx264 -c:a copy out.mp4`.",
    doc=docstring(__doc__),
    check=check,
    options=Options,
    constraints={"min_ratio": {"gt": 0}, "max_ratio": {"gt": 0}},
)
