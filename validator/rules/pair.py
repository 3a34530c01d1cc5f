"""Lipsync pair rules: the ``audio_url`` input, judged on its own and against its video.

The lipsync endpoint takes a video and a separate audio. Checked as a pair
(``check VIDEO --audio AUDIO``, ``--pairs FILE``, ``validate(video,
audio=...)``), or named alone under a profile with these rules (an audio file
under ``akool-lipsync``, as its pre-commit hook passes it), the audio gets its
own report under these rules; they say nothing about a video.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from validator.records.facts import MediaFacts
from validator.rules.base import Rule, Violation, docstring, fmt_number

AUDIO_INPUT_DOC = """The lipsync audio input must be readable audio within its duration limit.

The audio of a lipsync pair must be a file FFmpeg can open, hold an audio
stream, and last at most ``max_seconds`` (60 s by default, like the video).
A video file with a soundtrack is audio enough.

Fix: re-export it, e.g. ``ffmpeg -i in.wav -c:a aac -b:a 128k out.m4a``; trim
it: ``ffmpeg -i in.m4a -t 59.5 -c:a aac out.m4a``.
"""

DURATION_MATCH_DOC = """Advice — the audio should last as long as its video (a warning).

Akool's lipsync documentation says a mismatch between the audio and the video
durations hurts the result. Warns when the container durations differ by more
than ``tolerance_s`` (1 s by default); the message gives both.

Fix: trim the longer one, e.g. ``ffmpeg -i voice.m4a -t 12.0 -c:a aac out.m4a``.
"""


class AudioInputOptions(NamedTuple):
    max_seconds: float = 60.0


class DurationMatchOptions(NamedTuple):
    tolerance_s: float = 1.0


def _seconds(value: float) -> str:
    return f"{fmt_number(value)} s"


def check_audio_input(facts: MediaFacts, options: AudioInputOptions) -> Iterator[Violation]:
    limit = options.max_seconds
    if facts.not_media:
        yield Violation(f"not readable as audio: {facts.problem}")
    elif not facts.readable:
        return                                  # file-access or a url rule says why
    elif not facts.audio:
        yield Violation("no audio stream", actual=0, limit=1)
    elif facts.duration_s is None:
        yield Violation(f"audio duration unknown: cannot check the {_seconds(limit)} limit",
                        limit=limit, advisory=True)
    elif facts.duration_s > limit:
        yield Violation(f"audio {_seconds(facts.duration_s)} > {_seconds(limit)}",
                        actual=round(facts.duration_s, 6), limit=limit)


def check_duration_match(facts: MediaFacts,
                         options: DurationMatchOptions) -> Iterator[Violation]:
    partner = facts.partner
    if partner is None or partner.duration_s is None or facts.duration_s is None:
        return
    audio, video = facts.duration_s, partner.duration_s
    gap = abs(audio - video)
    if gap > options.tolerance_s:
        longer = "audio" if audio > video else "video"
        yield Violation(
            f"audio {_seconds(audio)} and video {_seconds(video)} differ by {_seconds(gap)} "
            f"(> {_seconds(options.tolerance_s)}; the {longer} is longer): lip sync is best "
            "when they match", actual=round(gap, 3), limit=options.tolerance_s)


def describe(facts: MediaFacts) -> str:
    return f"reads {len(facts.audio)} audio stream(s), {facts.duration_s} s"


AUDIO_INPUT = Rule(
    id="audio-input",
    code=None,
    severity="error",
    summary="lipsync pair: the audio input is readable audio of at most 60 s",
    hint="Re-export it as audio: `ffmpeg -i in.wav -c:a aac -b:a 128k out.m4a` "
    "(add `-t 59.5` to trim it).",
    doc=docstring(AUDIO_INPUT_DOC),
    check=check_audio_input,
    options=AudioInputOptions,
    constraints={"max_seconds": {"gt": 0}},
    describe=describe,
    applies_to_unreadable=True,
    inputs=("audio",),
)

AV_DURATION_MATCH = Rule(
    id="av-duration-match",
    code=None,
    severity="warning",
    summary="lipsync pair: audio and video durations differ by at most 1 s",
    hint="Trim the longer one to the other's length, e.g. "
    "`ffmpeg -i voice.m4a -t 12.0 -c:a aac out.m4a`.",
    doc=docstring(DURATION_MATCH_DOC),
    check=check_duration_match,
    options=DurationMatchOptions,
    constraints={"tolerance_s": {"ge": 0}},
    inputs=("audio",),
)
