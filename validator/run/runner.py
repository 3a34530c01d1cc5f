"""One interface for running batches of paths, whatever runs them.

A :class:`Runner` takes batches (``submit``), hands back each one's reports
(``wait``, in any order the caller asks) and stops its workers (``close``,
killing them on an interrupted run). It never reorders, caches or windows:
that is :mod:`validator.run.order`'s job. The runners:

- :class:`~validator.run.pool.PoolRunner`, the local worker pool (forked
  children, one per CPU at most);
- :class:`PreforkedRunner`, the probe worker forked at start-up, for a run's
  lone small batch;
- :class:`ExecutorRunner`, any ``concurrent.futures.Executor`` (a Dask
  cluster's), whose workers run :func:`~validator.run.work.check_batch_guarded`;
- :class:`SerialRunner`, in this process, where there is no ``fork``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from validator.check.arbitration import inspect_file
from validator.profiles.profile import Profile
from validator.records.facts import MediaFacts
from validator.records.findings import Report
from validator.records.redact import is_url
from validator.run.cache import FileKey
from validator.run.discover import WalkError
from validator.run.forked import Forked, WorkerLost
from validator.run.memory import DEFAULT_MAX_MEMORY
from validator.run.work import (
    GuardedSecondOpinions,
    Item,
    budget,
    check_batch,
    check_batch_guarded,
    check_item,
    failed_report,
)

if TYPE_CHECKING:   # concurrent.futures is imported when an executor is used
    from concurrent.futures import Executor, Future


class Batch:
    """Paths checked together; ``keys`` are their result-cache keys (None: not cached)."""

    def __init__(self) -> None:
        self.items: list[Item] = []
        self.keys: list[FileKey | None] = []


class Job:
    """What every runner is given: the profile, the probe, the time limit per file and the
    memory bound of the probe processes."""

    def __init__(self, profile: Profile, probe: str, timeout: float,
                 max_memory: int | None = DEFAULT_MAX_MEMORY) -> None:
        self.profile, self.probe, self.timeout = profile, probe, timeout
        self.max_memory = max_memory

    def guarded(self, items: list[Item]) -> list[Report]:
        """``items`` checked in forked children, file by file after a hang or a crash."""
        return check_batch_guarded(items, self.profile, self.probe, self.timeout,
                                   self.max_memory)

    def failed(self, item: Item, lost: WorkerLost) -> Report:
        return failed_report(item, self.profile, self.timeout, lost)


class Runner(Protocol):
    """Runs batches: started by ``submit``, their reports from ``wait``."""

    def submit(self, batch: Batch) -> None:
        """Start running ``batch`` (once)."""

    def wait(self, batch: Batch) -> list[Report]:
        """The reports of a submitted batch, in its order (waiting if need be)."""

    def close(self, kill: bool = False) -> None:
        """Stop the workers: after a finished run, or (``kill``) an interrupted one."""


class ExecutorRunner:
    """Batches as tasks of an Executor we do not own (its own retries apply)."""

    def __init__(self, job: Job, executor: Executor) -> None:
        self.job, self.executor = job, executor
        self._futures: dict[Batch, Future[list[Report]]] = {}

    def submit(self, batch: Batch) -> None:
        job = self.job
        self._futures[batch] = self.executor.submit(check_batch_guarded, batch.items,
                                                    job.profile, job.probe, job.timeout,
                                                    job.max_memory)

    def wait(self, batch: Batch) -> list[Report]:
        return self._futures.pop(batch).result()

    def close(self, kill: bool = False) -> None:
        """Forget the batches not awaited; the executor's owner shuts it down."""
        self._futures.clear()


class SerialRunner:
    """Each batch checked here, when awaited: no isolation, for systems without ``fork``."""

    def __init__(self, job: Job) -> None:
        self.job = job

    def submit(self, batch: Batch) -> None:
        """Nothing to start: the batch runs when awaited."""

    def wait(self, batch: Batch) -> list[Report]:
        return check_batch(batch.items, self.job.profile, self.job.probe)

    def close(self, kill: bool = False) -> None:
        """Nothing runs between calls."""


class WorkerProbes:
    """The probe backends run by a worker process, each read under the time limit."""

    def __init__(self, worker: Forked, timeout: float) -> None:
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


class PreforkedRunner:
    """A batch checked here with its probes (all native code) run by the probe worker forked
    at start-up; a file on which the worker hangs or dies gets the finding, and the rest of
    the batch is checked guarded. The worker serves one batch and is killed after it."""

    def __init__(self, job: Job, worker: Forked) -> None:
        self.job, self.worker = job, worker
        self.probes = GuardedSecondOpinions(WorkerProbes(worker, job.timeout), job.timeout)

    def submit(self, batch: Batch) -> None:
        """Nothing to start: the batch runs when awaited (it is the run's only one)."""

    def wait(self, batch: Batch) -> list[Report]:
        try:
            return self._check(batch.items)
        finally:
            self.worker.kill()

    def _check(self, items: list[Item]) -> list[Report]:
        reports: list[Report] = []
        for index, item in enumerate(items):
            try:
                reports.append(self._check_one(item))
            except WorkerLost as lost:
                rest = items[index + 1:]
                return [*reports, self.job.failed(item, lost),
                        *(self.job.guarded(rest) if rest else [])]
        return reports

    def _check_one(self, item: Item) -> Report:
        job = self.job
        if isinstance(item, WalkError):   # nothing to probe
            return check_item(item, job.profile, job.probe)
        if is_url(item):   # read over HTTP by PyAV: the whole check in the worker
            report: Report = self.worker.call(check_item, item, job.profile, job.probe,
                                              timeout=budget(job.timeout, 1))
            return report
        return inspect_file(item, job.profile, job.probe, self.probes)

    def close(self, kill: bool = False) -> None:
        self.worker.kill()
