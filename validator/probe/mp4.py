"""A tiny container header walk, once per file: what FFmpeg's stream list does not say.

Is an MP4/MOV file fragmented (moof boxes)? FFmpeg versions disagree about the
container duration of fragmented MP4 (one reads 143,165 s where another reads
1.07 s), so the duration rule wants to know. Its brand (MP4 or QuickTime), whether
its index comes before the media data, whether a track has an edit list and the
video's display rotation come from the box headers and the ``moov`` index; a
Matroska file's DocType (Matroska or WebM) from its first bytes. So does the movie
header's duration, which FFmpeg releases up to 5.x report instead of the tracks'.
Nothing is decoded.
"""

from __future__ import annotations

import math
import struct
from typing import NamedTuple

_MAX_TOP_LEVEL_BOXES = 64


class Layout(NamedTuple):
    """What a container's header says beyond FFmpeg's stream list, read without decoding.

    ``brand``: an MP4/MOV file's major brand (``qt  `` is QuickTime) or a Matroska file's
    DocType (``webm``); ``moov_first``: the MP4 index comes before the media data
    (faststart); ``edit_lists``: a track has an edit list (``edts``); ``rotation``: the
    first video track's display rotation in degrees; ``fragmented``: a top-level ``moof``
    box or an ``mvex`` inside ``moov``; ``header_duration_s``: the movie header's
    (``mvhd``) duration, which FFmpeg 5.x reports where 6.0 and newer report the tracks'
    (commit 836b8001, trac #9775). None: not this kind of file.
    """

    brand: str | None = None
    moov_first: bool | None = None
    edit_lists: bool | None = None
    rotation: float | None = None
    fragmented: bool | None = None
    header_duration_s: float | None = None


_EBML_MAGIC = b"\x1a\x45\xdf\xa3"
_DOCTYPE_ID = b"\x42\x82"
_MAX_MOOV_BYTES = 32 * 1024 * 1024


def is_fragmented(path: str) -> bool | None:
    """Whether an MP4/MOV file on disk is fragmented (None: not one, or unreadable)."""
    return layout(path).fragmented


def layout(path: str) -> Layout:
    """:class:`Layout` of a file on disk (all None when it cannot be read)."""
    try:
        with open(path, "rb") as handle:
            return stream_layout(handle)
    except OSError:
        return Layout()


def stream_layout(handle: object) -> Layout:
    """:class:`Layout` of an open, seekable binary stream."""
    try:
        read = handle.read  # type: ignore[attr-defined]
        handle.seek(0)  # type: ignore[attr-defined]
        head = read(64)
        if head.startswith(_EBML_MAGIC):
            return Layout(brand=_doctype(head))
        return _iso_layout(handle)
    except (OSError, struct.error, ValueError):
        return Layout()


def _doctype(head: bytes) -> str | None:
    at = head.find(_DOCTYPE_ID)
    if at < 0 or at + 3 > len(head):
        return None
    size_byte = head[at + 2]
    if not size_byte & 0x80:
        return None
    size = size_byte & 0x7F
    return head[at + 3:at + 3 + size].decode("ascii", "replace").strip("\x00") or None


def _top_level(handle: object) -> list[tuple[bytes, int, int]]:
    """(kind, body offset, body size) of each top-level box."""
    read = handle.read  # type: ignore[attr-defined]
    seek = handle.seek  # type: ignore[attr-defined]
    boxes: list[tuple[bytes, int, int]] = []
    offset = 0
    for _ in range(_MAX_TOP_LEVEL_BOXES):
        seek(offset)
        header = read(16)
        if len(header) < 8:
            break
        size, kind = struct.unpack(">I4s", header[:8])
        body = offset + 8
        if size == 1:
            size, body = struct.unpack(">Q", header[8:16])[0], offset + 16
        boxes.append((kind, body, offset + size - body if size else -1))
        if size < 8:
            break
        offset += size
    return boxes


def _iso_layout(handle: object) -> Layout:
    boxes = _top_level(handle)
    kinds = [kind for kind, _, _ in boxes]
    if not boxes or kinds[0] not in (b"ftyp", b"moov", b"free", b"mdat", b"wide", b"skip"):
        return Layout()
    brand = None
    if kinds[0] == b"ftyp":
        handle.seek(boxes[0][1])  # type: ignore[attr-defined]
        brand = handle.read(4).decode("latin-1")  # type: ignore[attr-defined]
    moov_first = (kinds.index(b"moov") < kinds.index(b"mdat")) if (
        b"moov" in kinds and b"mdat" in kinds) else None
    header = Layout(brand=brand, moov_first=moov_first, fragmented=b"moof" in kinds)
    moov = next(((body, size) for kind, body, size in boxes if kind == b"moov"), None)
    if moov is None or not 0 < moov[1] <= _MAX_MOOV_BYTES:
        return header
    handle.seek(moov[0])  # type: ignore[attr-defined]
    children = _boxes_in(handle.read(moov[1]))  # type: ignore[attr-defined]
    tracks = [_children(body) for kind, body in children if kind == b"trak"]
    fragmented = header.fragmented or any(kind == b"mvex" for kind, _ in children)
    return header._replace(edit_lists=any(b"edts" in track for track in tracks),
                           rotation=_video_rotation(tracks), fragmented=fragmented,
                           header_duration_s=None if fragmented else _mvhd_duration(
                               dict(children).get(b"mvhd", b"")))


def _boxes_in(data: bytes, wanted: bytes | None = None) -> list[tuple[bytes, bytes]]:
    """(kind, body) of the boxes packed in ``data`` (only ``wanted`` ones if given)."""
    found, offset = [], 0
    while offset + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[offset:offset + 8])
        if size < 8:
            break
        if wanted is None or kind == wanted:
            found.append((kind, data[offset + 8:offset + size]))
        offset += size
    return found


def _children(data: bytes) -> dict[bytes, bytes]:
    return dict(_boxes_in(data))


def _video_rotation(tracks: list[dict[bytes, bytes]]) -> float | None:
    for track in tracks:
        handler = _children(track.get(b"mdia", b"")).get(b"hdlr", b"")
        if handler[8:12] == b"vide" and b"tkhd" in track:
            return _tkhd_rotation(track[b"tkhd"])
    return None


def _tkhd_rotation(tkhd: bytes) -> float | None:
    matrix_at = (4 + 32 + 16) if tkhd[:1] == b"\x01" else (4 + 20 + 16)
    if len(tkhd) < matrix_at + 36:
        return None
    a, b = struct.unpack(">ii", tkhd[matrix_at:matrix_at + 8])
    degrees = round(math.degrees(math.atan2(b / 65536, a / 65536)))
    return float(-degrees) if degrees else 0.0


def _mvhd_duration(mvhd: bytes) -> float | None:
    """The movie header's duration in seconds (None when it says 0 or "unknown")."""
    if mvhd[:1] == b"\x01":   # version 1: 64-bit times and duration
        if len(mvhd) < 32:
            return None
        timescale, duration = struct.unpack(">IQ", mvhd[20:32])
        unknown = 0xFFFF_FFFF_FFFF_FFFF
    else:
        if len(mvhd) < 20:
            return None
        timescale, duration = struct.unpack(">II", mvhd[12:20])
        unknown = 0xFFFF_FFFF
    if timescale == 0 or duration in (0, unknown):
        return None
    return float(duration) / float(timescale)
