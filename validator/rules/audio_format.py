"""Every audio stream must use an accepted codec (``codecs``), at most ``max_sample_rate`` Hz
and ``max_channels`` channels.

Codec names are FFmpeg's (aac, mp3, opus ...); an empty ``codecs`` accepts any,
and an unset bound is not checked. A file with no audio passes (audio-present
is the rule that asks for a soundtrack); a value the prober cannot read is not
judged.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from validator.records.facts import AudioStream, MediaFacts
from validator.rules.base import Rule, Violation, docstring


class Options(NamedTuple):
    codecs: tuple[str, ...] = ()
    max_sample_rate: int | None = None
    max_channels: int | None = None


def _stream_violations(stream: AudioStream, options: Options) -> Iterator[Violation]:
    where = f"audio stream {stream.index}"
    codecs = [name.lower() for name in options.codecs]
    if codecs and stream.codec not in codecs:
        yield Violation(f"{where}: codec {stream.codec or 'unknown'} is not accepted "
                        f"({', '.join(codecs)})", actual=stream.codec, limit=codecs)
    rate, top = stream.sample_rate, options.max_sample_rate
    if rate is not None and top is not None and rate > top:
        yield Violation(f"{where}: {rate} Hz > {top} Hz", actual=rate, limit=top)
    channels, most = stream.channels, options.max_channels
    if channels is not None and most is not None and channels > most:
        yield Violation(f"{where}: {channels} channels > {most}", actual=channels, limit=most)


def check(facts: MediaFacts, options: Options) -> Iterator[Violation]:
    for stream in facts.audio:
        yield from _stream_violations(stream, options)


def describe(facts: MediaFacts) -> str:
    return "reads " + (", ".join(f"{a.codec} {a.sample_rate} Hz {a.channels} ch"
                                 for a in facts.audio) or "no audio")


RULE = Rule(
    id="audio-format",
    code=None,
    severity="error",
    summary="the audio codec, sample rate and channels are ones the profile accepts",
    hint="Re-encode the audio to stereo AAC at 48 kHz: "
    "`ffmpeg -i in.mp4 -c:v copy -c:a aac -ar 48000 -ac 2 out.mp4`.",
    doc=docstring(__doc__),
    check=check,
    options=Options,
    constraints={"max_sample_rate": {"gt": 0}, "max_channels": {"gt": 0}},
    describe=describe,
)
