"""The video input must hold a video stream: not audio only, not just cover art.

For the platforms and endpoints that accept any codec (TikTok, YouTube Shorts,
sync.so, Akool's face and character swaps): a voice memo saved as ``.m4a`` or
``.mp4`` is an MP4 by content, so the container rules alone would pass it.
Under the Akool API limits ``video-codec`` (1209) already says so.
"""

from __future__ import annotations

from collections.abc import Iterator

from validator.records.facts import MediaFacts
from validator.rules.base import NoOptions, Rule, Violation, docstring
from validator.rules.video_codec import no_video_reason


def check(facts: MediaFacts, options: NoOptions) -> Iterator[Violation]:
    if facts.main_video is None:
        yield Violation(no_video_reason(facts), actual=0, limit=1)


def describe(facts: MediaFacts) -> str:
    return f"finds {sum(not v.cover_art for v in facts.video)} video stream(s)"


RULE = Rule(
    id="video-present",
    code=None,
    severity="error",
    summary="the video input has a video stream",
    hint="Upload the video itself, not its soundtrack or a still: re-export it from the editor "
    "with its picture.",
    doc=docstring(__doc__),
    check=check,
    describe=describe,
)
