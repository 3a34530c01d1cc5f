"""The fork-and-serve primitive: a forked child that runs pickled calls under a deadline.

Every process that runs native code (FFmpeg, MediaInfo, ffprobe) is one of
these: the probe worker forked at start-up, each worker of the local pool, and
the child a lone batch is checked in. The child leads its own process group,
so killing it takes down whatever it started; the parent sends a pickled
function and its arguments and reads back the pickled result (or the
exception) with one pipe reader that gives up at a deadline. A call that
does not come back in time, or whose child died, raises :class:`WorkerLost`.

Only ``os`` is imported here: the entry point forks the probe worker before
anything else is loaded.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False   # typing and the rest are imported after the fork, not before it
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, Literal, TypeVar

    T = TypeVar("T")

_HEADER_SIZE = 8   # a message: its pickle's length (8 bytes, little-endian), then the pickle
_parent_ends: set[int] = set()   # the pipe ends this process holds to its live children


class WorkerLost(Exception):
    """A call that did not come back: it took too long (``timeout``) or the worker died."""

    def __init__(self, kind: Literal["timeout", "crash"], detail: str = "") -> None:
        super().__init__(kind, detail)
        self.kind, self.detail = kind, detail


def worker_init() -> None:
    """A worker leads its own process group (so a kill reaches its ffprobe too), leaves
    Ctrl-C to the parent, dies at a plain SIGTERM, and dies quietly (a crash becomes a
    finding, not a dump)."""
    import faulthandler
    import signal

    from validator.run.memory import limit_memory

    limit_memory()
    if hasattr(os, "setpgrp"):
        os.setpgrp()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _unblock_stops()
    faulthandler.disable()


def _block_stops() -> None:
    """Hold SIGINT and SIGTERM back across a fork: their handlers raise, and an exception
    raised in an at-fork hook is only printed, so the parent would not stop."""
    import _signal

    if hasattr(_signal, "pthread_sigmask"):
        _signal.pthread_sigmask(_signal.SIG_BLOCK, {_signal.SIGINT, _signal.SIGTERM})


def _fork_with_stops_held() -> int:
    """``os.fork()`` with SIGINT and SIGTERM blocked; the child unblocks them in
    :func:`worker_init`, the parent once it holds the child."""
    _block_stops()
    try:
        return os.fork()
    except BaseException:
        _unblock_stops()
        raise


def _unblock_stops() -> None:
    import _signal

    if hasattr(_signal, "pthread_sigmask"):
        _signal.pthread_sigmask(_signal.SIG_UNBLOCK, {_signal.SIGINT, _signal.SIGTERM})


class Forked:
    """The parent's handle on one forked child serving calls; ``prepare`` runs in the child
    first (to load what the calls need while the parent goes on)."""

    def __init__(self, prepare: Callable[[], None] | None = None) -> None:
        request_read, self.requests = os.pipe()
        self.answers, answer_write = os.pipe()
        self.reaped = False
        self.pid = _fork_with_stops_held()
        if self.pid == 0:
            self._serve(request_read, answer_write, prepare)
        os.close(request_read)
        os.close(answer_write)
        _parent_ends.update((self.requests, self.answers))
        try:  # noqa: SIM105  (contextlib is not imported yet) the child does it too: no race
            os.setpgid(self.pid, self.pid)
        except OSError:
            pass
        try:
            _unblock_stops()   # a stop that came meanwhile is raised now: take the child too
        except BaseException:
            self.kill()
            raise

    def _serve(self, requests: int, answers: int, prepare: Callable[[], None] | None) -> None:
        """In the child: close the parent's ends (and its siblings', so that each child sees
        EOF when the parent dies), then serve."""
        for fd in (self.requests, self.answers, *_parent_ends):
            os.close(fd)
        _parent_ends.clear()
        _serve(requests, answers, prepare)

    def send(self, function: Callable[..., Any], *args: Any) -> None:
        """Start ``function(*args)`` in the child; :meth:`receive` gets its result."""
        import pickle

        try:
            write_message(self.requests, pickle.dumps((function, args)))
        except OSError as exc:   # the child is gone: its pipe broke
            raise self._lost(exc) from None

    def receive(self, deadline: float | None) -> Any:
        """The result of the call sent, waiting until ``deadline`` (``time.monotonic()``);
        its exception is raised here. The child is killed when the call is lost."""
        import pickle

        try:
            ok, value = pickle.loads(read_message(self.answers, deadline))
        except WorkerLost:
            self.kill()
            raise
        except (OSError, EOFError) as exc:
            raise self._lost(exc) from None
        if not ok:
            raise value
        return value

    def call(self, function: Callable[..., T], *args: Any, timeout: float) -> T:
        """``function(*args)`` run in the child, waiting at most ``timeout`` seconds."""
        import time

        self.send(function, *args)
        result: T = self.receive(time.monotonic() + timeout)
        return result

    def _lost(self, exc: BaseException) -> WorkerLost:
        status = self.kill()
        return WorkerLost("crash", status or f"its pipe closed ({exc!r})")

    def kill(self) -> str:
        """Stop the child (and what it started) and reap it; how it ended, as text (empty
        when it was still running and this kill ended it)."""
        import signal

        if self.reaped:
            return ""
        for fd in (self.requests, self.answers):
            _parent_ends.discard(fd)
            os.close(fd)
        kill_group(self.pid)
        self.reaped = True
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


def _serve(requests: int, answers: int, prepare: Callable[[], None] | None) -> None:
    """The child: prepare, then run each call sent until the parent closes the pipe."""
    status = 1
    try:
        worker_init()
        import pickle

        if prepare is not None:
            prepare()
        while True:
            try:
                function, args = pickle.loads(read_message(requests, None))
            except EOFError:
                break
            write_message(answers, _answer(function, args))
        status = 0
    finally:
        os._exit(status)


def _answer(function: Callable[..., Any], args: tuple[Any, ...]) -> bytes:
    """The pickled outcome of a call: (True, its value) or (False, its exception)."""
    import pickle

    try:
        return pickle.dumps((True, function(*args)))
    except Exception as exc:   # sent back and raised in the parent
        try:
            return pickle.dumps((False, exc))
        except Exception:
            return pickle.dumps((False, RuntimeError(repr(exc))))


def write_message(fd: int, payload: bytes) -> None:
    """Write one message (its length, then ``payload``) whole."""
    data = memoryview(len(payload).to_bytes(_HEADER_SIZE, "little") + payload)
    while data:
        data = data[os.write(fd, data):]


def read_message(fd: int, deadline: float | None) -> bytes:
    """One message; EOFError when the pipe is closed first, WorkerLost when the deadline
    passes with nothing to read (what was written in time is read whenever it is asked for)."""
    header = _read_exactly(fd, _HEADER_SIZE, deadline)
    return _read_exactly(fd, int.from_bytes(header, "little"), deadline)


def _read_exactly(fd: int, size: int, deadline: float | None) -> bytes:
    import select
    import time

    chunks, missing = [], size
    while missing:
        if deadline is not None:
            remaining = max(0.0, deadline - time.monotonic())
            if not select.select([fd], [], [], remaining)[0]:
                raise WorkerLost("timeout")
        chunk = os.read(fd, min(missing, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)
