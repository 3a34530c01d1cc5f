"""Probe backends, by name: each turns a file into one immutable MediaFacts.

A backend's module is imported when the backend is first asked for, so a run
whose probes happen in a worker process never loads them itself.
"""

from __future__ import annotations

import pkgutil
from collections.abc import Iterator, Mapping

from validator.probe.base import Backend, read_facts
from validator.records.facts import MediaFacts

_MODULES = {
    "libav": "validator.probe.libav:LibavBackend",
    "mediainfo": "validator.probe.mediainfo:MediaInfoBackend",
    "ffprobe": "validator.probe.ffprobe:FfprobeBackend",
}


class _Registry(Mapping[str, Backend]):
    """The backends by name, each made on first use."""

    def __init__(self) -> None:
        self._made: dict[str, Backend] = {}

    def __getitem__(self, name: str) -> Backend:
        if name not in self._made:
            self._made[name] = pkgutil.resolve_name(_MODULES[name])()
        return self._made[name]

    def __iter__(self) -> Iterator[str]:
        return iter(_MODULES)

    def __len__(self) -> int:
        return len(_MODULES)


BACKENDS: Mapping[str, Backend] = _Registry()
PROBE_CHOICES = ("auto", *_MODULES)


class UnknownBackend(ValueError):
    """A probe name that is not in the registry."""


def _distribution(module: str) -> str:
    """A package's installed version read from its dist-info folder name, without importing it."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        return f"{module}:absent"
    site = Path(spec.origin).resolve().parent.parent
    found = sorted(p.name for p in site.glob(f"{module}-*.dist-info"))
    return found[-1] if found else f"{module}:{spec.origin}"


def _ffprobe_identity() -> str:
    import os

    from validator.probe.ffprobe import ffprobe_binary

    binary = ffprobe_binary()
    if binary is None:
        return "ffprobe:absent"
    st = os.stat(binary)
    return f"ffprobe:{os.path.realpath(binary)}:{st.st_size}:{st.st_mtime_ns}"


def fingerprint(probe: str) -> str:
    """A cheap identity of the backends a probe choice may use (no backend is imported)."""
    parts = {"libav": _distribution("av"), "mediainfo": _distribution("pymediainfo"),
             "ffprobe": _ffprobe_identity()}
    used = list(parts) if probe == "auto" else [probe]
    return "|".join(parts[name] for name in used)


def read_named(path: str, name: str) -> MediaFacts:
    """The facts of ``path`` as the backend called ``name`` reads them."""
    return read_facts(path, BACKENDS[name])


def available(name: str) -> bool:
    """Whether the backend called ``name`` can run here."""
    return BACKENDS[name].unavailable() is None


def get_backend(name: str) -> Backend:
    """The backend called ``name``; an unknown name lists the valid ones."""
    try:
        return BACKENDS[name]
    except KeyError:
        valid = ", ".join(PROBE_CHOICES)
        raise UnknownBackend(f"unknown probe backend {name!r} (choose from: {valid})") from None


__all__ = ["BACKENDS", "PROBE_CHOICES", "Backend", "UnknownBackend", "available",
           "fingerprint", "get_backend", "read_facts", "read_named"]
