"""``fix`` for an image input (a character picture) that ``image-input`` rejects.

The picture is re-encoded to an accepted format (PNG where the endpoint takes
it, else JPEG; JPEG at high quality when the file is over the byte limit and
JPEG is accepted), scaled up (Lanczos) until its shorter side reaches
``min_side``, and padded, centred on black, to the nearest accepted aspect
ratio: nothing of the picture is cut away. A result still over the byte limit is
encoded once more, scaled down by the measured overshoot (never below
``min_side``). A file that is no still picture, or whose size cannot be read,
cannot be fixed.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from validator.profiles.profile import Profile
from validator.records.extensions import IMAGE_EXTENSIONS, extension
from validator.records.facts import MediaFacts
from validator.rules.image_input import Options as ImageOptions

ImageFormat = Literal["png", "jpeg"]
SUFFIXES: dict[str, str] = {"png": ".png", "jpeg": ".jpg"}
JPEG_QUALITY = 2               # FFmpeg's -q:v scale, 2 (best) .. 31
SIZE_SAFETY = 0.9


class ImagePlan(BaseModel):
    """The picture's new size, the canvas it is centred on, and how it is written."""

    model_config = ConfigDict(frozen=True)

    format: ImageFormat
    width: int
    height: int
    canvas_width: int
    canvas_height: int
    max_bytes: int | None = None
    min_side: int | None = None


def image_options(profile: Profile) -> ImageOptions | None:
    """The profile's ``image-input`` options, or None when it has no such rule."""
    found = next((a.options for a in profile.rules if a.rule.id == "image-input"), None)
    return found if isinstance(found, ImageOptions) else None


def output_format(options: ImageOptions, size_bytes: int | None) -> ImageFormat | None:
    """PNG where accepted, JPEG when over the byte limit (or PNG is not accepted); None when
    the endpoint takes neither."""
    accepted = {name.lower() for name in options.formats}
    over = options.max_bytes is not None and (size_bytes or 0) > options.max_bytes
    if "jpeg" in accepted and (over or "png" not in accepted):
        return "jpeg"
    return "png" if "png" in accepted else None


def output_suffix(source: Path, profile: Profile) -> str:
    """The fixed file's extension: the image format's for a picture the profile judges as an
    image input (by its name), else ``.mp4``."""
    options = image_options(profile)
    if options is None or extension(source.name) not in IMAGE_EXTENSIONS:
        return ".mp4"
    size = source.stat().st_size if source.is_file() else None
    chosen = output_format(options, size)
    return SUFFIXES[chosen] if chosen else ".mp4"


def plan_image(facts: MediaFacts, options: ImageOptions) -> ImagePlan | None:
    """The plan for a readable picture, or None when it cannot be written acceptably."""
    main = facts.main_video
    size = main.displayed_size if main else None
    chosen = output_format(options, facts.size_bytes)
    if size is None or chosen is None:
        return None
    width, height = size
    shorter = min(width, height)
    if options.min_side is not None and shorter < options.min_side:   # in whole numbers
        width = -(-width * options.min_side // shorter)
        height = -(-height * options.min_side // shorter)
    canvas_width, canvas_height = width, height
    if options.min_ratio is not None and canvas_width / canvas_height < options.min_ratio:
        canvas_width = math.ceil(canvas_height * options.min_ratio)
    if options.max_ratio is not None and canvas_width / canvas_height > options.max_ratio:
        canvas_height = math.ceil(canvas_width / options.max_ratio)
    return ImagePlan(format=chosen, width=width, height=height, canvas_width=canvas_width,
                     canvas_height=canvas_height, max_bytes=options.max_bytes,
                     min_side=options.min_side)


def smaller(plan: ImagePlan, size_bytes: int) -> ImagePlan | None:
    """The plan scaled down by the overshoot past the byte limit (sides never below
    ``min_side``), or None when it is within the limit or cannot shrink."""
    if plan.max_bytes is None or size_bytes <= plan.max_bytes:
        return None
    factor = math.sqrt(plan.max_bytes * SIZE_SAFETY / size_bytes)
    floor = (plan.min_side or 1) / min(plan.width, plan.height)
    factor = max(factor, floor)
    if factor >= 1:
        return None

    def shrink(value: int) -> int:
        return max(1, math.floor(value * factor))

    width, height = shrink(plan.width), shrink(plan.height)
    if plan.min_side is not None and min(width, height) < plan.min_side:
        return None
    ratio_w, ratio_h = plan.canvas_width / plan.width, plan.canvas_height / plan.height
    return plan.model_copy(update={"width": width, "height": height,
                                   "canvas_width": max(width, math.ceil(width * ratio_w)),
                                   "canvas_height": max(height, math.ceil(height * ratio_h))})


def picture_graph(plan: ImagePlan, source: object) -> tuple[object, dict[str, object]]:
    """The picture's stream node (scaled, padded) and its output options."""
    stream = source["v:0"].filter("scale", plan.width, plan.height,  # type: ignore[index]
                                  flags="lanczos")
    if (plan.canvas_width, plan.canvas_height) != (plan.width, plan.height):
        stream = stream.filter("pad", plan.canvas_width, plan.canvas_height, "(ow-iw)/2",
                               "(oh-ih)/2", color="black")
    if plan.format == "jpeg":
        stream = stream.filter("format", "yuvj444p")
        return stream, {"c:v": "mjpeg", "q:v": JPEG_QUALITY}
    return stream, {"c:v": "png"}


def steps(plan: ImagePlan) -> list[str]:
    """What the plan does, in words."""
    done = [f"re-encode the picture as {plan.format.upper()} at {plan.width}×{plan.height}"]
    if (plan.canvas_width, plan.canvas_height) != (plan.width, plan.height):
        done.append(f"pad it to {plan.canvas_width}×{plan.canvas_height} (centred, on black)")
    return done
