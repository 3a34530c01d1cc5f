"""Reports in input order: batches out to a runner, a bounded window in flight, cache hits
answered on the spot.

:func:`schedule` walks the items, gives each a slot (a cached report, or a
place in a batch) and yields the slots' reports in input order, with at most
``window`` items in flight, so memory stays flat however many files there are.
What runs the batches is a :class:`~validator.run.runner.Runner`, chosen by
:func:`open_runner`: the local pool, or an executor; a run's lone batch goes to
the probe worker forked at start-up when there is one.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterator
from typing import TYPE_CHECKING

from validator.records.findings import Report, printable_path
from validator.run import prefork
from validator.run.cache import ResultCache, file_key
from validator.run.pool import PoolRunner
from validator.run.runner import Batch, ExecutorRunner, Job, PreforkedRunner, Runner, SerialRunner
from validator.run.work import Item

if TYPE_CHECKING:
    from concurrent.futures import Executor

BATCH_SIZE = 8

_Slot = Report | tuple[Batch, int]


def open_runner(job: Job, workers: int, executor: Executor | None = None) -> Runner:
    """The runner for a run: ``executor``'s, else a pool of ``workers`` forked children (in
    this process where there is no fork)."""
    if executor is not None:
        return ExecutorRunner(job, executor)
    if not hasattr(os, "fork"):
        return SerialRunner(job)
    return PoolRunner(job, workers)


class Scheduler:
    """Hands misses to a runner in batches, answers hits from the cache, keeps each batch's
    reports until their slots are read."""

    def __init__(self, job: Job, runner: Runner, cache: ResultCache | None = None) -> None:
        self.job, self.runner, self.cache = job, runner, cache
        self.open_batch = Batch()
        self.input_done = False
        self._running: dict[Batch, Runner] = {}
        self._reports: dict[Batch, list[Report]] = {}
        self._lone: Runner | None = None

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
            self.open_batch = Batch()
        batch = self.open_batch
        batch.items.append(item)
        batch.keys.append(key)
        return batch, len(batch.items) - 1

    def submit(self, batch: Batch) -> None:
        """Send a batch to its runner (once)."""
        if batch in self._running or batch in self._reports or not batch.items:
            return
        runner = self._lone_runner() or self.runner
        runner.submit(batch)
        self._running[batch] = runner

    def _lone_runner(self) -> Runner | None:
        """For the run's only batch, the probe worker forked at start-up: quicker than a
        pool (only for a local run: an executor's workers read the files)."""
        if self._running or self._reports or not self.input_done:
            return None
        if not isinstance(self.runner, PoolRunner) or self.runner.workers:
            return None
        worker = prefork.take()
        if worker is not None:
            self._lone = PreforkedRunner(self.job, worker)
        return self._lone

    def resolve(self, slot: _Slot) -> Report:
        """The report for a slot, waiting for its batch if need be."""
        if isinstance(slot, Report):
            return slot
        batch, index = slot
        if batch not in self._reports:
            self.submit(batch)
            self._reports[batch] = self._running.pop(batch).wait(batch)
            self._remember(batch)
        reports = self._reports[batch]
        if index == len(reports) - 1:
            del self._reports[batch]
        return reports[index]

    def _remember(self, batch: Batch) -> None:
        if self.cache is None:
            return
        for key, report in zip(batch.keys, self._reports[batch], strict=True):
            failed = report.media is not None and report.media.problem_kind in (
                "io", "timeout", "crash", "setup")
            if key is not None and not failed:
                self.cache.put(key, report)

    def close(self, kill: bool = False) -> None:
        """Stop the workers: let them finish, or (on an interrupted run) kill them."""
        for runner in (self.runner, self._lone):
            if runner is not None:
                runner.close(kill)
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
