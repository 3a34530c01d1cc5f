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

from validator.cache import FileKey, ResultCache, code_identity, context_digest, file_key
from validator.discover import WalkError, discover
from validator.facts import MediaFacts
from validator.findings import Report, printable_path
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
                  include_hidden: bool = False, executor: Executor | None = None,
                  cache_dir: str | os.PathLike[str] | None = None,
                  gitignore: bool = False) -> Iterator[Report]:
    """Check files and folders (walked for media), yielding Reports in input order as they finish.

    ``jobs`` worker processes (default: the CPU count; 1 runs in this
    process), or any ``executor``. Work goes out in batches of paths with a
    bounded number in flight, so memory stays flat however many files there
    are. With ``cache_dir``, unchanged files are answered from the result cache.
    """
    _check_probe(probe)
    resolved = resolve_profile(profile)
    items = discover((os.fspath(p) for p in paths), tuple(exclude), include_hidden, gitignore)
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    cache = _open_cache(cache_dir, resolved, probe)
    try:
        if executor is not None:
            yield from _schedule(items, resolved, probe, executor, workers, cache)
            return
        head = list(itertools.islice(items, 2))
        items = itertools.chain(head, items)
        if workers <= 1 or len(head) < 2:
            yield from _schedule(items, resolved, probe, None, 1, cache)
            return
        with ProcessPoolExecutor(max_workers=workers) as pool:
            yield from _schedule(items, resolved, probe, pool, workers, cache)
    finally:
        if cache is not None:
            cache.close()


def _open_cache(cache_dir: str | os.PathLike[str] | None, profile: Profile,
                probe: str) -> ResultCache | None:
    if cache_dir is None:
        return None
    from validator._version import __version__
    from validator.probe import fingerprint

    context = context_digest(__version__, code_identity(), profile.digest, probe,
                             fingerprint(probe))
    return ResultCache(Path(cache_dir), context)


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


def _relocated(report: Report, path: str) -> Report:
    """A cached report shown under the path this run was given (it was keyed by the real path)."""
    media = report.media.model_copy(update={"path": path}) if report.media else None
    return report.model_copy(update={"path": path, "media": media})


class _Batch:
    """Paths sent to a worker together; submitted when full or when a result is awaited."""

    def __init__(self) -> None:
        self.items: list[str | WalkError] = []
        self.keys: list[FileKey | None] = []
        self.future: Future[list[Report]] | None = None
        self.reports: list[Report] | None = None


_Slot = Report | tuple[_Batch, int]


class _Scheduler:
    """Hands misses to workers in batches, answers hits from the cache, keeps input order."""

    def __init__(self, profile: Profile, probe: str, pool: Executor | None,
                 cache: ResultCache | None) -> None:
        self.profile, self.probe, self.pool, self.cache = profile, probe, pool, cache
        self.open_batch = _Batch()

    def slot(self, item: str | WalkError) -> _Slot:
        """A cached report, or a place in the batch that will produce it."""
        key = None
        if self.cache is not None and isinstance(item, str):
            key = file_key(item)
            cached = self.cache.get(key) if key is not None else None
            if cached is not None:
                return _relocated(cached, printable_path(item))
        if len(self.open_batch.items) >= _BATCH:
            self.submit(self.open_batch)
            self.open_batch = _Batch()
        batch = self.open_batch
        batch.items.append(item)
        batch.keys.append(key)
        return batch, len(batch.items) - 1

    def submit(self, batch: _Batch) -> None:
        if batch.future is None and batch.reports is None and batch.items:
            if self.pool is None:
                batch.reports = check_batch(batch.items, self.profile, self.probe)
                self._remember(batch)
            else:
                batch.future = self.pool.submit(check_batch, batch.items, self.profile,
                                                self.probe)

    def resolve(self, slot: _Slot) -> Report:
        """The report for a slot, waiting for its batch if need be."""
        if isinstance(slot, Report):
            return slot
        batch, index = slot
        if batch.reports is None:
            self.submit(batch)
            assert batch.future is not None
            batch.reports = batch.future.result()
            self._remember(batch)
        return batch.reports[index]

    def _remember(self, batch: _Batch) -> None:
        if self.cache is None or batch.reports is None:
            return
        for key, report in zip(batch.keys, batch.reports, strict=True):
            if key is not None and not report.io_failed:
                self.cache.put(key, report)


def _schedule(items: Iterator[str | WalkError], profile: Profile, probe: str,
              pool: Executor | None, workers: int,
              cache: ResultCache | None) -> Iterator[Report]:
    scheduler = _Scheduler(profile, probe, pool, cache)
    pending: deque[_Slot] = deque()
    window = max(2, workers * 4) * _BATCH
    for item in items:
        pending.append(scheduler.slot(item))
        while len(pending) > window:
            yield scheduler.resolve(pending.popleft())
    scheduler.submit(scheduler.open_batch)
    while pending:
        yield scheduler.resolve(pending.popleft())
