"""Probe backends, by name: each turns a file into one immutable MediaFacts.

A backend's module is imported when the backend is first asked for, so a run
whose probes happen in a worker process never loads them itself. The names are
:data:`ProbeName`; the CLI's choices, the settings schema and the registry use it.
"""

from __future__ import annotations

import pkgutil
from collections.abc import Iterator, Mapping
from typing import Literal, get_args

from validator.probe.base import Backend, read_facts
from validator.records.errors import UsageError
from validator.records.facts import MediaFacts

BackendName = Literal["libav", "mediainfo", "ffprobe"]
ProbeName = Literal["auto", BackendName]
"""How to read files: a backend by name, or ``auto`` (libav, with a second opinion where a
verdict is in doubt: see :mod:`validator.check.arbitration`)."""
PROBE_CHOICES: tuple[str, ...] = get_args(ProbeName)

_MODULES: dict[str, str] = {   # one per BackendName (tested)
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


class UnknownBackend(UsageError):
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


def check_probe(name: str) -> None:
    """Raise UnknownBackend, listing the valid names, unless ``name`` is a probe choice."""
    if name not in PROBE_CHOICES:
        raise _unknown(name)


def get_backend(name: str) -> Backend:
    """The backend called ``name``; an unknown name lists the valid ones."""
    try:
        return BACKENDS[name]
    except KeyError:
        raise _unknown(name) from None


def _unknown(name: str) -> UnknownBackend:
    valid = ", ".join(PROBE_CHOICES)
    return UnknownBackend(f"unknown probe backend {name!r} (choose from: {valid})")


__all__ = ["BACKENDS", "PROBE_CHOICES", "Backend", "BackendName", "ProbeName", "UnknownBackend",
           "available", "check_probe",
           "fingerprint", "get_backend", "read_facts", "read_named"]
