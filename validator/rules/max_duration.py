"""1204 — the container duration must not exceed ``max_seconds``.

The API reads the container's duration as FFmpeg reports it (ffprobe's
format.duration), which can run past the last video frame: AAC encoder
priming or an audio track longer than the video both count (the message says
which track makes it long). A value equal to the limit passes. A container
that records no duration (a WebM written to a pipe by a browser) fails when
its content runs past the limit, and gets a warning otherwise.

Doubt: a fragmented MP4 (FFmpeg releases disagree on its duration), a missing
duration whose content could not be measured, or (for a reading that is not
FFmpeg's) a value within 1 s (or 2 %) of the limit — the verdict is confirmed
with ffprobe when it is installed. Where FFmpeg 5.x reads the movie header's
duration and 6.0 and newer the tracks', both readings are judged.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from validator.records.facts import MediaFacts
from validator.rules.base import (
    Doubt,
    Rule,
    Violation,
    against_bound,
    docstring,
    duration_doubt,
    fmt_number,
    seconds,
)

_REMUX = "Remux so the container records its duration: `ffmpeg -i in.webm -c copy out.webm`."


class Options(NamedTuple):
    max_seconds: float = 60.0


def check(facts: MediaFacts, options: Options) -> Iterator[Violation]:
    limit, span = options.max_seconds, facts.content_span_s
    if facts.duration_s is None and span is not None and span > limit:
        yield Violation(f"no container duration; its content runs {seconds(span)} > "
                        f"{seconds(limit)}", actual=round(span, 6), limit=limit,
                        hint="Remux so the container records its duration, trimming it "
                        "under the limit: `media-preflight fix`.")
        return
    for violation in against_bound(facts.duration_s, limit, seconds, "container duration",
                                   most=True, unknown_hint=_REMUX):
        yield violation._replace(message=violation.message + longest_stream(facts)) \
            if not violation.advisory else violation


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
    if facts.duration_s is not None and facts.fragmented:
        return Doubt("fragmented MP4: FFmpeg versions read its duration differently "
                     "(some far longer than the content)", ffprobe_only=True)
    return duration_doubt(facts, options.max_seconds)


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
    summary=f"the container duration is at most {seconds(Options().max_seconds)}",
    hint="Trim it under the limit, re-encoding so the cut is exact: "
    f"`ffmpeg -i in.mp4 -t {fmt_number(Options().max_seconds - 0.5)} -c:v libx264 -c:a aac "
    "out.mp4` (or `media-preflight fix`).",
    doc=docstring(__doc__),
    check=check,
    options=Options,
    constraints={"max_seconds": {"gt": 0}},
    doubt=doubt,
    describe=describe,
)
