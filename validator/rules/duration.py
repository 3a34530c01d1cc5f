"""1204 — the container duration must not exceed the limit (60 s by default).

The API reads the container's duration as FFmpeg reports it (ffprobe's
``format.duration``), which can run past the last video frame: AAC encoder
priming or an audio track longer than the video both count (the message says
which track makes it long). A value equal to the limit passes. A container
that records no duration (a WebM written to a pipe by a browser) fails when
its content runs past the limit, and gets a warning otherwise.

Doubt: within 1 s (or 2 %) of the limit, a missing duration, or a fragmented
MP4 (FFmpeg versions disagree on those) — the verdict is confirmed with
``ffprobe`` when it is installed.

Fix: trim below the limit, re-encoding so the cut is exact:
``ffmpeg -i in.mp4 -t 59.5 -c:v libx264 -c:a aac out.mp4`` (or ``media-preflight fix``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from validator.records.facts import MediaFacts
from validator.rules.base import (
    Doubt,
    Rule,
    Violation,
    docstring,
    fmt_number,
    near,
)


class Options(NamedTuple):
    max_seconds: float = 60.0


def check(facts: MediaFacts, options: Options) -> Iterator[Violation]:
    limit = options.max_seconds
    span = facts.content_span_s
    if facts.duration_s is None and span is not None and span > limit:
        yield Violation(f"no container duration; its content runs {fmt_number(span)} s > "
                        f"{fmt_number(limit)} s", actual=round(span, 6), limit=limit,
                        hint="Remux so the container records its duration, trimming it "
                        "under the limit: `media-preflight fix`.")
    elif facts.duration_s is None:
        yield Violation(
            f"container duration unknown: cannot check the {fmt_number(limit)} s limit",
            limit=limit, advisory=True,
            hint="Remux so the container records its duration: "
            "`ffmpeg -i in.webm -c copy out.webm`.")
    elif facts.duration_s > limit:
        yield Violation(f"{fmt_number(facts.duration_s)} s > {fmt_number(limit)} s"
                        f"{longest_stream(facts)}",
                        actual=round(facts.duration_s, 6), limit=limit)


def longest_stream(facts: MediaFacts) -> str:
    """``: the audio track runs 62 s, the video 55 s`` when one stream outlasts the other
    by more than a frame or so; else nothing."""
    main = facts.main_video
    audio = max((a.duration_s for a in facts.audio if a.duration_s), default=None)
    video = main.duration_s if main is not None else None
    if audio is None or video is None or abs(audio - video) <= 0.1:
        return ""
    longer, shorter = ("audio", "video") if audio > video else ("video", "audio")
    return (f": the {longer} track runs {fmt_number(max(audio, video))} s, "
            f"the {shorter} {fmt_number(min(audio, video))} s")


def doubt(facts: MediaFacts, options: Options) -> str | Doubt | None:
    if facts.duration_s is None:   # every release reads none; its content span, if known, judges
        return "no container duration" if facts.content_span_s is None else None
    if facts.fragmented:
        return Doubt("fragmented MP4: FFmpeg versions read its duration differently "
                     "(some far longer than the content)", ffprobe_only=True)
    if near(facts.duration_s, options.max_seconds, relative=0.02, absolute=1.0):
        return Doubt(f"{fmt_number(facts.duration_s)} s is within a second of the limit",
                     ffmpeg_agrees=True)
    return None


def describe(facts: MediaFacts) -> str:
    if facts.duration_s is None and facts.content_span_s is not None:
        return f"reads no duration (content {fmt_number(facts.content_span_s)} s)"
    if facts.duration_s is None:
        return "reads no duration"
    return f"reads {fmt_number(facts.duration_s)} s"


RULE = Rule(
    id="max-duration",
    code=1204,
    severity="error",
    summary="the container duration is at most 60 s",
    hint="Trim it under the limit, re-encoding: "
    "`ffmpeg -i in.mp4 -t 59.5 -c:v libx264 -c:a aac out.mp4`.",
    doc=docstring(__doc__),
    check=check,
    options=Options,
    constraints={"max_seconds": {"gt": 0}},
    doubt=doubt,
    describe=describe,
)
