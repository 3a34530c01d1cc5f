"""What every probe backend shares: the interface, and the checks made before any parser runs."""

from __future__ import annotations

import os
import stat
from typing import Protocol

from validator.records.facts import MediaFacts, ProblemKind

LFS_POINTER_PREFIX = b"version https://git-lfs"
_LFS_POINTER_MAX_BYTES = 1024


class ProbeFailed(Exception):
    """The backend read the file but could not make media of it; the message says why."""


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


def _size(path: str) -> int | None:
    try:
        return os.stat(path).st_size
    except OSError:
        return None


def positive(value: float | None) -> float | None:
    """A rate or duration, with zero, negative and NaN readings turned into 'unknown'."""
    if value is None or not value > 0:
        return None
    return float(value)
