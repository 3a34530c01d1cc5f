"""1208 — the file must be media that FFmpeg can parse.

A file no prober can parse (empty, truncated before its header, corrupt, not
media at all, or one that crashes the prober) is rejected by the API with
"video parsing error". A Git LFS pointer (a small text file standing in for
the video on a machine without LFS) is reported as such. A file that parses
but holds no video stream, or an unsupported codec, is 1209 (``video-codec``).

This rule always runs, whatever the profile says: a file that cannot be read
as media never passes.

Doubt: when FFmpeg's libraries in-process cannot open a file, ffprobe (the
API's prober) is asked too, since FFmpeg versions differ in what they accept.
"""

from __future__ import annotations

from collections.abc import Iterator

from validator.records.facts import MediaFacts
from validator.rules.base import Doubt, NoOptions, Rule, Violation, docstring

_LFS_HINT = "Fetch the real file with `git lfs pull` (this is a Git LFS pointer)."


def check(facts: MediaFacts, options: NoOptions) -> Iterator[Violation]:
    if facts.problem_kind == "lfs-pointer":
        yield Violation(facts.problem or "a Git LFS pointer, not the video itself", hint=_LFS_HINT)
    elif facts.not_media:
        yield Violation(f"not readable as media: {facts.problem}")


def doubt(facts: MediaFacts, options: NoOptions) -> Doubt | None:
    if facts.problem_kind == "parse" and (facts.size_bytes or 0) > 0:
        return Doubt("this prober could not open the file; the API's FFmpeg might",
                     ffmpeg_agrees=True)
    return None


def describe(facts: MediaFacts) -> str:
    if facts.readable:
        main = facts.main_video
        codec = main.codec if main else "no video"
        return f"opens it ({facts.container}, {codec}, {len(facts.audio)} audio)"
    return f"cannot open it ({facts.problem})"


RULE = Rule(
    id="readable",
    code=1208,
    severity="error",
    summary="the file is media FFmpeg can parse",
    hint="Re-export the video from its source, e.g. "
    "`ffmpeg -i in.mov -c:v libx264 -c:a aac out.mp4`; for a Git LFS pointer run `git lfs pull`.",
    doc=docstring(__doc__),
    check=check,
    doubt=doubt,
    describe=describe,
    applies_to_unreadable=True,
    always=True,
)
