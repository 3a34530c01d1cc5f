"""Readings from packet timestamps (no decoding), for what FFmpeg releases read differently.

- ``content_span``: how long the content of a container that records no
  duration runs (a WebM written to a pipe by a browser's MediaRecorder, a
  live-written FLV): seek near the end and read the last packets' timestamps.
- ``window_rate``: the frame rate at the end of the first seconds of a stream
  whose container declares no rate (MPEG-TS/PS, Matroska, FLV): FFmpeg 5.x
  estimates the average rate from about that much data, 6.0 and newer from
  less, so clips of different rates joined near the start read differently.

Both are bounded in packets and bytes, and any error reading them means
"unknown".
"""

from __future__ import annotations

import statistics
from typing import Any

_AV_TIME_BASE = 1_000_000
_TAIL_PACKETS = 20_000
_TAIL_BYTES = 16 << 20
_WINDOW_S = 7.0
_WINDOW_BYTES = 8 << 20
_WINDOW_PACKETS = 4_000
_RATE_SAMPLE = 24
_RATE_TOLERANCE = 0.02
ESTIMATED_RATE_FORMATS = ("mpegts", "mpeg", "matroska", "flv", "h264", "hevc")


def content_span(container: Any) -> float | None:
    """Seconds from the container's start to the end of its last packet, or None."""
    try:
        container.seek(1 << 62, backward=True, any_frame=False)
        end = _last_packet_end(container)
    except Exception:   # a demuxer that cannot seek or read on: the span stays unknown
        return None
    if end is None:
        return None
    start = (container.start_time or 0) / _AV_TIME_BASE
    span = end - start
    return span if span > 0 else None


def _last_packet_end(container: Any) -> float | None:
    end, read = None, 0
    for count, packet in enumerate(container.demux()):
        if count >= _TAIL_PACKETS or read > _TAIL_BYTES:
            return None
        read += packet.size
        if packet.pts is None or packet.stream.time_base is None:
            continue
        stop = float((packet.pts + (packet.duration or 0)) * packet.stream.time_base)
        end = stop if end is None else max(end, stop)
    return end


def window_rate(container: Any, stream: Any, average: float | None) -> float | None:
    """The rate of ``stream`` at the end of the first seconds, when it is not ``average``.

    None when the container declares rates, the window is too short to tell, or
    the rate there is the average (within 2 %).
    """
    if average is None or not container.format.name.startswith(ESTIMATED_RATE_FORMATS):
        return None
    try:
        times = _window_times(container, stream)
    except Exception:
        return None
    if len(times) < _RATE_SAMPLE + 1 or times[-1] - times[0] < 1.5:
        return None
    tail = times[-(_RATE_SAMPLE + 1):]
    interval = statistics.median(b - a for a, b in zip(tail, tail[1:], strict=False))
    if interval <= 0:
        return None
    rate = 1 / interval
    return rate if abs(rate - average) > average * _RATE_TOLERANCE else None


def _window_times(container: Any, stream: Any) -> list[float]:
    """Sorted presentation times of the stream's packets in the first seconds."""
    container.seek(0, backward=True, any_frame=False)
    times: list[float] = []
    first, read = None, 0
    for count, packet in enumerate(container.demux(stream)):
        if count >= _WINDOW_PACKETS or read > _WINDOW_BYTES:
            break
        read += packet.size
        if packet.pts is None:
            continue
        time = float(packet.pts * stream.time_base)
        first = time if first is None else first
        if time - first > _WINDOW_S:
            break
        times.append(time)
    return sorted(times)
