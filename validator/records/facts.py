"""The facts a probe reads from one media file: immutable, backend-neutral.

The records here, like every record a check passes around, are typed
NamedTuples: immutable and quick to define (a frozen dataclass takes six times
as long, which a one-file run would feel).

Codec names follow FFmpeg's codec descriptors (``h264``, ``hevc``, ``vp9``,
``av1``, ``mpeg4``, ``prores`` ...) whichever backend read the file, so rules
compare like with like. ``None`` always means "the backend could not tell".
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any, Literal, NamedTuple

ProblemKind = Literal["io", "parse", "lfs-pointer", "timeout", "crash", "setup", "remote"]
FieldOrder = Literal["progressive", "tt", "bb", "tb", "bt"]
IMAGE_CODECS = frozenset({"png", "mjpeg", "webp", "bmp", "tiff", "jpeg2000"})
_IMAGE_CONTAINERS = ("_pipe", "image2", "PNG", "JPEG", "WebP", "BMP", "TIFF")
RemoteFailure = Literal["not-found", "forbidden", "server-error", "timeout", "connection",
                        "redirect", "http-error", "budget"]


class VideoStream(NamedTuple):
    """One video stream; cover art (an attached picture) is flagged, not dropped.

    ``field_order`` is ``progressive`` or how the fields are interlaced (``tt``,
    ``bb``, ``tb``, ``bt``); ``chroma`` the chroma subsampling (``4:2:0``) and
    ``bit_depth`` the bits per sample, both from the pixel format.
    """

    index: int  # type: ignore[assignment]  # the stream's index: a field, not tuple.index
    codec: str | None
    avg_fps: float | None = None
    declared_fps: float | None = None
    fps_mode: Literal["CFR", "VFR"] | None = None
    width: int | None = None
    height: int | None = None
    rotation: float | None = None
    duration_s: float | None = None
    cover_art: bool = False
    window_fps: float | None = None
    field_order: FieldOrder | None = None
    chroma: str | None = None
    bit_depth: int | None = None

    @property
    def displayed_size(self) -> tuple[int, int] | None:
        """(width, height) as the picture is shown: swapped for a quarter-turn rotation."""
        if self.width is None or self.height is None:
            return None
        if self.rotation is not None and round(abs(self.rotation)) % 180 == 90:
            return self.height, self.width
        return self.width, self.height


class AudioStream(NamedTuple):
    """One audio stream."""

    index: int  # type: ignore[assignment]  # the stream's index: a field, not tuple.index
    codec: str | None
    channels: int | None = None
    sample_rate: int | None = None
    duration_s: float | None = None


def status_text(status: int | None) -> str:
    """'404 Not Found' (or just the number for a status Python does not name)."""
    if status is None:
        return "no status"
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


class RemoteFacts(NamedTuple):
    """How the server answered for a URL (every URL here is redacted: no credentials).

    ``failure`` is set when the media could not be fetched (or not within the
    limits: ``budget``); ``detail`` then says what happened.
    """

    url: str
    final_url: str | None = None
    redirects: int = 0
    status: int | None = None
    content_type: str | None = None
    content_length: int | None = None
    ranges: bool | None = None
    failure: RemoteFailure | None = None
    detail: str | None = None


class Partner(NamedTuple):
    """For the audio input of a lipsync pair: the video it goes with."""

    path: str
    duration_s: float | None = None


class MediaFacts(NamedTuple):
    """Everything the rules may look at, as one backend read it.

    ``problem`` is set when the file could not be read as media at all;
    ``problem_kind`` tells a file-system failure (``io``) from a file that is
    there but is not readable media (``parse``, ``lfs-pointer``, ``crash``: the
    prober died on it), a probe that ran past the time limit (``timeout``) or a
    prober that is missing or broken (``setup``), and a URL whose media was not
    read (``remote``: see ``remote.failure``).
    ``brand``, ``moov_first`` and ``edit_lists`` come from the container's header
    (:mod:`validator.probe.mp4`). For a URL, ``remote`` says how the server answered
    and ``bytes_read`` how many bytes of it were read; ``partner`` is set on a lipsync
    pair's audio.

    Readings other FFmpeg releases make differently: ``header_duration_s`` is
    an MP4/MOV movie header's duration (what FFmpeg 5.x reports, where 6.0 and
    newer report ``duration_s`` from the tracks), ``content_span_s`` the span
    of the packets of a container that records no duration, and a video
    stream's ``window_fps`` its rate at the end of the first seconds (where
    FFmpeg 5.x estimates the average rate of a stream with no declared rate).
    """

    path: str
    source: str
    size_bytes: int | None = None
    problem: str | None = None
    problem_kind: ProblemKind | None = None
    container: str | None = None
    duration_s: float | None = None
    fragmented: bool | None = None
    header_duration_s: float | None = None
    content_span_s: float | None = None
    brand: str | None = None
    moov_first: bool | None = None
    edit_lists: bool | None = None
    video: tuple[VideoStream, ...] = ()
    audio: tuple[AudioStream, ...] = ()
    other_streams: int = 0
    bytes_read: int | None = None
    remote: RemoteFacts | None = None
    partner: Partner | None = None

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> MediaFacts:
        """Facts back from their JSON data (see :func:`validator.records.data.to_data`)."""
        remote, partner = data.get("remote"), data.get("partner")
        return cls(**{
            **data,
            "video": tuple(VideoStream(**stream) for stream in data.get("video", ())),
            "audio": tuple(AudioStream(**stream) for stream in data.get("audio", ())),
            "remote": RemoteFacts(**remote) if remote is not None else None,
            "partner": Partner(**partner) if partner is not None else None,
        })

    @property
    def not_media(self) -> bool:
        """True when the file is there but is no media a prober could read (as opposed to a
        file-system failure or a URL the server would not serve)."""
        return self.problem_kind in ("parse", "lfs-pointer", "crash")

    @property
    def readable(self) -> bool:
        """True when the backend could parse the file as media."""
        return self.problem is None

    @property
    def is_image(self) -> bool:
        """True for a still picture (PNG, JPEG ...): one image stream, no audio, no duration
        worth the name (FFmpeg reads a single image as a one-frame video stream)."""
        main = self.main_video
        return (main is not None and main.codec in IMAGE_CODECS and not self.audio
                and len(self.video) == 1 and (self.container or "").endswith(_IMAGE_CONTAINERS))

    @property
    def main_video(self) -> VideoStream | None:
        """The first video stream that is not cover art: the one the API judges."""
        return next((v for v in self.video if not v.cover_art), None)
