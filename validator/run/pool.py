"""The local worker pool: batches checked in forked children, several at once.

Workers are :class:`~validator.run.forked.Forked` children, forked when a
batch is waiting and none is idle, never more than ``workers`` (so never more
than there are batches in flight). Each batch has its budget from the moment a
worker takes it; a worker that overruns it is killed with its process group,
and a worker that dies loses only its own batch. Such a batch is checked again
file by file (:func:`~validator.run.work.retry_one_by_one`), so only the
guilty file gets the finding.
"""

from __future__ import annotations

import os
import select
import time
from collections import deque
from typing import NamedTuple

from validator.records.findings import Report
from validator.run import prefork
from validator.run.discover import note
from validator.run.forked import Forked, WorkerLost
from validator.run.runner import Batch, Job
from validator.run.work import budget, check_batch, retry_one_by_one, warm_up_backends


def cpu_count() -> int:
    """How many CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def bounded_workers(requested: int | None) -> int:
    """Worker processes for a run: as requested (default: one per CPU), but never more than
    the CPUs, with a note when a request is lowered."""
    cpus = cpu_count()
    if requested is None:
        return cpus
    if requested > cpus:
        note("%d jobs requested; running %d worker processes, one per CPU", requested, cpus)
        return cpus
    return max(1, requested)


class _Task(NamedTuple):
    worker: Forked
    batch: Batch
    deadline: float


class PoolRunner:
    """Up to ``workers`` forked children, each checking one batch at a time."""

    def __init__(self, job: Job, workers: int) -> None:
        self.job, self.limit = job, max(1, workers)
        self.workers: list[Forked] = []
        self._idle: list[Forked] = []
        self._queue: deque[Batch] = deque()
        self._busy: dict[int, _Task] = {}   # by the worker's answer pipe
        self._done: dict[Batch, list[Report]] = {}

    def submit(self, batch: Batch) -> None:
        self._queue.append(batch)
        self._dispatch()

    def wait(self, batch: Batch) -> list[Report]:
        while batch not in self._done:
            self._dispatch()
            if not self._busy:
                raise RuntimeError("waiting for a batch that was never submitted")
            self._collect()
        return self._done.pop(batch)

    def close(self, kill: bool = False) -> None:
        """Kill every worker (each is idle once its batch is in): there is nothing to wait
        for but their exit."""
        for worker in self.workers:
            worker.kill()
        self.workers.clear()
        self._idle.clear()
        self._busy.clear()
        self._queue.clear()

    def _dispatch(self) -> None:
        while self._queue and (self._idle or len(self.workers) < self.limit):
            batch = self._queue.popleft()
            worker = self._idle.pop() if self._idle else self._fork()
            try:
                worker.send(check_batch, batch.items, self.job.profile, self.job.probe,
                            self.job.timeout)
            except WorkerLost as lost:
                self._lost(worker, batch, lost)
                continue
            deadline = time.monotonic() + budget(self.job.timeout, len(batch.items))
            self._busy[worker.answers] = _Task(worker, batch, deadline)

    def _fork(self) -> Forked:
        if not self.workers:
            prefork.discard()   # this pool forks its own workers
            warm_up_backends()
        worker = Forked()
        self.workers.append(worker)
        return worker

    def _collect(self) -> None:
        """Wait for the first answer or the first deadline, and take what is there."""
        if not self._busy:
            return
        first = min(task.deadline for task in self._busy.values())
        ready, _, _ = select.select(list(self._busy), [], [], max(0.0, first - time.monotonic()))
        for fd in ready:
            self._take(self._busy.pop(fd))
        self._expire()

    def _expire(self) -> None:
        """Batches past their deadline with no answer written: their workers hung. (One that
        answered in time while a lost batch was being retried here is taken.)"""
        now = time.monotonic()
        late = [fd for fd, task in self._busy.items() if task.deadline <= now]
        answered = set(select.select(late, [], [], 0)[0]) if late else set()
        for fd in late:
            task = self._busy.pop(fd)
            if fd in answered:
                self._take(task)
            else:
                self._lost(task.worker, task.batch, WorkerLost("timeout"))

    def _take(self, task: _Task) -> None:
        try:
            reports: list[Report] = task.worker.receive(task.deadline)
        except WorkerLost as lost:
            self._lost(task.worker, task.batch, lost)
        except BaseException:
            self._idle.append(task.worker)
            raise
        else:
            self._idle.append(task.worker)
            self._done[task.batch] = reports

    def _lost(self, worker: Forked, batch: Batch, lost: WorkerLost) -> None:
        """A worker that hung or died: gone, and its batch checked again file by file."""
        worker.kill()
        self.workers.remove(worker)
        items, job = batch.items, self.job
        self._done[batch] = ([job.failed(items[0], lost)] if len(items) == 1
                             else retry_one_by_one(items, job.profile, job.probe, job.timeout,
                                                job.max_memory))
