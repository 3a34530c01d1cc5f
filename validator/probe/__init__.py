"""Probe backends, by name: each turns a file into one immutable MediaFacts."""

from __future__ import annotations

from validator.probe.base import Backend, read_facts
from validator.probe.ffprobe import FfprobeBackend
from validator.probe.libav import LibavBackend
from validator.probe.mediainfo import MediaInfoBackend

BACKENDS: dict[str, Backend] = {
    "libav": LibavBackend(),
    "mediainfo": MediaInfoBackend(),
    "ffprobe": FfprobeBackend(),
}
PROBE_CHOICES = ("auto", *BACKENDS)


class UnknownBackend(ValueError):
    """A probe name that is not in the registry."""


def get_backend(name: str) -> Backend:
    """The backend called ``name``; an unknown name lists the valid ones."""
    try:
        return BACKENDS[name]
    except KeyError:
        valid = ", ".join(PROBE_CHOICES)
        raise UnknownBackend(f"unknown probe backend {name!r} (choose from: {valid})") from None


__all__ = ["BACKENDS", "PROBE_CHOICES", "Backend", "UnknownBackend", "get_backend", "read_facts"]
