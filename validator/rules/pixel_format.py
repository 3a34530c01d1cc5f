"""The video's chroma subsampling must be one of ``chroma`` and its bit depth at most
``max_bit_depth`` (unset: not checked).

Both come from the pixel format the stream declares (FFmpeg's pix_fmt, such as
yuv420p: 4:2:0 at 8 bits; yuv422p10le: 4:2:2 at 10 bits) or MediaInfo's chroma
subsampling and bit depth. A value the prober cannot read is not judged.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from validator.records.facts import MediaFacts
from validator.rules.base import Rule, Violation, docstring


class Options(NamedTuple):
    chroma: tuple[str, ...] = ("4:2:0",)
    max_bit_depth: int | None = None


def check(facts: MediaFacts, options: Options) -> Iterator[Violation]:
    main = facts.main_video
    if main is None:
        return
    if main.chroma is not None and main.chroma not in options.chroma:
        yield Violation(f"chroma subsampling {main.chroma} is not accepted "
                        f"({', '.join(options.chroma)})",
                        actual=main.chroma, limit=list(options.chroma))
    most = options.max_bit_depth
    if main.bit_depth is not None and most is not None and main.bit_depth > most:
        yield Violation(f"{main.bit_depth}-bit video > {most} bits",
                        actual=main.bit_depth, limit=most)


def describe(facts: MediaFacts) -> str:
    main = facts.main_video
    return f"reads {main.chroma}, {main.bit_depth} bits" if main else "finds no video stream"


RULE = Rule(
    id="pixel-format",
    code=None,
    severity="error",
    summary="the video's chroma subsampling and bit depth are ones the profile accepts",
    hint="Re-encode to 8-bit 4:2:0: "
    "`ffmpeg -i in.mov -c:v libx264 -pix_fmt yuv420p -c:a copy out.mp4`.",
    doc=docstring(__doc__),
    check=check,
    options=Options,
    constraints={"chroma": {"min_length": 1}, "max_bit_depth": {"gt": 0}},
    describe=describe,
)
