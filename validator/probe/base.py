"""What every probe backend shares: the interface, and the checks made before any parser runs."""

from __future__ import annotations

import math
import os
import re
import stat
from typing import Protocol

from validator.records.facts import FieldOrder, MediaFacts, ProblemKind

LFS_POINTER_PREFIX = b"version https://git-lfs"
_LFS_POINTER_MAX_BYTES = 1024


LOCAL_PROTOCOLS = "file"


def local_url(path: str) -> str:
    """An absolute ``file:`` URL for a local path, so FFmpeg takes no name for a protocol
    (``http:x.mp4``, ``subfile,,...:clip.mp4``) or an option."""
    return "file:" + os.path.abspath(path)


class ProbeFailed(Exception):
    """The backend read the file but could not make media of it; the message says why."""


class OutOfMemory(ProbeFailed):
    """The prober reached the memory bound of the process (see :mod:`validator.run.memory`)."""


class SetupFailed(Exception):
    """The backend itself cannot run here (missing or broken); the message says why."""


class Backend(Protocol):
    """A probe backend: turns one readable regular file into MediaFacts."""

    name: str

    def unavailable(self) -> str | None:
        """None when the backend can run here, else a sentence saying why not."""

    def version(self) -> str:
        """The backend's own version string, for reports and cache keys."""

    def read(self, path: str) -> MediaFacts:
        """Probe a regular, non-empty file; raise ProbeFailed or OSError."""


def problem_facts(path: str, source: str, kind: ProblemKind, problem: str,
                  size: int | None = None) -> MediaFacts:
    """Facts for a file that could not be read as media."""
    return MediaFacts(path=path, source=source, size_bytes=size,
                      problem=problem, problem_kind=kind)


def precheck(path: str, source: str) -> MediaFacts | None:
    """Facts for files no parser should touch (missing, not regular, empty, LFS pointer).

    Returns None when the file is a non-empty regular file worth probing.
    Never opens FIFOs or devices, so it cannot block.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        missing = "a dangling link" if os.path.islink(path) else "no such file or directory"
        return problem_facts(path, source, "io", missing)
    except PermissionError:
        return problem_facts(path, source, "io", "permission denied")
    except OSError as exc:
        return problem_facts(path, source, "io", f"cannot read: {exc.strerror or exc}")
    if stat.S_ISDIR(st.st_mode):
        return problem_facts(path, source, "io", "is a directory")
    if not stat.S_ISREG(st.st_mode):
        return problem_facts(path, source, "io", "not a regular file (FIFO, socket or device)")
    if st.st_size == 0:
        return problem_facts(path, source, "parse", "empty file (0 bytes)", 0)
    if st.st_size <= _LFS_POINTER_MAX_BYTES:
        return _lfs_pointer_facts(path, source, st.st_size)
    return None


def _lfs_pointer_facts(path: str, source: str, size: int) -> MediaFacts | None:
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(LFS_POINTER_PREFIX))
    except PermissionError:
        return problem_facts(path, source, "io", "permission denied", size)
    except OSError as exc:
        return problem_facts(path, source, "io", f"cannot read: {exc.strerror or exc}", size)
    if head == LFS_POINTER_PREFIX:
        return problem_facts(
            path, source, "lfs-pointer",
            f"a Git LFS pointer ({size} bytes), not the video itself", size)
    return None


def read_facts(path: str, backend: Backend) -> MediaFacts:
    """Probe one path with one backend; every failure becomes facts, never an exception."""
    source = backend.version()
    early = precheck(path, source)
    if early is not None:
        return early
    missing = backend.unavailable()
    if missing is not None:
        return problem_facts(path, source, "setup", missing, _size(path))
    try:
        return backend.read(path)
    except (OutOfMemory, MemoryError) as exc:
        return problem_facts(path, source, "crash", _out_of_memory(exc), _size(path))
    except SetupFailed as exc:
        return problem_facts(path, source, "setup", str(exc), _size(path))
    except ProbeFailed as exc:
        return problem_facts(path, source, "parse", str(exc), _size(path))
    except PermissionError:
        return problem_facts(path, source, "io", "permission denied", _size(path))
    except FileNotFoundError:
        return problem_facts(path, source, "io", "vanished while being read")
    except OSError as exc:
        return problem_facts(path, source, "io", f"cannot read: {exc.strerror or exc}",
                             _size(path))
    except ImportError as exc:   # a library that would not load: the machine's, not the file's
        return problem_facts(path, source, "setup", "the prober could not load its libraries "
                             f"({_failure(exc)})", _size(path))
    except Exception as exc:   # a prober's own failure on this file: the file's finding
        return problem_facts(path, source, "parse", f"the prober failed on it ({_failure(exc)})",
                             _size(path))


def _out_of_memory(exc: Exception) -> str:
    detail = f" ({exc})" if isinstance(exc, OutOfMemory) and str(exc) else ""
    return f"the prober ran out of memory on it{detail}"


def _failure(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _size(path: str) -> int | None:
    try:
        return os.stat(path).st_size
    except OSError:
        return None


def positive(value: float | None) -> float | None:
    """A rate or duration, with zero, negative, infinite and NaN readings turned into
    'unknown'."""
    if value is None or not value > 0 or not math.isfinite(value):
        return None
    return float(value)


def finite(value: object) -> float | None:
    """A prober's number (a number or its text) as a finite float, else None: ``"inf"``,
    ``"nan"``, ``"N/A"`` and ``"1e999"`` are 'unknown', not a value to compute with."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None
_YUV = re.compile(r"yuva?j?(4[0-4][0-4]|41[01])p(\d+)?")
_PACKED = {"nv12": ("4:2:0", 8), "nv21": ("4:2:0", 8), "p010": ("4:2:0", 10),
           "p016": ("4:2:0", 16), "yuyv422": ("4:2:2", 8), "uyvy422": ("4:2:2", 8),
           "nv16": ("4:2:2", 8), "gray": ("4:0:0", 8), "gray10": ("4:0:0", 10),
           "rgb24": ("4:4:4", 8), "bgr24": ("4:4:4", 8), "rgba": ("4:4:4", 8),
           "bgra": ("4:4:4", 8), "argb": ("4:4:4", 8), "abgr": ("4:4:4", 8),
           "rgb48": ("4:4:4", 16), "pal8": ("4:4:4", 8)}


def chroma_and_depth(pix_fmt: str | None) -> tuple[str | None, int | None]:
    """An FFmpeg pixel format's chroma subsampling and bit depth: yuv420p10le → ('4:2:0', 10)."""
    if not pix_fmt:
        return None, None
    name = re.sub(r"(le|be)$", "", pix_fmt)
    match = _YUV.fullmatch(name)
    if match:
        digits = match.group(1)
        return f"{digits[0]}:{digits[1]}:{digits[2]}", int(match.group(2) or 8)
    if name.startswith("gbr"):
        depth = re.search(r"p(\d+)$", name)
        return "4:4:4", int(depth.group(1)) if depth else 8
    return _PACKED.get(name, (None, None))


_FIELD_ORDERS: dict[str, FieldOrder] = {
    "progressive": "progressive", "tt": "tt", "bb": "bb", "tb": "tb", "bt": "bt"}


def field_order(name: str | None) -> FieldOrder | None:
    """FFmpeg's field order name (``progressive``, ``tt`` ...), or None for ``unknown``."""
    return _FIELD_ORDERS.get(name or "")
