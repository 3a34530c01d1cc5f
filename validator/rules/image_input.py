"""An image input (a character or face picture) must be an accepted format within bounds.

Judged on a file the profile takes as an image (a profile whose ``inputs``
include ``image``, given a PNG or JPEG, or a job's image: ``--image``): it must
be a still picture whose size can be read, of a format by content (``formats``:
png, jpeg, webp ...), its size in bytes (``max_bytes``), each side at least
``min_side`` pixels, and its aspect ratio (width ÷ height) within
``min_ratio`` … ``max_ratio``. An unset bound is not checked; a value equal to
a bound passes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from validator.records.facts import MediaFacts
from validator.rules.aspect_ratio import Options as RatioOptions
from validator.rules.aspect_ratio import ratio_violations
from validator.rules.base import Rule, Violation, docstring

_FORMATS = {"mjpeg": "jpeg", "jpeg2000": "jpeg2000"}


class Options(NamedTuple):
    formats: tuple[str, ...] = ("png", "jpeg")
    max_bytes: int | None = None
    min_side: int | None = None
    min_ratio: float | None = None
    max_ratio: float | None = None


def image_format(facts: MediaFacts) -> str | None:
    """'png', 'jpeg', 'webp' ... from the image's codec."""
    main = facts.main_video
    return _FORMATS.get(main.codec or "", main.codec) if main else None


def _size_violations(facts: MediaFacts, options: Options) -> Iterator[Violation]:
    if options.max_bytes is not None and (facts.size_bytes or 0) > options.max_bytes:
        yield Violation(f"{facts.size_bytes:,} bytes > {options.max_bytes:,} bytes",
                        actual=facts.size_bytes, limit=options.max_bytes)
    main = facts.main_video
    size = main.displayed_size if main else None
    if size is None:
        return
    if options.min_side is not None and min(size) < options.min_side:
        yield Violation(f"{size[0]}×{size[1]} px: a side is under {options.min_side} px",
                        actual=min(size), limit=options.min_side)
    yield from ratio_violations(size[0], size[1],
                                RatioOptions(options.min_ratio, options.max_ratio),
                                f"{size[0]}×{size[1]} px")


def not_a_picture(facts: MediaFacts) -> str | None:
    """Why the file is no still image the endpoint could read, or None."""
    main = facts.main_video
    if facts.not_media:
        return f"not readable as an image: {facts.problem}"
    if main is None:
        return "no picture in the file" + (" (it holds audio only)" if facts.audio else "")
    if not facts.is_image:
        return f"a video ({main.codec or 'unknown codec'}), not a still image"
    if main.width is None or main.height is None:
        return f"a {image_format(facts)} image whose picture size cannot be read (damaged, " \
               "not what its name says, or too large for FFmpeg to decode)"
    return None


def check(facts: MediaFacts, options: Options) -> Iterator[Violation]:
    if not facts.readable and not facts.not_media:
        return                                  # file-access or a url rule says why
    problem = not_a_picture(facts)
    if problem is not None:
        yield Violation(problem)
        return
    found = image_format(facts)
    formats = [name.lower() for name in options.formats]
    if found not in formats:
        yield Violation(f"image format {found or 'unknown'} is not accepted "
                        f"({', '.join(formats)})", actual=found, limit=formats)
    yield from _size_violations(facts, options)


def describe(facts: MediaFacts) -> str:
    main = facts.main_video
    return f"reads a {image_format(facts)} image, {main.width}×{main.height}" if main \
        else "finds no image"


RULE = Rule(
    id="image-input",
    code=None,
    severity="error",
    summary="an image input is an accepted format, size and shape",
    hint="Re-export the picture as a PNG or JPEG within the limits, e.g. "
    "`ffmpeg -i in.webp -vf \"scale=1024:-2\" out.png`.",
    doc=docstring(__doc__),
    check=check,
    options=Options,
    constraints={"formats": {"min_length": 1}, "max_bytes": {"gt": 0}, "min_side": {"gt": 0},
                 "min_ratio": {"gt": 0}, "max_ratio": {"gt": 0}},
    describe=describe,
    applies_to_unreadable=True,
    inputs=("image",),
)
