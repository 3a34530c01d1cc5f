"""What the frame-rate rules share: how a reading's average rate is checked, doubted and described.

The rules compare the video stream's *average* frame rate (ffprobe's
avg_frame_rate: frames over time), never the declared r_frame_rate, which
variable-frame-rate phone video sets to 90000 fps while it averages 10.5.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from validator.records.facts import MediaFacts
from validator.rules.base import Doubt, Violation, against_bound, fps, near


def against_rate(facts: MediaFacts, limit: float, most: bool) -> Iterator[Violation]:
    """The main video's average rate against a maximum (``most``) or a minimum."""
    main = facts.main_video
    if main is not None:
        yield from against_bound(main.avg_fps, limit, fps, "average frame rate", most=most,
                                 digits=3)


def doubt_near(facts: MediaFacts, limit: float) -> str | Doubt | None:
    """Why an average rate may sit on the other side of ``limit`` for FFmpeg, or None."""
    main = facts.main_video
    if main is None:
        return None
    if main.avg_fps is None:
        return "no average frame rate"
    declared = main.declared_fps
    if near(main.avg_fps, limit, relative=0.01) and not _constant_rate(main.avg_fps, declared):
        return Doubt(f"{fps(main.avg_fps)} is within 1 % of the limit", ffmpeg_agrees=True)
    if declared is not None and main.avg_fps > limit >= declared:
        # The average fails where the declared rate passes: the mark of 1 ms timestamps
        # (MKV/FLV read as 1000 fps) and of FFmpeg-version quirks. The other way round
        # (VFR phone video declared at 90000 fps, averaging 10.5) the average is solid.
        return Doubt(f"average {fps(main.avg_fps)} is over the limit but the declared "
                     f"rate {fps(declared)} is not", ffmpeg_agrees=True)
    return None


def _constant_rate(average: float, declared: float | None) -> bool:
    """An FFmpeg reading whose average equals its declared rate: a constant-rate stream,
    which every FFmpeg version reads alike (MediaInfo gives no declared rate: never true)."""
    return declared is not None and math.isclose(average, declared, rel_tol=1e-6)


def describe(facts: MediaFacts) -> str:
    main = facts.main_video
    if main is None:
        return "finds no video stream"
    avg = "no average rate" if main.avg_fps is None else fps(main.avg_fps)
    mode = f" {main.fps_mode}" if main.fps_mode else ""
    declared = f", declared {fps(main.declared_fps)}" if main.declared_fps else ""
    return f"reads {avg}{mode}{declared}"
