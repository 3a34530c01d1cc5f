"""What a worker runs: a batch of paths checked into reports, and the same guarded by a
forked child under the time limit (what cluster workers and a failed batch's retry run).

A batch that does not finish in time, or whose child died, is checked again one
file at a time, each in a fresh child, so only the guilty file gets the finding
("the prober hangs", "the prober crashed") and the others their real verdicts.
"""

from __future__ import annotations

from validator.check.arbitration import inspect_file
from validator.check.engine import evaluate
from validator.profiles.profile import Profile
from validator.records.facts import MediaFacts, ProblemKind
from validator.records.findings import Report, printable_path
from validator.run.discover import WalkError
from validator.run.forked import Forked, WorkerLost

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


def budget(timeout: float, count: int) -> float:
    """The time limit for a batch of ``count`` files: ``timeout`` plus a little per file."""
    return timeout + _PER_ITEM_SLACK * count


def failed_report(item: Item, profile: Profile, timeout: float, lost: WorkerLost) -> Report:
    """The report for a file whose probe hung (``timeout``) or died (``crash``)."""
    if lost.kind == "timeout":
        problem = f"probing did not finish within {timeout:g} s (the prober hangs on it)"
    else:
        problem = f"the prober crashed while reading it ({lost.detail})"
    path = item.path if isinstance(item, WalkError) else item
    return problem_report(printable_path(path), profile, lost.kind, problem)


def run_in_child(items: list[Item], profile: Profile, probe: str,
                 timeout: float) -> list[Report]:
    """Check a batch in a forked child (a millisecond to start), at most its budget long."""
    warm_up_backends()
    child = Forked()
    try:
        reports: list[Report] = child.call(check_batch, items, profile, probe,
                                           timeout=budget(timeout, len(items)))
        return reports
    finally:
        child.kill()


def check_batch_guarded(items: list[Item], profile: Profile, probe: str,
                        timeout: float) -> list[Report]:
    """A batch checked in a forked child under the time limit; on a hang or a crash, file by
    file, so only the guilty file gets the finding. Also what cluster workers run."""
    try:
        return run_in_child(items, profile, probe, timeout)
    except WorkerLost as lost:
        if len(items) == 1:
            return [failed_report(items[0], profile, timeout, lost)]
        return retry_one_by_one(items, profile, probe, timeout)


def retry_one_by_one(items: list[Item], profile: Profile, probe: str,
                     timeout: float) -> list[Report]:
    """Each file of a lost batch checked alone, so only the guilty one gets the finding."""
    return [check_batch_guarded([item], profile, probe, timeout)[0] for item in items]


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
