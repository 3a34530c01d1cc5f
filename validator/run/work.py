"""What a worker runs: a batch of paths checked into reports, and the same guarded by a
forked child under the time limit (what cluster workers and a failed batch's retry run).

A batch that does not finish in time, or whose child died, is checked again one
file at a time, each in a fresh child, so only the guilty file gets the finding
("the prober hangs", "the prober crashed") and the others their real verdicts.
A second opinion (a file's second reading, asked when a rule doubts the first)
runs in a child of its own within what is left of the file's time limit: one
that hangs or crashes settles nothing, and the first reading stands.
"""

from __future__ import annotations

import time

from validator.check.arbitration import LOCAL, Probes, inspect_file
from validator.check.engine import evaluate
from validator.profiles.profile import Profile
from validator.records.facts import MediaFacts, ProblemKind
from validator.records.findings import Report, printable_path
from validator.run.discover import WalkError
from validator.run.forked import Forked, WorkerLost
from validator.run.memory import DEFAULT_MAX_MEMORY, set_max_memory

DEFAULT_TIMEOUT = 30.0
_PER_ITEM_SLACK = 0.5
_LEAST_FOR_A_SECOND_OPINION = 1.0
_MARGIN = 0.25

Item = str | WalkError


def check_batch(items: list[Item], profile: Profile, probe: str,
                timeout: float | None = None) -> list[Report]:
    """Check a batch of paths in one task (what a worker process runs); with ``timeout``, each
    file's second opinions are guarded (:class:`GuardedSecondOpinions`)."""
    probes: Probes = LOCAL
    if timeout is not None:   # the batch's deadline, as its parent counts it, less a margin
        deadline = time.monotonic() + budget(timeout, len(items)) - _MARGIN
        probes = GuardedSecondOpinions(LOCAL, timeout, deadline)
    return [check_item(item, profile, probe, probes) for item in items]


def check_item(item: Item, profile: Profile, probe: str, probes: Probes = LOCAL) -> Report:
    """One path's report (a folder that could not be listed becomes a file-access report)."""
    if isinstance(item, WalkError):
        return problem_report(item.path, profile, "io", f"cannot list folder: {item.reason}")
    return inspect_file(item, profile, probe, probes)


class GuardedSecondOpinions:
    """A file's first reading from ``probes``; any later reading of the same file (a second
    opinion) in a forked child, within what is left of the file's ``timeout`` (and of the
    batch's ``deadline``, so that the batch is never given up for it). A second opinion that
    hangs or crashes, or has no time left, comes back as a reading that blew up, which the
    arbitration sets aside, instead of costing the file its verdict."""

    def __init__(self, probes: Probes, timeout: float, deadline: float | None = None) -> None:
        self.probes, self.timeout, self.deadline = probes, timeout, deadline
        self._path: str | None = None
        self._started = 0.0

    def read(self, path: str, backend: str) -> MediaFacts:
        now = time.monotonic()
        if path != self._path:
            self._path, self._started = path, now
            return self.probes.read(path, backend)
        left = max(self._started + self.timeout - now, _LEAST_FOR_A_SECOND_OPINION)
        if self.deadline is not None:
            left = min(left, self.deadline - now)
        if left <= 0:
            return blown_up(path, backend, "timeout", "not asked: the batch's time was up")
        return second_opinion(path, backend, left, self.timeout)

    def available(self, backend: str) -> bool:
        return self.probes.available(backend)


def second_opinion(path: str, backend: str, timeout: float, limit: float) -> MediaFacts:
    """``backend``'s reading of ``path`` in a forked child, waiting ``timeout`` seconds (what
    is left of the file's time limit, ``limit``), or a reading saying it blew up."""
    from validator.probe import read_named

    child = Forked()
    try:
        facts: MediaFacts = child.call(read_named, path, backend, timeout=timeout)
        return facts
    except WorkerLost as lost:
        return blown_up(path, backend, lost.kind, lost_problem(lost, limit))
    finally:
        child.kill()


def blown_up(path: str, backend: str, kind: ProblemKind, problem: str) -> MediaFacts:
    """The reading of a probe that hung or died: it says what happened, and nothing else."""
    return MediaFacts(path=path, source=backend, problem=problem, problem_kind=kind)


def problem_report(path: str, profile: Profile, kind: ProblemKind, problem: str) -> Report:
    """A report for a file the pipeline could not finish with."""
    facts = MediaFacts(path=path, source="media-preflight", problem=problem, problem_kind=kind)
    return Report.from_findings(path, evaluate(profile, facts), facts)


def budget(timeout: float, count: int) -> float:
    """The time limit for a batch of ``count`` files: ``timeout`` plus a little per file."""
    return timeout + _PER_ITEM_SLACK * count


def failed_report(item: Item, profile: Profile, timeout: float, lost: WorkerLost) -> Report:
    """The report for a file whose probe hung (``timeout``) or died (``crash``)."""
    path = item.path if isinstance(item, WalkError) else item
    return problem_report(printable_path(path), profile, lost.kind, lost_problem(lost, timeout))


def lost_problem(lost: WorkerLost, timeout: float) -> str:
    """What a probe that hung (``timeout``) or died did, in words."""
    if lost.kind == "timeout":
        return f"probing did not finish within {timeout:g} s (the prober hangs on it)"
    return f"the prober crashed while reading it ({lost.detail})"


def run_in_child(items: list[Item], profile: Profile, probe: str,
                 timeout: float) -> list[Report]:
    """Check a batch in a forked child (a millisecond to start), at most its budget long."""
    warm_up_backends()
    child = Forked()
    try:
        reports: list[Report] = child.call(check_batch, items, profile, probe, timeout,
                                           timeout=budget(timeout, len(items)))
        return reports
    finally:
        child.kill()


def check_batch_guarded(items: list[Item], profile: Profile, probe: str, timeout: float,
                        max_memory: int | None = DEFAULT_MAX_MEMORY) -> list[Report]:
    """A batch checked in a forked child under the time limit and the memory bound; on a
    hang or a crash, file by file, so only the guilty file gets the finding. Also what
    cluster workers run (so the bound travels with the batch)."""
    previous = set_max_memory(max_memory)
    try:
        return run_in_child(items, profile, probe, timeout)
    except WorkerLost as lost:
        if len(items) == 1:
            return [failed_report(items[0], profile, timeout, lost)]
        return retry_one_by_one(items, profile, probe, timeout, max_memory)
    finally:
        set_max_memory(previous)


def retry_one_by_one(items: list[Item], profile: Profile, probe: str, timeout: float,
                     max_memory: int | None = DEFAULT_MAX_MEMORY) -> list[Report]:
    """Each file of a lost batch checked alone, so only the guilty one gets the finding."""
    return [check_batch_guarded([item], profile, probe, timeout, max_memory)[0]
            for item in items]


_warmed = False


def warm_up_backends() -> None:
    """Import the probe libraries once in this process, so forked children start with them
    loaded (once: it runs before every fork)."""
    global _warmed
    if _warmed:
        return
    from validator.probe import BACKENDS

    for backend in BACKENDS.values():
        backend.unavailable()
    _warmed = True
