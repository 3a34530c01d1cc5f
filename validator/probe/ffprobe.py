"""``ffprobe`` backend: the FFmpeg command-line prober, through ffmpeg-python.

This is the reading the API's server makes, so it is the ground truth when
it is installed. It costs a process per file (about 85 ms), so ``auto`` only
asks it about files whose verdict is in doubt.

``MEDIA_PREFLIGHT_FFPROBE`` names another binary; set it to an empty string
to behave as if there were none. A binary named there that is missing or does
not run is a setup failure: files that need ffprobe are then not checked,
rather than judged without it.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
from typing import Any

from validator.probe import mp4
from validator.probe.base import (
    LOCAL_PROTOCOLS,
    OutOfMemory,
    ProbeFailed,
    SetupFailed,
    chroma_and_depth,
    field_order,
    finite,
    local_url,
    positive,
)
from validator.records.facts import AudioStream, MediaFacts, VideoStream

ENV_VAR = "MEDIA_PREFLIGHT_FFPROBE"


def ffprobe_binary() -> str | None:
    """The ffprobe to use: $MEDIA_PREFLIGHT_FFPROBE if set, else the one on PATH."""
    configured = os.environ.get(ENV_VAR)
    if configured is not None:
        return shutil.which(configured) if configured else None
    return shutil.which("ffprobe")


def configured() -> str | None:
    """The binary $MEDIA_PREFLIGHT_FFPROBE names, if it names one."""
    return os.environ.get(ENV_VAR) or None


class FfprobeBackend:
    """The ffprobe binary, one process per file."""

    name = "ffprobe"

    def unavailable(self) -> str | None:
        if ffprobe_binary() is None and configured() is None:
            return "no ffprobe on PATH (install FFmpeg, e.g. `apt-get install ffmpeg`)"
        return None

    def version(self) -> str:
        binary = ffprobe_binary()
        return _version(binary) if binary else "ffprobe (not installed)"

    def read(self, path: str) -> MediaFacts:
        import ffmpeg

        binary = _working_binary()
        try:
            data = ffmpeg.probe(local_url(path), cmd=binary, v="error",
                                protocol_whitelist=LOCAL_PROTOCOLS)
        except OSError as exc:
            raise SetupFailed(f"ffprobe {binary!r} does not run: {exc.strerror or exc}") from exc
        except ffmpeg.Error as exc:
            reason = _last_line(exc.stderr)
            failure = OutOfMemory if _OUT_OF_MEMORY in reason else ProbeFailed
            raise failure(f"ffprobe cannot open it: {reason}") from exc
        facts = _facts(path, data, self.version())
        if facts.duration_s is None and facts.readable:
            start = finite(data.get("format", {}).get("start_time")) or 0.0
            facts = facts._replace(content_span_s=_content_span(binary, path, start))
        return facts


def _content_span(binary: str, path: str, start: float) -> float | None:
    """For a container that records no duration: from its start to the end of its last
    packet, read after seeking near the end (``-read_intervals``), not through the file."""
    import subprocess

    try:
        out = subprocess.run(
            [binary, "-v", "error", "-read_intervals", "999999999%", "-show_entries",
             "packet=pts_time,duration_time", "-of", "csv=p=0",
             "-protocol_whitelist", LOCAL_PROTOCOLS, local_url(path)],
            capture_output=True, text=True, timeout=60, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    ends = []
    for line in out.splitlines():
        pts, duration = [*line.split(","), "", ""][:2]
        end = finite(pts)
        if end is not None:
            ends.append(end + (finite(duration) or 0.0))
    return positive(max(ends) - start) if ends else None


def _working_binary() -> str:
    """The ffprobe binary, checked to run; SetupFailed says what is wrong with it."""
    binary = ffprobe_binary()
    if binary is None:
        raise SetupFailed(f"{ENV_VAR}={configured()!r} names no executable file")
    problem = _broken(binary)
    if problem is not None:
        raise SetupFailed(f"ffprobe {binary!r} does not run: {problem}")
    return binary


def _broken(binary: str) -> str | None:
    status, out = _run_version(binary)
    if status is None:
        return "it cannot be started"
    if status != 0 or not out.startswith("ffprobe"):
        return f"`-version` exited with status {status} without naming ffprobe"
    return None


@functools.lru_cache(maxsize=4)
def _run_version(binary: str) -> tuple[int | None, str]:
    """``binary -version``: its exit status (None when it could not run) and its output."""
    import subprocess

    try:
        done = subprocess.run([binary, "-version"], capture_output=True, text=True,
                              timeout=10, check=False)
    except (OSError, subprocess.SubprocessError, ValueError):
        return None, ""
    return done.returncode, done.stdout


def _version(binary: str) -> str:
    words = _run_version(binary)[1].split()
    return f"ffprobe {words[2]}" if len(words) > 2 else "ffprobe (unknown version)"


_OUT_OF_MEMORY = "Cannot allocate memory"   # strerror(ENOMEM), as FFmpeg prints it
_HEAP_ADDRESS = re.compile(r" @ 0x[0-9a-fA-F]+\]|\b0x[0-9a-fA-F]{6,}\b")


def _last_line(stderr: bytes | None) -> str:
    """ffprobe's last error line, without its heap addresses (``[asf @ 0x55d…]``), which
    differ from run to run."""
    lines = [line.strip() for line in (stderr or b"").decode("utf-8", "replace").splitlines()]
    lines = [line for line in lines if line]
    last = lines[-1].split(": ", 1)[-1] if lines else "unknown error"
    return _HEAP_ADDRESS.sub(lambda m: "]" if m.group().endswith("]") else "0x…", last)


def _rate(text: Any) -> float | None:
    if not isinstance(text, str) or "/" not in text:
        return None
    numerator, _, denominator = text.partition("/")
    try:
        if int(denominator) == 0:
            return None
        return positive(int(numerator) / int(denominator))   # int / int rounds correctly
    except (ValueError, OverflowError):
        return None


def _int(value: Any) -> int | None:
    number = finite(value)
    return int(number) if number is not None else None


def _rotation(stream: dict[str, Any]) -> float | None:
    for side_data in stream.get("side_data_list", []):
        if "rotation" in side_data:
            return finite(side_data["rotation"])
    return finite(stream.get("tags", {}).get("rotate"))


def _video(stream: dict[str, Any]) -> VideoStream:
    chroma, depth = chroma_and_depth(stream.get("pix_fmt"))
    return VideoStream(
        index=_int(stream.get("index")) or 0,
        codec=stream.get("codec_name") or None,
        avg_fps=_rate(stream.get("avg_frame_rate")),
        declared_fps=_rate(stream.get("r_frame_rate")),
        width=_int(stream.get("width")) or None,
        height=_int(stream.get("height")) or None,
        rotation=_rotation(stream),
        duration_s=positive(finite(stream.get("duration"))),
        cover_art=bool(stream.get("disposition", {}).get("attached_pic")),
        field_order=field_order(stream.get("field_order")),
        chroma=chroma,
        bit_depth=depth,
    )


def _audio(stream: dict[str, Any]) -> AudioStream:
    return AudioStream(
        index=_int(stream.get("index")) or 0,
        codec=stream.get("codec_name") or None,
        channels=_int(stream.get("channels")) or None,
        sample_rate=_int(stream.get("sample_rate")) or None,
        duration_s=positive(finite(stream.get("duration"))),
    )


def _facts(path: str, data: dict[str, Any], source: str) -> MediaFacts:
    fmt = data.get("format", {})
    streams = data.get("streams", [])
    kinds = [s.get("codec_type") for s in streams]
    header = mp4.layout(path) if str(fmt.get("format_name", "")).startswith(
        ("mov,mp4", "matroska")) else mp4.Layout()
    return MediaFacts(
        path=path,
        source=source,
        size_bytes=_int(fmt.get("size")),
        container=fmt.get("format_name"),
        duration_s=positive(finite(fmt.get("duration"))),
        brand=header.brand,
        moov_first=header.moov_first,
        edit_lists=header.edit_lists,
        video=tuple(_video(s) for s in streams if s.get("codec_type") == "video"),
        audio=tuple(_audio(s) for s in streams if s.get("codec_type") == "audio"),
        other_streams=sum(kind not in ("video", "audio") for kind in kinds),
    )
