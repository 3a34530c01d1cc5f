"""A tiny ISO-BMFF box walk: is an MP4/MOV file fragmented, and what does its movie header say?

FFmpeg releases read some MP4 files differently. Fragmented files: one
release reads 143,165 s where another reads 1.07 s. Files whose movie header
(``mvhd``) and tracks disagree: FFmpeg up to 5.x reports the movie header's
duration, 6.0 and newer the tracks' (FFmpeg commit 836b8001, trac #9775). The
rules want to know both. Only box headers and the ``mvhd`` body are read: a
few small reads per file.
"""

from __future__ import annotations

import struct
from typing import NamedTuple

_MAX_TOP_LEVEL_BOXES = 64
_MAX_MOOV_CHILDREN = 256


class Boxes(NamedTuple):
    """What the box walk found; None where it could not tell."""

    fragmented: bool | None = None
    header_duration_s: float | None = None


def is_fragmented(path: str) -> bool | None:
    """True if a top-level ``moof`` box or an ``mvex`` inside ``moov`` is found.

    None when the file is not an ISO-BMFF file or its boxes cannot be walked.
    """
    return read_boxes(path).fragmented


def read_boxes(path: str) -> Boxes:
    """The :class:`Boxes` of a local file."""
    try:
        with open(path, "rb") as handle:
            return _walk(handle)
    except (OSError, struct.error, ValueError):
        return Boxes()


def stream_boxes(handle: object) -> Boxes:
    """:func:`read_boxes` for an open, seekable binary stream (e.g. one read over HTTP)."""
    try:
        return _walk(handle)
    except (OSError, struct.error, ValueError):
        return Boxes()


def _walk(handle: object) -> Boxes:
    offset = 0
    for count in range(_MAX_TOP_LEVEL_BOXES):
        box = _box_at(handle, offset)
        if box is None:
            return Boxes(fragmented=False) if count else Boxes()
        kind, size, body = box
        if count == 0 and kind not in (b"ftyp", b"moov", b"free", b"mdat", b"wide", b"skip"):
            return Boxes()
        if kind == b"moof":
            return Boxes(fragmented=True)
        if kind == b"moov":
            return _moov(handle, body, offset + size)
        if size < 8:
            return Boxes(fragmented=False)
        offset += size
    return Boxes(fragmented=False)


def _box_at(handle: object, offset: int) -> tuple[bytes, int, int] | None:
    """The box at ``offset``: its type, its whole size and where its body starts."""
    handle.seek(offset)  # type: ignore[attr-defined]
    header = handle.read(16)  # type: ignore[attr-defined]
    if len(header) < 8:
        return None
    size, kind = struct.unpack(">I4s", header[:8])
    if size == 1:
        if len(header) < 16:
            return None
        return kind, struct.unpack(">Q", header[8:16])[0], offset + 16
    return kind, size, offset + 8


def _moov(handle: object, start: int, end: int) -> Boxes:
    """The fragmented flag (an ``mvex`` child) and the ``mvhd`` duration of a ``moov``."""
    fragmented, duration = False, None
    offset = start
    for _ in range(_MAX_MOOV_CHILDREN):
        if offset + 8 > end:
            break
        box = _box_at(handle, offset)
        if box is None:
            break
        kind, size, body = box
        if kind == b"mvex":
            fragmented = True
        elif kind == b"mvhd":
            duration = _mvhd_duration(handle, body)
        if size < 8:
            break
        offset += size
    return Boxes(fragmented=fragmented, header_duration_s=None if fragmented else duration)


def _mvhd_duration(handle: object, body: int) -> float | None:
    """The movie header's duration in seconds (None when it says 0 or "unknown")."""
    handle.seek(body)  # type: ignore[attr-defined]
    data = handle.read(32)  # type: ignore[attr-defined]
    if len(data) < 20:
        return None
    if data[0] == 1:   # version 1: 64-bit times and duration
        if len(data) < 32:
            return None
        timescale, duration = struct.unpack(">IQ", data[20:32])
        unknown = 0xFFFF_FFFF_FFFF_FFFF
    else:
        timescale, duration = struct.unpack(">II", data[12:20])
        unknown = 0xFFFF_FFFF
    if timescale == 0 or duration in (0, unknown):
        return None
    return float(duration) / float(timescale)
