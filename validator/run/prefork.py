"""A probe worker forked at start-up, so FFmpeg's libraries load while the parent reads the
command line, the settings, the profile and the cache.

Loading PyAV is most of a one-file ``check`` (about 45 ms), and the parent's
own start-up (click, the profile) takes about as long. The ``media-preflight``
entry point forks this worker first thing, before anything but ``os`` is
imported, so the two run side by side on two cores. The worker loads PyAV and
the probe backends, then serves calls: the parent sends a pickled function and
its arguments, the worker answers with the pickled result (or the exception).
Native code (FFmpeg, MediaInfo, ffprobe) runs only in the worker, so a file
that hangs or crashes a prober costs a finding, not the run: each call has a
time limit, after which the worker is killed (``WorkerLost``). A run that
needs no probe (every file cached, a usage error) or that starts a pool of
workers kills it.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False   # typing and the rest are imported after the fork, not before it
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, Literal, TypeVar

    T = TypeVar("T")

_HEADER_SIZE = 8   # a message: its pickle's length (8 bytes, little-endian), then the pickle


class WorkerLost(Exception):
    """A call that did not come back: it took too long (``timeout``) or the worker died."""

    def __init__(self, kind: Literal["timeout", "crash"], detail: str = "") -> None:
        super().__init__(kind, detail)
        self.kind, self.detail = kind, detail


def worker_init() -> None:
    """A worker leads its own process group (so a kill reaches its ffprobe too), leaves
    Ctrl-C to the parent, and dies quietly (a crash becomes a finding, not a dump)."""
    import faulthandler
    import signal

    from validator.run.memory import limit_memory

    limit_memory()
    if hasattr(os, "setpgrp"):
        os.setpgrp()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    faulthandler.disable()


class ProbeWorker:
    """The parent's handle on one forked worker."""

    def __init__(self) -> None:
        request_read, self.requests = os.pipe()
        self.answers, answer_write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            os.close(self.requests)
            os.close(self.answers)
            _serve(request_read, answer_write)
        os.close(request_read)
        os.close(answer_write)
        try:  # noqa: SIM105  (contextlib is not imported yet) the child does it too: no race
            os.setpgid(self.pid, self.pid)
        except OSError:
            pass

    def call(self, function: Callable[..., T], *args: Any, timeout: float) -> T:
        """``function(*args)`` run in the worker, waiting at most ``timeout`` seconds."""
        import pickle
        import time

        try:
            _send(self.requests, pickle.dumps((function, args)))
            ok, value = pickle.loads(_receive(self.answers, time.monotonic() + timeout))
        except WorkerLost:
            self.kill()
            raise
        except (OSError, EOFError) as exc:   # the worker is gone: the pipe broke or closed
            status = self.kill()
            raise WorkerLost("crash", status or f"its pipe closed ({exc!r})") from None
        if not ok:
            raise value
        result: T = value
        return result

    def kill(self) -> str:
        """Stop the worker (and what it started) and reap it; how it ended, as text (empty
        when it was still running and this kill ended it)."""
        import contextlib
        import signal

        for fd in (self.requests, self.answers):
            with contextlib.suppress(OSError):
                os.close(fd)
        kill_group(self.pid)
        try:
            _, status = os.waitpid(self.pid, 0)
        except ChildProcessError:
            return ""
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL:
            return ""
        return describe_status(status)


def kill_group(pid: int | None) -> None:
    """SIGKILL a worker's process group (its prober too), or the process alone."""
    import contextlib
    import signal

    if pid is None:
        return
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, AttributeError):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def describe_status(status: int) -> str:
    """How a reaped process ended: ``killed by SIGSEGV``, ``exit status 1``."""
    import signal

    if os.WIFSIGNALED(status):
        return f"killed by {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"


_waiting: ProbeWorker | None = None


def start() -> None:
    """Fork the worker now, for the run to take later (once; not where there is no fork)."""
    global _waiting
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


def _serve(requests: int, answers: int) -> None:
    """The worker: load PyAV and the backends, then run each call sent until the parent
    closes the pipe."""
    status = 1
    try:
        worker_init()
        import contextlib
        import pickle

        with contextlib.suppress(ImportError):
            import av  # noqa: F401  (the point of starting early)
        from validator.probe import BACKENDS  # what the calls need, loaded while we wait

        BACKENDS["libav"].unavailable()
        while True:
            try:
                function, args = pickle.loads(_receive(requests, None))
            except EOFError:
                break
            try:
                answer = pickle.dumps((True, function(*args)))
            except Exception as exc:   # sent back and raised in the parent
                try:
                    answer = pickle.dumps((False, exc))
                except Exception:
                    answer = pickle.dumps((False, RuntimeError(repr(exc))))
            _send(answers, answer)
        status = 0
    finally:
        os._exit(status)


def _send(fd: int, payload: bytes) -> None:
    data = memoryview(len(payload).to_bytes(_HEADER_SIZE, "little") + payload)
    while data:
        data = data[os.write(fd, data):]


def _receive(fd: int, deadline: float | None) -> bytes:
    """One message; EOFError when the pipe is closed first, WorkerLost past the deadline."""
    header = _read_exactly(fd, _HEADER_SIZE, deadline)
    return _read_exactly(fd, int.from_bytes(header, "little"), deadline)


def _read_exactly(fd: int, size: int, deadline: float | None) -> bytes:
    import select
    import time

    chunks, missing = [], size
    while missing:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                raise WorkerLost("timeout")
        chunk = os.read(fd, min(missing, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)
