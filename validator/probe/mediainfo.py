"""``mediainfo`` backend: MediaInfo's reading through pymediainfo.

pymediainfo's wheels bundle libmediainfo, so this works on a machine with no
FFmpeg at all. MediaInfo is an independent second opinion; where it and
FFmpeg sit on different sides of a limit, the verdict is flagged as uncertain.
"""

from __future__ import annotations

import functools
import os
from typing import Any, Literal

from validator.probe import mp4
from validator.probe.base import ProbeFailed, finite, positive
from validator.records.facts import AudioStream, FieldOrder, MediaFacts, VideoStream

# MediaInfo "Format" names -> FFmpeg codec descriptor names.
VIDEO_CODECS = {
    "AVC": "h264", "HEVC": "hevc", "VP8": "vp8", "VP9": "vp9", "AV1": "av1", "VVC": "vvc",
    "MPEG-4 Visual": "mpeg4", "ProRes": "prores", "JPEG": "mjpeg", "H.263": "h263",
    "Sorenson Spark": "flv1", "VC-1": "vc1", "WMV1": "wmv1", "WMV2": "wmv2", "WMV3": "wmv3",
    "DV": "dvvideo", "GIF": "gif", "FFV1": "ffv1", "Theora": "theora", "PNG": "png",
    "RealVideo 1": "rv10", "RealVideo 2": "rv20", "RealVideo 4": "rv40", "DNxHD": "dnxhd",
    "HuffYUV": "huffyuv", "CineForm": "cfhd", "AVS": "cavs", "Dirac": "dirac", "RGB": "rawvideo",
    "YUV": "rawvideo",
}
AUDIO_CODECS = {
    "AAC": "aac", "AC-3": "ac3", "E-AC-3": "eac3", "Opus": "opus", "Vorbis": "vorbis",
    "FLAC": "flac", "PCM": "pcm", "ALAC": "alac", "DTS": "dts", "AMR": "amr_nb",
    "WMA": "wmav2", "MLP FBA": "truehd",
}
_HEADER_CONTAINERS = ("MPEG-4", "QuickTime", "Matroska", "WebM")
_SCAN_ORDERS: dict[str, FieldOrder] = {"TFF": "tt", "BFF": "bb"}
_MPEG_AUDIO_LAYERS = {"Layer 1": "mp1", "Layer 2": "mp2", "Layer 3": "mp3"}


class MediaInfoBackend:
    """libmediainfo in-process (pymediainfo)."""

    name = "mediainfo"

    def unavailable(self) -> str | None:
        try:
            from pymediainfo import MediaInfo
        except ImportError as exc:  # pragma: no cover - a dependency
            return f"pymediainfo is not importable ({exc})"
        if not MediaInfo.can_parse():  # pragma: no cover - wheels bundle the library
            return "pymediainfo cannot find libmediainfo"
        return None

    def version(self) -> str:
        return _version()

    def read(self, path: str) -> MediaFacts:
        from pymediainfo import MediaInfo

        try:
            info = MediaInfo.parse(os.path.abspath(path))
        except (RuntimeError, ValueError) as exc:
            raise ProbeFailed(f"MediaInfo cannot parse it: {exc}") from exc
        general = info.general_tracks[0] if info.general_tracks else None
        if general is None or (general.format is None and len(info.tracks) <= 1):
            raise ProbeFailed("MediaInfo does not recognise it as media")
        container = general.format
        header = mp4.layout(path) if container in _HEADER_CONTAINERS else mp4.Layout()
        video_tracks = info.video_tracks or info.image_tracks
        return MediaFacts(
            path=path,
            source=self.version(),
            size_bytes=_int(general.file_size),
            container=container,
            duration_s=_seconds(general.duration),
            fragmented=header.fragmented if container == "MPEG-4" else None,
            brand=header.brand,
            moov_first=header.moov_first,
            edit_lists=header.edit_lists,
            video=tuple(_video(i, t) for i, t in enumerate(video_tracks)),
            audio=tuple(_audio(i, t) for i, t in enumerate(info.audio_tracks)),
            other_streams=len(info.text_tracks) + len(info.other_tracks),
        )


@functools.lru_cache(maxsize=1)
def _version() -> str:
    from importlib.metadata import version

    return f"mediainfo (pymediainfo {version('pymediainfo')})"


def _first(value: Any) -> str | None:
    """MediaInfo fields may hold 'a / b' for multi-valued entries; keep the first."""
    if value is None:
        return None
    return str(value).split(" / ")[0].strip() or None


def _float(value: Any) -> float | None:
    return finite(_first(value))


def _int(value: Any) -> int | None:
    number = _float(value)
    return int(number) if number is not None else None


def _seconds(milliseconds: Any) -> float | None:
    value = _float(milliseconds)
    return positive(value / 1000) if value is not None else None


def _video_codec(track: Any) -> str | None:
    name = _first(track.format)
    if name is None:
        return None
    if name == "MPEG Video":
        return "mpeg1video" if _first(track.format_version) == "Version 1" else "mpeg2video"
    return VIDEO_CODECS.get(name, name.lower())


def _audio_codec(track: Any) -> str | None:
    name = _first(track.format)
    if name is None:
        return None
    if name == "MPEG Audio":
        return _MPEG_AUDIO_LAYERS.get(_first(track.format_profile) or "", "mp3")
    return AUDIO_CODECS.get(name, name.lower())


def _video(position: int, track: Any) -> VideoStream:
    mode = _first(track.frame_rate_mode)
    fps_mode: Literal["CFR", "VFR"] | None = "CFR" if mode == "CFR" else (
        "VFR" if mode == "VFR" else None)
    return VideoStream(
        index=position,
        codec=_video_codec(track),
        avg_fps=positive(_float(track.frame_rate)),
        declared_fps=positive(_float(track.frame_rate_original)),
        fps_mode=fps_mode,
        width=_int(track.width),
        height=_int(track.height),
        rotation=_float(track.rotation),
        duration_s=_seconds(track.duration),
        field_order=_field_order(track),
        chroma=_first(track.chroma_subsampling),
        bit_depth=_int(track.bit_depth),
    )


def _field_order(track: Any) -> FieldOrder | None:
    scan = _first(track.scan_type)
    if scan == "Progressive":
        return "progressive"
    if scan in ("Interlaced", "MBAFF"):
        return _SCAN_ORDERS.get(_first(track.scan_order) or "", "tt")
    return None


def _audio(position: int, track: Any) -> AudioStream:
    return AudioStream(
        index=position,
        codec=_audio_codec(track),
        channels=_int(track.channel_s),
        sample_rate=_int(track.sampling_rate),
        duration_s=_seconds(track.duration),
    )
