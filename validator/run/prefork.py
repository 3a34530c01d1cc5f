"""A probe worker forked at start-up, so FFmpeg's libraries load while the parent reads the
command line, the settings, the profile and the cache.

Loading PyAV is most of a one-file ``check`` (about 45 ms), and the parent's
own start-up (click, the profile) takes about as long. The ``media-preflight``
entry point forks this worker first thing, before anything but ``os`` is
imported, so the two run side by side on two cores. The worker is a
:class:`~validator.run.forked.Forked` child that loads PyAV and the probe
backends, then serves the parent's probe calls, each under the time limit
(:mod:`validator.run.runner` runs a lone batch on it). A run that needs no
probe (every file cached, a usage error) or that starts a pool of workers kills
it.
"""

from __future__ import annotations

from validator.run.forked import Forked, WorkerLost, describe_status, kill_group, worker_init

__all__ = ["ProbeWorker", "WorkerLost", "describe_status", "discard", "kill_group", "start",
           "take", "worker_init"]


def _load_probers() -> None:
    """In the worker: import PyAV and the backends, the point of starting early."""
    import contextlib

    with contextlib.suppress(ImportError):
        import av  # noqa: F401
    from validator.probe import BACKENDS

    BACKENDS["libav"].unavailable()


class ProbeWorker(Forked):
    """A forked child with the probe libraries loaded, serving probe calls."""

    def __init__(self) -> None:
        super().__init__(prepare=_load_probers)


_waiting: ProbeWorker | None = None


def start() -> None:
    """Fork the worker now, for the run to take later (once; not where there is no fork)."""
    global _waiting
    import os

    if _waiting is None and hasattr(os, "fork"):
        import atexit  # built in: no import cost

        _waiting = ProbeWorker()
        atexit.register(discard)


def take() -> ProbeWorker | None:
    """The worker forked at start-up, handed to the caller (who must kill it), or None."""
    global _waiting
    worker, _waiting = _waiting, None
    return worker


def discard() -> None:
    """Kill the worker forked at start-up if nobody took it."""
    worker = take()
    if worker is not None:
        worker.kill()
