"""``libav`` backend: FFmpeg's own demuxers in-process, through PyAV.

PyAV's wheels bundle libavformat, so this gives FFmpeg's reading of a file
(the reading the API's server makes) in about a millisecond, without an
``ffprobe`` binary. Its FFmpeg may be newer than the server's: the rules'
doubt checks send borderline files to ``ffprobe`` when there is one.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from validator.probe import mp4, packets
from validator.probe.base import (
    LOCAL_PROTOCOLS,
    OutOfMemory,
    ProbeFailed,
    chroma_and_depth,
    field_order,
    local_url,
    positive,
)
from validator.records.facts import AudioStream, MediaFacts, VideoStream

_ATTACHED_PIC = 0x0400  # AV_DISPOSITION_ATTACHED_PIC
_AV_TIME_BASE = 1_000_000
_MP4_FAMILY = "mov,mp4"
_HEADER_FAMILIES = (_MP4_FAMILY, "matroska")
_FIELD_ORDER_NAMES = ("unknown", "progressive", "tt", "bb", "tb", "bt")


class LibavBackend:
    """FFmpeg's libavformat in-process (PyAV)."""

    name = "libav"

    def unavailable(self) -> str | None:
        try:
            import av  # noqa: F401
        except ImportError as exc:  # pragma: no cover - av is a dependency
            return f"PyAV is not importable ({exc})"
        return None

    def version(self) -> str:
        import av

        major, minor, micro = av.library_versions["libavformat"]
        return f"libav (libavformat {major}.{minor}.{micro}, PyAV {av.__version__})"

    def read(self, path: str) -> MediaFacts:
        import av

        try:
            container = av.open(local_url(path), mode="r", metadata_errors="replace",
                                container_options={"protocol_whitelist": LOCAL_PROTOCOLS})
        except av.error.MemoryError as exc:
            raise OutOfMemory("FFmpeg could not allocate memory") from exc
        except av.error.FFmpegError as exc:
            _raise_os_error(path)
            raise ProbeFailed(f"FFmpeg cannot open it: {_reason(exc)}") from exc
        with container:
            return _facts(path, container, self.version())

    def read_stream(self, name: str, stream: io.IOBase) -> MediaFacts:
        """Probe an open, seekable, read-only binary stream (a URL read by ranges, say).

        ``name`` is what the facts show as the path. Exceptions the stream
        raises while FFmpeg reads it propagate unchanged.
        """
        import av

        try:
            container = av.open(stream, mode="r", metadata_errors="replace")
        except av.error.FFmpegError as exc:
            raise ProbeFailed(f"FFmpeg cannot open it: {_reason(exc)}") from exc
        with container:
            return _facts(name, container, self.version(),
                          layout=lambda: mp4.stream_layout(stream))


_AVERROR_EPERM = 1   # what a demuxer returns as "error -1": not a permission


def _reason(exc: Exception) -> str:
    if getattr(exc, "errno", None) == _AVERROR_EPERM:
        return "its demuxer failed (error -1)"
    text = getattr(exc, "strerror", None) or str(exc)
    return text.rstrip(".")


def _raise_os_error(path: str) -> None:
    """Raise the OSError that opening ``path`` gives, if any: FFmpeg's own errno is no
    evidence (demuxers return AVERROR(EPERM), -1, for a corrupt ASF)."""
    with open(path, "rb"):
        pass


def _facts(path: str, container: Any, source: str,
           layout: Callable[[], mp4.Layout] | None = None) -> MediaFacts:
    format_name = container.format.name
    header = (layout or (lambda: mp4.layout(path)))() \
        if format_name.startswith(_HEADER_FAMILIES) else mp4.Layout()
    video: list[VideoStream] = []
    audio: list[AudioStream] = []
    other = 0
    for stream in container.streams:
        if stream.type == "video":
            video.append(_video(stream, header.rotation if not video else None))
        elif stream.type == "audio":
            audio.append(_audio(stream))
        else:
            other += 1
    duration = container.duration
    video = _with_window_rate(container, video)
    return MediaFacts(
        path=path,
        source=source,
        size_bytes=container.size if container.size and container.size > 0 else None,
        container=format_name,
        duration_s=positive(duration / _AV_TIME_BASE) if duration is not None else None,
        fragmented=header.fragmented if format_name.startswith(_MP4_FAMILY) else None,
        brand=header.brand,
        moov_first=header.moov_first,
        edit_lists=header.edit_lists,
        header_duration_s=header.header_duration_s
        if format_name.startswith(_MP4_FAMILY) else None,
        content_span_s=packets.content_span(container) if duration is None else None,
        video=tuple(video),
        audio=tuple(audio),
        other_streams=other,
    )


def _with_window_rate(container: Any, video: list[VideoStream]) -> list[VideoStream]:
    """The video streams, the main one with its early-window rate where that differs."""
    main = next((v for v in video if not v.cover_art), None)
    if main is None:
        return video
    rate = packets.window_rate(container, container.streams[main.index], main.avg_fps)
    if rate is None:
        return video
    return [v._replace(window_fps=rate) if v is main else v for v in video]


def _codec(stream: Any) -> str | None:
    """FFmpeg's codec descriptor name (``av1`` whichever decoder reads it)."""
    context = stream.codec_context
    if context is None or context.codec is None:
        return None
    codec = context.codec
    name = getattr(codec, "canonical_name", None)   # PyAV 14 and newer
    if name is None:   # older PyAV: the decoder's name, which for wrappers is not the codec's
        name = _WRAPPED_DECODERS.get(codec.name, codec.name)
    return str(name) or None


_WRAPPED_DECODERS = {"libdav1d": "av1", "libaom-av1": "av1", "libvpx": "vp8",
                     "libvpx-vp9": "vp9", "libopus": "opus", "libvorbis": "vorbis"}


_IMAGE_CODECS = frozenset({"mjpeg", "png", "bmp", "gif", "webp", "tiff"})


def _cover_art(stream: Any) -> bool:
    """Whether a video stream is an attached picture (cover art), not video.

    PyAV 14 and newer give the stream's disposition flags (an ``int`` before 15, a
    flag enum after); older releases do not, and a still image of at most one frame
    stands in for the flag there.
    """
    disposition = getattr(stream, "disposition", None)
    if disposition is not None:
        return bool(int(getattr(disposition, "value", disposition)) & _ATTACHED_PIC)
    return _codec(stream) in _IMAGE_CODECS and (stream.frames or 0) <= 1


def _rate(value: Fraction | None) -> float | None:
    return positive(float(value)) if value else None


def _stream_duration(stream: Any) -> float | None:
    if stream.duration is None or stream.time_base is None:
        return None
    return positive(float(stream.duration * stream.time_base))


def _video(stream: Any, rotation: float | None) -> VideoStream:
    context = stream.codec_context
    pix_fmt = context.format.name if context is not None and context.format else None
    chroma, depth = chroma_and_depth(pix_fmt)
    return VideoStream(
        index=stream.index,
        codec=_codec(stream),
        avg_fps=_rate(stream.average_rate),
        declared_fps=_rate(stream.base_rate),
        width=(context.width or None) if context is not None else None,
        height=(context.height or None) if context is not None else None,
        rotation=rotation,
        duration_s=_stream_duration(stream),
        cover_art=_cover_art(stream),
        field_order=field_order(_field_order_name(context)),
        chroma=chroma,
        bit_depth=depth,
    )


def _field_order_name(context: Any) -> str | None:
    number = getattr(context, "field_order", None) if context is not None else None
    if isinstance(number, int) and 0 <= number < len(_FIELD_ORDER_NAMES):
        return _FIELD_ORDER_NAMES[number]
    return None


def _audio(stream: Any) -> AudioStream:
    context = stream.codec_context
    return AudioStream(
        index=stream.index,
        codec=_codec(stream),
        channels=(context.channels or None) if context is not None else None,
        sample_rate=(context.sample_rate or None) if context is not None else None,
        duration_s=_stream_duration(stream),
    )
