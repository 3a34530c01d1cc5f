"""Checking on a Dask cluster: ``--scheduler tcp://HOST:PORT`` or ``--scheduler local:N``.

``validate_many(..., executor=...)`` takes any ``concurrent.futures.Executor``;
:func:`open_executor` gives one backed by a ``dask.distributed`` client, so
batches of paths run on the cluster's workers and come back as they finish.
A worker that dies loses only the batches it held: the scheduler runs them
again on another worker, and each batch's result is taken once.

Workers read the files themselves, so they must see the same file system at
the same paths and have the same media-preflight installed;
:func:`check_visibility` asks each of them before a run. Dask is imported only
here, so runs without ``--scheduler`` never load it (``pip install
'media-preflight[dask]'``).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import CancelledError, Executor, Future
from contextlib import contextmanager
from functools import partial
from itertools import islice
from typing import Any, NamedTuple, TypeVar

from validator._version import __version__
from validator.records.errors import UsageError

T = TypeVar("T")

SCHEDULER_HELP = ("tcp://HOST:PORT (a running Dask scheduler) "
                  "or local:N (a local cluster of N workers)")
_ADDRESS = re.compile(r"(tcp|tls|ws|wss)://[^\s/]+:\d+")
_LOCAL = re.compile(r"local:(\d+)")
CONNECT_TIMEOUT = "10s"
WORKER_WAIT_S = 30.0
SAMPLE_FILES = 4
SAMPLE_ROOTS = 8


class ClusterError(UsageError):
    """The cluster cannot run the check: no dask, unreachable, or a worker cannot see a path."""


class WorkerView(NamedTuple):
    """What one worker reports about itself and the sample paths."""

    version: str
    cwd: str
    unseen: list[tuple[str, str]]


def parse_scheduler(text: str) -> int | str:
    """``local:N`` gives N (workers to start); an address gives itself; else ClusterError."""
    local = _LOCAL.fullmatch(text)
    if local and int(local.group(1)) >= 1:
        return int(local.group(1))
    if _ADDRESS.fullmatch(text):
        return text
    raise ClusterError(f"--scheduler {text!r}: expected {SCHEDULER_HELP}")


def _import_distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise ClusterError("--scheduler needs dask.distributed: "
                           "pip install 'media-preflight[dask]'") from None
    return distributed


@contextmanager
def open_executor(scheduler: str) -> Iterator[ClusterExecutor]:
    """An Executor on the cluster ``scheduler`` names; closes the client (and a local cluster)."""
    target = parse_scheduler(scheduler)
    distributed = _import_distributed()
    cluster = None
    if isinstance(target, int):   # its workers' logs stay quiet: failures come back as errors
        cluster = distributed.LocalCluster(
            n_workers=target, threads_per_worker=1, processes=True, host="127.0.0.1",
            dashboard_address=None, silence_logs=logging.CRITICAL,
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"})  # its HTTP server: any port
    try:
        client = _connect(distributed, cluster if cluster is not None else scheduler, scheduler)
        try:
            yield ClusterExecutor(client)
        finally:
            client.close()
    finally:
        if cluster is not None:
            cluster.close()


def _connect(distributed: Any, address: object, scheduler: str) -> Any:
    try:
        return distributed.Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None


class ClusterExecutor(Executor):
    """A ``concurrent.futures`` Executor that runs calls as tasks on a Dask cluster.

    Each call is its own task (never merged with an equal one); a task whose
    worker died is rerun by the scheduler elsewhere. Cluster failures come back
    as :class:`ClusterError` from the future.
    """

    def __init__(self, client: Any) -> None:
        self.client = client
        self._executor = client.get_executor(pure=False)

    @property
    def workers(self) -> int:
        """How many tasks the cluster runs at once now: the sum of its workers' threads."""
        threads: dict[str, int] = self.client.nthreads()
        return max(1, sum(threads.values()))

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        inner = self._executor.submit(fn, *args, **kwargs)
        outer: Future[T] = Future()
        inner.add_done_callback(partial(_settle, outer, _describe(args)))
        return outer

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._executor.shutdown(wait=wait and not cancel_futures)


def _describe(args: tuple[Any, ...]) -> str:
    """'a batch of 8 files from clip.mp4' for a check_batch call, else 'a task'."""
    items = args[0] if args and isinstance(args[0], list) else None
    if not items:
        return "a task"
    first = items[0] if isinstance(items[0], str) else getattr(items[0], "path", items[0])
    return f"a batch of {len(items)} files from {first}"


def _settle(outer: Future[T], what: str, inner: Future[T]) -> None:
    """Pass the cluster task's outcome on, with cluster failures as ClusterError."""
    if inner.cancelled():
        outer.set_exception(ClusterError(
            f"the Dask cluster dropped {what} (lost the connection to the scheduler?)"))
        return
    exc = inner.exception()
    if exc is None:
        outer.set_result(inner.result())
    elif type(exc).__name__ == "KilledWorker":
        outer.set_exception(ClusterError(
            f"every worker that ran {what} died ({exc}); a file in it may crash the prober: "
            "check that batch without --scheduler to find it"))
    elif isinstance(exc, CancelledError):
        outer.set_exception(ClusterError(f"the Dask cluster cancelled {what}: {exc}"))
    else:
        outer.set_exception(exc)


def visibility_sample(roots: Iterable[str], discovered: Iterable[object]) -> list[str]:
    """A few paths to ask the workers about: the named ones and the first files found.

    Only paths this machine can stat are asked about; the others get their usual
    file-access report in the run itself.
    """
    files = (item for item in discovered if isinstance(item, str))
    sample = list(islice(roots, SAMPLE_ROOTS)) + list(islice(files, SAMPLE_FILES))
    return [path for path in dict.fromkeys(sample) if os.path.exists(path)]


def look(paths: list[str]) -> WorkerView:
    """Run on a worker: its media-preflight version, working folder, and paths it cannot stat."""
    unseen = []
    for path in paths:
        try:
            os.stat(path)
        except OSError as exc:
            unseen.append((path, exc.strerror or str(exc)))
    return WorkerView(__version__, os.getcwd(), unseen)


def check_visibility(client: Any, sample_paths: list[str]) -> None:
    """Ask every worker whether it runs this version and can stat the sample paths.

    Raises ClusterError naming the first worker and path that fail (or when no
    worker joins within ``WORKER_WAIT_S`` seconds).
    """
    try:
        client.wait_for_workers(1, timeout=WORKER_WAIT_S)
    except TimeoutError:
        raise ClusterError(f"no Dask worker joined the scheduler in {WORKER_WAIT_S:g} s") from None
    views = client.run(look, list(sample_paths), on_error="return")
    for worker, view in sorted(views.items()):
        problem = _worker_problem(view)
        if problem:
            raise ClusterError(f"worker {worker} {problem}")


def _worker_problem(view: WorkerView | BaseException) -> str | None:
    """Why a worker cannot take part in the run, or None."""
    if isinstance(view, BaseException):
        return (f"cannot run media-preflight ({type(view).__name__}: {view}); install "
                f"media-preflight {__version__} on every worker")
    if view.version != __version__:
        return (f"runs media-preflight {view.version}, this machine {__version__}: install "
                "the same version on every worker")
    if not view.unseen:
        return None
    path, reason = view.unseen[0]
    where = f" (relative to its working folder {view.cwd})" if not os.path.isabs(path) else ""
    return (f"cannot see {path}{where}: {reason}. Workers read the files themselves: they must "
            "see the same file system at the same paths (give absolute paths on shared storage)")
