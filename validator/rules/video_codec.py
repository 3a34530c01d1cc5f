"""1209 — the video stream must use an accepted codec (``allowed``, FFmpeg's codec names).

"The video stream" is the first video stream that is not cover art (an
attached picture such as an album cover in an .m4a). A file with no such
stream (audio only, cover art only, subtitles only) fails too, and so does a
stream whose codec the prober cannot name.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from validator.records.facts import MediaFacts
from validator.rules.base import Rule, Violation, docstring, one_of

_DISPLAY = {"h264": "H.264", "hevc": "HEVC", "vp8": "VP8", "vp9": "VP9", "av1": "AV1"}


class Options(NamedTuple):
    allowed: tuple[str, ...] = ("h264", "hevc", "vp8", "vp9", "av1")


def no_video_reason(facts: MediaFacts) -> str:
    """Why a file has no video stream the API would judge."""
    if facts.video:
        return "no video stream, only cover art (an attached picture)"
    if facts.audio:
        return "no video stream (audio only)"
    return "no video stream"


def check(facts: MediaFacts, options: Options) -> Iterator[Violation]:
    allowed = [name.lower() for name in options.allowed]
    main = facts.main_video
    if main is None:
        yield Violation(no_video_reason(facts), actual=None, limit=allowed)
    elif main.codec is None:
        yield Violation("the video codec has no name for this prober (not an accepted codec)",
                        actual=None, limit=allowed)
    elif main.codec not in allowed:
        yield Violation(f"video codec {main.codec} is not accepted ({', '.join(allowed)})",
                        actual=main.codec, limit=allowed)


def describe(facts: MediaFacts) -> str:
    main = facts.main_video
    return f"reads codec {main.codec}" if main else "finds no video stream"


RULE = Rule(
    id="video-codec",
    code=1209,
    severity="error",
    summary="the video codec is " + one_of([_DISPLAY.get(c, c) for c in Options().allowed]),
    hint="Re-encode the video to H.264 in MP4: "
    "`ffmpeg -i in.mov -c:v libx264 -pix_fmt yuv420p -c:a aac out.mp4`.",
    doc=docstring(__doc__),
    check=check,
    options=Options,
    constraints={"allowed": {"min_length": 1}},
    describe=describe,
)
