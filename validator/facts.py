"""The facts a probe reads from one media file: immutable, backend-neutral.

Codec names follow FFmpeg's codec descriptors (``h264``, ``hevc``, ``vp9``,
``av1``, ``mpeg4``, ``prores`` ...) whichever backend read the file, so rules
compare like with like. ``None`` always means "the backend could not tell".
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

ProblemKind = Literal["io", "parse", "lfs-pointer", "timeout", "crash"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class VideoStream(_Frozen):
    """One video stream; cover art (an attached picture) is flagged, not dropped."""

    index: int
    codec: str | None
    avg_fps: float | None = None
    declared_fps: float | None = None
    fps_mode: Literal["CFR", "VFR"] | None = None
    width: int | None = None
    height: int | None = None
    rotation: float | None = None
    duration_s: float | None = None
    cover_art: bool = False


class AudioStream(_Frozen):
    """One audio stream."""

    index: int
    codec: str | None
    channels: int | None = None
    sample_rate: int | None = None
    duration_s: float | None = None


class MediaFacts(_Frozen):
    """Everything the rules may look at, as one backend read it.

    ``problem`` is set when the file could not be read as media at all;
    ``problem_kind`` tells a file-system failure (``io``) from a file that is
    there but is not readable media (``parse``, ``lfs-pointer``, ``timeout``).
    """

    path: str
    source: str
    size_bytes: int | None = None
    problem: str | None = None
    problem_kind: ProblemKind | None = None
    container: str | None = None
    duration_s: float | None = None
    fragmented: bool | None = None
    video: tuple[VideoStream, ...] = ()
    audio: tuple[AudioStream, ...] = ()
    other_streams: int = 0

    @property
    def readable(self) -> bool:
        """True when the backend could parse the file as media."""
        return self.problem is None

    @property
    def main_video(self) -> VideoStream | None:
        """The first video stream that is not cover art: the one the API judges."""
        return next((v for v in self.video if not v.cover_art), None)
