"""Running checks: batches of paths to worker processes, in input order, under a time limit.

Probes run in worker processes (forked, each in its own process group), never
in the caller: a file that makes a native library spin or crash costs that
file a finding, and the run goes on. A batch that does not finish in time, or
whose worker died, is re-run one file at a time on a fresh pool, so the guilty
file is named and the others still get their real verdicts. Unchanged files
are answered from the result cache without a probe.
"""

from __future__ import annotations

import functools
import os
import pickle
import select
import sys
import time
from collections import deque
from collections.abc import Iterator
from typing import TYPE_CHECKING

from validator.check.arbitration import inspect_file
from validator.check.engine import evaluate
from validator.profiles.profile import Profile
from validator.records.facts import MediaFacts, ProblemKind
from validator.records.findings import Report, printable_path
from validator.records.redact import is_url
from validator.run.cache import FileKey, ResultCache, file_key
from validator.run.discover import WalkError
from validator.run.prefork import ProbeWorker, WorkerLost, describe_status, kill_group, worker_init

if TYPE_CHECKING:   # concurrent.futures is imported when a pool or an executor is used
    from concurrent.futures import Executor, Future, ProcessPoolExecutor

BATCH_SIZE = 8
DEFAULT_TIMEOUT = 30.0
_PER_ITEM_SLACK = 0.5

Item = str | WalkError


def check_batch(items: list[Item], profile: Profile, probe: str) -> list[Report]:
    """Check a batch of paths in one task (what a worker process runs)."""
    return [check_item(item, profile, probe) for item in items]


def check_item(item: Item, profile: Profile, probe: str) -> Report:
    """One path's report (a folder that could not be listed becomes a file-access report)."""
    if isinstance(item, WalkError):
        return problem_report(item.path, profile, "io", f"cannot list folder: {item.reason}")
    return inspect_file(item, profile, probe)


def problem_report(path: str, profile: Profile, kind: ProblemKind, problem: str) -> Report:
    """A report for a file the pipeline could not finish with."""
    facts = MediaFacts(path=path, source="media-preflight", problem=problem, problem_kind=kind)
    return Report.from_findings(path, evaluate(profile, facts), facts)


class _Batch:
    """Paths sent to a worker together; submitted when full or when a result is awaited."""

    def __init__(self) -> None:
        self.items: list[Item] = []
        self.keys: list[FileKey | None] = []
        self.future: Future[list[Report]] | None = None
        self.reports: list[Report] | None = None


_Slot = Report | tuple[_Batch, int]


class WorkerPool:
    """A process pool it can kill and replace when a worker hangs or dies."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    @property
    def started(self) -> bool:
        """Whether worker processes are running."""
        return self._pool is not None

    def submit(self, items: list[Item], profile: Profile, probe: str) -> Future[list[Report]]:
        if self._pool is None:
            self._pool = _new_pool(self.workers)
        return self._pool.submit(check_batch, items, profile, probe)

    def restart(self) -> None:
        """Kill every worker (and what it started, such as ffprobe) and start afresh."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        for process in list(getattr(pool, "_processes", {}).values()):
            kill_group(process.pid)
        pool.shutdown(wait=True, cancel_futures=True)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _new_pool(workers: int) -> ProcessPoolExecutor:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from validator.run import prefork

    prefork.discard()   # the pool forks its own workers
    _warm_up_backends()
    context = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
    return ProcessPoolExecutor(max_workers=workers, mp_context=context,
                               initializer=worker_init)


@functools.cache
def _warm_up_backends() -> None:
    """Import the probe libraries once in this process, so forked workers start with them
    loaded (once: it runs before every forked batch)."""
    from validator.probe import BACKENDS

    for backend in BACKENDS.values():
        backend.unavailable()


class ForkFailed(Exception):
    """A forked check did not return: it timed out or its process died."""

    def __init__(self, kind: ProblemKind, detail: str) -> None:
        super().__init__(kind, detail)
        self.kind, self.detail = kind, detail


def run_forked(items: list[Item], profile: Profile, probe: str, timeout: float) -> list[Report]:
    """Check a batch in a forked child (a millisecond to start) and wait at most ``timeout``."""
    pid, read_end = _fork(items, profile, probe)
    try:
        payload = _read_all(read_end, timeout)
    except BaseException:   # interrupted: take the child (and its prober) down with us
        kill_group(pid)
        os.waitpid(pid, 0)
        raise
    finally:
        os.close(read_end)
    if payload is None:
        kill_group(pid)
        os.waitpid(pid, 0)
        raise ForkFailed("timeout", "")
    _, status = os.waitpid(pid, 0)
    if status != 0 or not payload:
        raise ForkFailed("crash", describe_status(status))
    reports: list[Report] = pickle.loads(payload)
    return reports


def _fork(items: list[Item], profile: Profile, probe: str) -> tuple[int, int]:
    """Fork a child that checks the batch: its pid and the end to read its reports from."""
    _warm_up_backends()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: check, send the pickled reports, leave without cleanup
        status = 1
        try:
            worker_init()
            os.close(read_end)
            sent = pickle.dumps(check_batch(items, profile, probe))
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(sent)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    return pid, read_end


def _read_all(fd: int, timeout: float) -> bytes | None:
    """Everything written to a pipe until EOF, or None if that takes longer than ``timeout``."""
    deadline = time.monotonic() + timeout
    chunks: list[bytes] = []
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            return None
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _budget(timeout: float, count: int) -> float:
    return timeout + _PER_ITEM_SLACK * count


def failed_report(item: Item, profile: Profile, timeout: float, kind: ProblemKind,
                  detail: str = "") -> Report:
    """The report for a file whose probe hung (``timeout``) or died (``crash``)."""
    if kind == "timeout":
        problem = f"probing did not finish within {timeout:g} s (the prober hangs on it)"
    else:
        problem = f"the prober crashed while reading it ({detail})"
    path = item.path if isinstance(item, WalkError) else item
    return problem_report(printable_path(path), profile, kind, problem)


def check_batch_guarded(items: list[Item], profile: Profile, probe: str,
                        timeout: float) -> list[Report]:
    """A batch checked in a forked child under the time limit; on a hang or a crash, file by
    file, so only the guilty file gets the finding. Also what cluster workers run."""
    try:
        return run_forked(items, profile, probe, _budget(timeout, len(items)))
    except ForkFailed as failure:
        if len(items) == 1:
            return [failed_report(items[0], profile, timeout, failure.kind, failure.detail)]
        return [check_batch_guarded([item], profile, probe, timeout)[0] for item in items]


class WorkerProbes:
    """The probe backends run by a worker process, each read under the time limit."""

    def __init__(self, worker: ProbeWorker, timeout: float) -> None:
        self.worker, self.timeout = worker, timeout
        self._available: dict[str, bool] = {}

    def read(self, path: str, backend: str) -> MediaFacts:
        from validator.probe import read_named

        return self.worker.call(read_named, path, backend, timeout=self.timeout)

    def available(self, backend: str) -> bool:
        from validator.probe import available

        if backend not in self._available:
            self._available[backend] = self.worker.call(available, backend,
                                                         timeout=self.timeout)
        return self._available[backend]


def check_with_worker(worker: ProbeWorker, items: list[Item], profile: Profile, probe: str,
                      timeout: float) -> list[Report]:
    """Check a batch here, its probes (all native code) run by ``worker``, which is killed at
    the end; a file on which the worker hangs or dies gets the finding, and the rest of the
    batch goes to :func:`check_batch_guarded`."""
    probes = WorkerProbes(worker, timeout)
    reports: list[Report] = []
    try:
        for index, item in enumerate(items):
            try:
                if isinstance(item, WalkError):   # nothing to probe
                    report = check_item(item, profile, probe)
                elif is_url(item):   # read over HTTP by PyAV: the whole check in the worker
                    report = worker.call(check_item, item, profile, probe,
                                         timeout=_budget(timeout, 1))
                else:
                    report = inspect_file(item, profile, probe, probes)
            except WorkerLost as lost:
                reports.append(failed_report(item, profile, timeout, lost.kind, lost.detail))
                rest = items[index + 1:]
                return reports + (check_batch_guarded(rest, profile, probe, timeout)
                                  if rest else [])
            reports.append(report)
        return reports
    finally:
        worker.kill()


class Scheduler:
    """Hands misses to workers in batches, answers hits from the cache, keeps input order."""

    def __init__(self, profile: Profile, probe: str, workers: int, timeout: float,
                 cache: ResultCache | None = None, executor: Executor | None = None) -> None:
        self.profile, self.probe, self.cache, self.timeout = profile, probe, cache, timeout
        self.executor = executor
        self.forked = executor is None and workers <= 1 and hasattr(os, "fork")
        self.pool = WorkerPool(workers) if executor is None and not self.forked else None
        self.open_batch = _Batch()
        self.outstanding: list[_Batch] = []
        self.input_done = False

    def slot(self, item: Item) -> _Slot:
        """A cached report, or a place in the batch that will produce it."""
        key = None
        if self.cache is not None and isinstance(item, str):
            key = file_key(item)
            cached = self.cache.get(key) if key is not None else None
            if cached is not None:
                return cached.relocated(printable_path(item))
        if len(self.open_batch.items) >= BATCH_SIZE:
            self.submit(self.open_batch)
            self.open_batch = _Batch()
        batch = self.open_batch
        batch.items.append(item)
        batch.keys.append(key)
        return batch, len(batch.items) - 1

    def submit(self, batch: _Batch) -> None:
        """Send a batch to the workers (once)."""
        if batch.future is not None or batch.reports is not None or not batch.items:
            return
        if self.forked or self._lone_batch():
            batch.reports = self._run_forked(batch.items)
            self._remember(batch)
            return
        if self.executor is not None:
            batch.future = self.executor.submit(check_batch_guarded, batch.items, self.profile,
                                                self.probe, self.timeout)
        else:
            assert self.pool is not None
            batch.future = self.pool.submit(batch.items, self.profile, self.probe)
        self.outstanding.append(batch)

    def _lone_batch(self) -> bool:
        """True for the run's only batch: one forked child is quicker than starting a pool."""
        return (self.pool is not None and not self.pool.started and not self.outstanding
                and self.input_done)

    def resolve(self, slot: _Slot) -> Report:
        """The report for a slot, waiting for its batch if need be."""
        if isinstance(slot, Report):
            return slot
        batch, index = slot
        if batch.reports is None:
            self.submit(batch)
        if batch.reports is None:
            batch.reports = self._wait(batch)
            if batch in self.outstanding:
                self.outstanding.remove(batch)
            self._remember(batch)
        return batch.reports[index]

    def _wait(self, batch: _Batch) -> list[Report]:
        self.submit(batch)
        assert batch.future is not None
        if self.pool is None:   # an executor we do not own: its own retries apply
            return batch.future.result()
        from concurrent.futures import BrokenExecutor
        from concurrent.futures import TimeoutError as FutureTimeout

        try:
            return batch.future.result(timeout=self._budget(len(batch.items)))
        except (FutureTimeout, BrokenExecutor):
            return self._recover(batch)

    def _run_forked(self, items: list[Item]) -> list[Report]:
        from validator.run import prefork

        worker = prefork.take()
        if worker is not None:
            return check_with_worker(worker, items, self.profile, self.probe, self.timeout)
        return check_batch_guarded(items, self.profile, self.probe, self.timeout)

    def _budget(self, count: int) -> float:
        return _budget(self.timeout, count)

    def _recover(self, batch: _Batch) -> list[Report]:
        """Replace the pool, requeue what was lost, and re-run this batch file by file."""
        self._restart()
        return [self._run_alone(item) for item in batch.items]

    def _restart(self) -> None:
        assert self.pool is not None
        self.pool.restart()
        for other in self.outstanding:
            other.future = None
        self.outstanding.clear()

    def _run_alone(self, item: Item) -> Report:
        assert self.pool is not None
        from concurrent.futures import BrokenExecutor
        from concurrent.futures import TimeoutError as FutureTimeout

        future = self.pool.submit([item], self.profile, self.probe)
        try:
            return future.result(timeout=self._budget(1))[0]
        except FutureTimeout:
            self._restart()
            return self._failed(item, "timeout")
        except BrokenExecutor:
            self._restart()
            return self._failed(item, "crash", "its worker process died")

    def _failed(self, item: Item, kind: ProblemKind, detail: str = "") -> Report:
        return failed_report(item, self.profile, self.timeout, kind, detail)

    def _remember(self, batch: _Batch) -> None:
        if self.cache is None or batch.reports is None:
            return
        for key, report in zip(batch.keys, batch.reports, strict=True):
            failed = report.media is not None and report.media.problem_kind in (
                "io", "timeout", "crash", "setup")
            if key is not None and not failed:
                self.cache.put(key, report)

    def close(self, kill: bool = False) -> None:
        """Stop the workers: let them finish, or (on an interrupted run) kill them."""
        if self.pool is not None:
            if kill:
                self.pool.restart()
            else:
                self.pool.close()
        if self.cache is not None:
            self.cache.close()


def schedule(items: Iterator[Item], scheduler: Scheduler, window: int) -> Iterator[Report]:
    """Reports for the items, in order, with at most ``window`` items in flight."""
    pending: deque[_Slot] = deque()
    finished = False
    try:
        for item in items:
            pending.append(scheduler.slot(item))
            while len(pending) > window:
                yield scheduler.resolve(pending.popleft())
        scheduler.input_done = True
        scheduler.submit(scheduler.open_batch)
        while pending:
            yield scheduler.resolve(pending.popleft())
        finished = True
    finally:
        scheduler.close(kill=not finished)
