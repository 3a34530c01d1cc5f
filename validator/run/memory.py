"""The memory bound of the processes that run probes.

A hostile file must not take the machine: a 12.8 kB MP4 whose edit list
claims 4 billion entries makes MediaInfo allocate gigabytes. Every process
that runs a probe limits its own address space (``RLIMIT_AS``) when it starts
(:func:`limit_memory`, called by :func:`validator.run.prefork.worker_init`);
ffprobe, started by it, inherits the bound. A prober that reaches it fails to
allocate, and that file gets a finding. The bound is chosen for a run with
:func:`set_max_memory` before its workers fork.
"""

from __future__ import annotations

import re

DEFAULT_MAX_MEMORY = 2 << 30
MIN_MAX_MEMORY = 256 << 20
MAX_MAX_MEMORY = 1 << 60
_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}
_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?", re.IGNORECASE)

_max_memory: int | None = DEFAULT_MAX_MEMORY


def parse_size(text: str) -> int | None:
    """``2G``, ``512M``, ``1.5GiB`` or a number of bytes; ``0`` means no bound (None)."""
    found = _SIZE.fullmatch(text.strip())
    if found is None:
        raise ValueError(f"--max-memory: {text!r} is not a size (write e.g. 2G, 512M, or 0 "
                         "for no bound)")
    number = float(found.group(1)) * _UNITS[found.group(2).lower()]
    if number >= MAX_MAX_MEMORY:
        raise ValueError(f"--max-memory: {text} is more than any machine has (use 0 for no "
                         "bound)")
    size = int(number)
    if size == 0:
        return None
    if size < MIN_MAX_MEMORY:
        raise ValueError(f"--max-memory: {text} is too small for a prober to start "
                         f"(at least {MIN_MAX_MEMORY >> 20}M, or 0 for no bound)")
    return size


def set_max_memory(limit: int | None = DEFAULT_MAX_MEMORY) -> int | None:
    """Set the bound for the probe processes forked from now on (None: no bound); return the
    one it replaces. The worker forked at start-up, bound by the default, is not used for
    another bound."""
    global _max_memory
    previous, _max_memory = _max_memory, limit
    if limit != DEFAULT_MAX_MEMORY:
        from validator.run import prefork

        prefork.discard()
    return previous


def limit_memory() -> None:
    """Bound this process's address space (a worker calls this when it starts).

    A worker forked from a process that already holds nearly the bound (a large
    program calling the Python API, a Dask client's threads) keeps at least
    ``MIN_MAX_MEMORY`` of room above what it holds, so that its prober can load at
    all, rather than failing every file for the machine's sake."""
    try:
        import resource
    except ImportError:   # pragma: no cover - not on this platform
        return
    if _max_memory is None:
        return
    bound = max(_max_memory, _address_space() + MIN_MAX_MEMORY)
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        bound = min(bound, hard)
    resource.setrlimit(resource.RLIMIT_AS, (bound, hard))


def _address_space() -> int:
    """This process's address space in bytes (0 where /proc does not say)."""
    import os

    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0
