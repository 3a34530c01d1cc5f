"""A lipsync pair's audio input must be readable audio of at most ``max_seconds``.

The lipsync endpoint takes a video and a separate audio. Checked as a pair
(check VIDEO --audio AUDIO, --pairs FILE, validate(video, audio=...)), the
audio gets its own report: it must be a file FFmpeg can open and hold an audio
stream (a video file with a soundtrack is audio enough). An audio file named
alone under a profile that judges audio (under ``akool-lipsync``, as its
pre-commit hook passes it) is judged the same way; these rules say nothing
about a video.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from validator.records.facts import MediaFacts
from validator.rules.base import Rule, Violation, docstring, fmt_number, seconds


class Options(NamedTuple):
    max_seconds: float = 60.0


def check(facts: MediaFacts, options: Options) -> Iterator[Violation]:
    limit = options.max_seconds
    if facts.not_media:
        yield Violation(f"not readable as audio: {facts.problem}")
    elif not facts.readable:
        return                                  # file-access or a url rule says why
    elif not facts.audio:
        yield Violation("no audio stream", actual=0, limit=1)
    elif facts.duration_s is None:
        yield Violation(f"audio duration unknown: cannot check the {seconds(limit)} limit",
                        limit=limit, advisory=True)
    elif facts.duration_s > limit:
        yield Violation(f"audio {seconds(facts.duration_s)} > {seconds(limit)}",
                        actual=round(facts.duration_s, 6), limit=limit)


def describe(facts: MediaFacts) -> str:
    return f"reads {len(facts.audio)} audio stream(s), {facts.duration_s} s"


RULE = Rule(
    id="audio-input",
    code=None,
    severity="error",
    summary="lipsync pair: the audio input is readable audio of at most "
    f"{seconds(Options().max_seconds)}",
    hint="Re-export it as audio: `ffmpeg -i in.wav -c:a aac -b:a 128k out.m4a` "
    f"(add `-t {fmt_number(Options().max_seconds - 0.5)}` to trim it).",
    doc=docstring(__doc__),
    check=check,
    options=Options,
    constraints={"max_seconds": {"gt": 0}},
    describe=describe,
    applies_to_unreadable=True,
    inputs=("audio",),
)
