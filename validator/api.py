"""The Python API: ``validate`` one file, ``validate_many`` files and folders.

>>> from validator import validate
>>> report = validate("clip.mp4")             # doctest: +SKIP
>>> report.ok, report.codes                    # doctest: +SKIP
(False, [1204])
"""

from __future__ import annotations

import itertools
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from pathlib import Path

from validator.discover import WalkError, discover
from validator.facts import MediaFacts
from validator.findings import Report
from validator.pipeline import AUTO, inspect_file
from validator.probe import PROBE_CHOICES, UnknownBackend
from validator.profile import DEFAULT_PROFILE, Profile, load_profile

ProfileLike = str | Path | Profile
_BATCH = 8


def resolve_profile(profile: ProfileLike) -> Profile:
    """A Profile from a name, a path, or a Profile."""
    return profile if isinstance(profile, Profile) else load_profile(profile)


def _check_probe(probe: str) -> None:
    if probe not in PROBE_CHOICES:
        raise UnknownBackend(
            f"unknown probe backend {probe!r} (choose from: {', '.join(PROBE_CHOICES)})")


def validate(path: str | os.PathLike[str], profile: ProfileLike = DEFAULT_PROFILE,
             probe: str = AUTO) -> Report:
    """Check one file and return its Report (never raises for a bad file).

    ``profile`` is a shipped profile name (``"akool"``, ``"akool-lipsync"``), a
    path to a profile TOML, or a loaded Profile; ``probe`` is ``"auto"``,
    ``"libav"``, ``"mediainfo"`` or ``"ffprobe"``.
    """
    _check_probe(probe)
    return inspect_file(os.fspath(path), resolve_profile(profile), probe)


def validate_many(paths: Iterable[str | os.PathLike[str]],
                  profile: ProfileLike = DEFAULT_PROFILE, probe: str = AUTO,
                  jobs: int | None = None, exclude: Iterable[str] = (),
                  include_hidden: bool = False,
                  executor: Executor | None = None) -> Iterator[Report]:
    """Check files and folders (walked for media), yielding Reports in input order as they finish.

    ``jobs`` worker processes (default: the CPU count; 1 runs in this
    process). Work goes out in small batches with a bounded number in flight,
    so memory stays flat however many files there are.
    """
    _check_probe(probe)
    resolved = resolve_profile(profile)
    items = discover((os.fspath(p) for p in paths), tuple(exclude), include_hidden)
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    head = list(itertools.islice(items, 2))
    items = itertools.chain(head, items)
    if executor is None and (workers <= 1 or len(head) < 2):
        yield from (_check_item(item, resolved, probe) for item in items)
        return
    if executor is not None:
        yield from _pooled(items, resolved, probe, executor, workers)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from _pooled(items, resolved, probe, pool, workers)


def _check_item(item: str | WalkError, profile: Profile, probe: str) -> Report:
    if isinstance(item, WalkError):
        return _walk_error_report(item, profile)
    return inspect_file(item, profile, probe)


def _walk_error_report(error: WalkError, profile: Profile) -> Report:
    from validator.engine import evaluate

    facts = MediaFacts(path=error.path, source="walk", problem=f"cannot list folder: "
                       f"{error.reason}", problem_kind="io")
    return Report.from_findings(error.path, evaluate(profile, facts), facts)


def check_batch(items: list[str | WalkError], profile: Profile, probe: str) -> list[Report]:
    """Check a batch of paths in one task (what a worker process runs)."""
    return [_check_item(item, profile, probe) for item in items]


def _batches(items: Iterator[str | WalkError], size: int) -> Iterator[list[str | WalkError]]:
    batch: list[str | WalkError] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _pooled(items: Iterator[str | WalkError], profile: Profile, probe: str,
            pool: Executor, workers: int) -> Iterator[Report]:
    in_flight: deque[Future[list[Report]]] = deque()
    window = max(2, workers * 4)
    for batch in _batches(items, _BATCH):
        in_flight.append(pool.submit(check_batch, batch, profile, probe))
        while len(in_flight) >= window:
            yield from in_flight.popleft().result()
    while in_flight:
        yield from in_flight.popleft().result()
