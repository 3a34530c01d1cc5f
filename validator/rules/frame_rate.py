"""Frame-rate rules: the API's 60 fps limit (1210) and the lipsync advice (25 fps).

Both compare the video stream's *average* frame rate (ffprobe's
``avg_frame_rate``: frames over time), never the declared ``r_frame_rate``,
which variable-frame-rate phone video sets to 90000 fps while it averages 10.5.
A value equal to the limit passes.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import NamedTuple

from validator.records.facts import MediaFacts
from validator.rules.base import Doubt, Rule, Violation, docstring, fmt_number, near

MAX_DOC = """1210 — the average frame rate must not exceed the limit (60 fps by default).

The API compares FFmpeg's average frame rate (``avg_frame_rate``, frames over
time), not the declared rate: a variable-frame-rate phone clip declared at
90000 fps that averages 10.5 fps passes, and a 4K60 recording averaging
60.06 fps fails. A file whose average rate cannot be read gets a warning.

Doubt: within 1 % of the limit (unless FFmpeg reads a constant rate: the
average equals the declared rate), no average rate, or an average over the limit
with a declared rate under it (MKV/FLV files with 1 ms timestamps read as
1000 fps to FFmpeg and 30 fps to MediaInfo) — confirmed with ``ffprobe`` when
installed.

Fix: resample to a lower rate: ``ffmpeg -i in.mp4 -vf fps=30 -c:v libx264 -c:a copy out.mp4``.
"""

LIPSYNC_DOC = """Advice — lip sync works best at 25 fps or less (a warning, not an API error).

Akool's lipsync documentation recommends at most 25 fps: faster video is
accepted up to the API's 60 fps limit, but the mouth movement is synthesised
less well. Measured like ``max-frame-rate`` (the average frame rate).

Fix: resample: ``ffmpeg -i in.mp4 -vf fps=25 -c:v libx264 -c:a copy out.mp4``.
"""


class MaxOptions(NamedTuple):
    max_fps: float = 60.0


class LipsyncOptions(NamedTuple):
    max_fps: float = 25.0


def _rate_text(fps: float) -> str:
    return f"{fmt_number(fps)} fps"


def check_max(facts: MediaFacts, options: MaxOptions) -> Iterator[Violation]:
    main, limit = facts.main_video, options.max_fps
    if main is None:
        return
    if main.avg_fps is None:
        yield Violation(f"average frame rate unknown: cannot check the {_rate_text(limit)} limit",
                        limit=limit, advisory=True)
    elif main.avg_fps > limit:
        yield Violation(f"{_rate_text(main.avg_fps)} > {_rate_text(limit)}",
                        actual=round(main.avg_fps, 3), limit=limit)


def check_lipsync(facts: MediaFacts, options: LipsyncOptions) -> Iterator[Violation]:
    main, limit = facts.main_video, options.max_fps
    if main is not None and main.avg_fps is not None and main.avg_fps > limit:
        yield Violation(f"{_rate_text(main.avg_fps)} > {_rate_text(limit)}: lip sync is best "
                        f"at {_rate_text(limit)} or less",
                        actual=round(main.avg_fps, 3), limit=limit)


def doubt(facts: MediaFacts, options: MaxOptions | LipsyncOptions) -> str | Doubt | None:
    main, limit = facts.main_video, options.max_fps
    if main is None:
        return None
    if main.avg_fps is None:
        return "no average frame rate"
    declared = main.declared_fps
    if near(main.avg_fps, limit, relative=0.01) and not _constant_rate(main.avg_fps, declared):
        return Doubt(f"{_rate_text(main.avg_fps)} is within 1 % of the limit",
                     ffmpeg_agrees=True)
    if declared is not None and main.avg_fps > limit >= declared:
        # The average fails where the declared rate passes: the mark of 1 ms timestamps
        # (MKV/FLV read as 1000 fps) and of FFmpeg-version quirks. The other way round
        # (VFR phone video declared at 90000 fps, averaging 10.5) the average is solid.
        return Doubt(f"average {_rate_text(main.avg_fps)} is over the limit but the declared "
                     f"rate {_rate_text(declared)} is not", ffmpeg_agrees=True)
    return None


def _constant_rate(average: float, declared: float | None) -> bool:
    """An FFmpeg reading whose average equals its declared rate: a constant-rate stream,
    which every FFmpeg version reads alike (MediaInfo gives no declared rate: never true)."""
    return declared is not None and math.isclose(average, declared, rel_tol=1e-6)


def describe(facts: MediaFacts) -> str:
    main = facts.main_video
    if main is None:
        return "finds no video stream"
    avg = "no average rate" if main.avg_fps is None else _rate_text(main.avg_fps)
    mode = f" {main.fps_mode}" if main.fps_mode else ""
    declared = f", declared {_rate_text(main.declared_fps)}" if main.declared_fps else ""
    return f"reads {avg}{mode}{declared}"


MAX_FRAME_RATE = Rule(
    id="max-frame-rate",
    code=1210,
    severity="error",
    summary="the average frame rate is at most 60 fps",
    hint="Resample: `ffmpeg -i in.mp4 -vf fps=30 -c:v libx264 -c:a copy out.mp4`.",
    doc=docstring(MAX_DOC),
    check=check_max,
    options=MaxOptions,
    constraints={"max_fps": {"gt": 0}},
    doubt=doubt,
    describe=describe,
)

LIPSYNC_FRAME_RATE = Rule(
    id="lipsync-frame-rate",
    code=None,
    severity="warning",
    summary="lipsync advice: the average frame rate is at most 25 fps",
    hint="Resample: `ffmpeg -i in.mp4 -vf fps=25 -c:v libx264 -c:a copy out.mp4`.",
    doc=docstring(LIPSYNC_DOC),
    check=check_lipsync,
    options=LipsyncOptions,
    constraints={"max_fps": {"gt": 0}},
    doubt=doubt,
    describe=describe,
)
