"""A tiny ISO-BMFF box walk: is an MP4/MOV file fragmented (moof boxes)?

FFmpeg versions disagree about the container duration of fragmented MP4
(one reads 143,165 s where another reads 1.07 s), so the duration rule wants
to know. Only box headers are read: a few small reads per file.
"""

from __future__ import annotations

import struct

_MAX_TOP_LEVEL_BOXES = 64


def is_fragmented(path: str) -> bool | None:
    """True if a top-level ``moof`` box or an ``mvex`` inside ``moov`` is found.

    None when the file is not an ISO-BMFF file or its boxes cannot be walked.
    """
    try:
        with open(path, "rb") as handle:
            return _walk(handle)
    except (OSError, struct.error):
        return None


def stream_is_fragmented(handle: object) -> bool | None:
    """:func:`is_fragmented` for an open, seekable binary stream (e.g. one read over HTTP)."""
    try:
        return _walk(handle)
    except (OSError, struct.error):
        return None


def _walk(handle: object) -> bool | None:
    read = handle.read  # type: ignore[attr-defined]
    seek = handle.seek  # type: ignore[attr-defined]
    offset = 0
    for count in range(_MAX_TOP_LEVEL_BOXES):
        seek(offset)
        header = read(16)
        if len(header) < 8:
            return False if count else None
        size, kind = struct.unpack(">I4s", header[:8])
        if count == 0 and kind not in (b"ftyp", b"moov", b"free", b"mdat", b"wide", b"skip"):
            return None
        if kind == b"moof":
            return True
        if kind == b"moov":
            return _has_child(handle, offset, size, header, b"mvex")
        if size == 1:
            size = struct.unpack(">Q", header[8:16])[0]
        if size < 8:
            return False
        offset += size
    return False


def _has_child(handle: object, start: int, size: int, header: bytes, wanted: bytes) -> bool:
    read = handle.read  # type: ignore[attr-defined]
    seek = handle.seek  # type: ignore[attr-defined]
    body, end = start + 8, start + size
    if size == 1:
        body, end = start + 16, start + struct.unpack(">Q", header[8:16])[0]
    offset = body
    while offset + 8 <= end:
        seek(offset)
        child = read(8)
        if len(child) < 8:
            return False
        child_size, kind = struct.unpack(">I4s", child)
        if kind == wanted:
            return True
        if child_size < 8:
            return False
        offset += child_size
    return False
