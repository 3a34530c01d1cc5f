"""``fix`` over many files and folders: walked as ``check`` walks them, encoded in parallel.

Every input is checked first (:func:`validator.api.validate_many`); only the
files that fail are encoded, by ``jobs`` FFmpeg processes at once, each into a
hidden file published under its output name when complete. Outputs go beside
the inputs (``<stem>.fixed.mp4``) or under an output folder mirroring the
inputs' relative paths (``DIR/<relative folder>/<stem>.mp4``); two inputs never
share an output (``clip.mp4`` and ``clip.mov`` become ``clip.mp4.fixed.mp4`` and
``clip.mov.fixed.mp4``), and nothing is overwritten without ``force``: every
output is checked before the first encode starts. Results come back in input
order as they finish. Stopping the iteration (Ctrl-C) kills every FFmpeg and
removes every partial output.
"""

from __future__ import annotations

import os
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from validator.api import resolve_profile, validate, validate_many
from validator.profiles.profile import DEFAULT_PROFILE, Profile
from validator.records.findings import Report
from validator.repair.encode import Progress, Stopper
from validator.repair.errors import FfmpegFailed, FixError
from validator.repair.fixer import (
    Encoded,
    FixResult,
    Job,
    binary_for,
    check_output,
    check_source,
    default_output,
    dry_run_result,
    finished,
    plan_for,
    planned,
    run_job,
)
from validator.repair.picture import output_suffix
from validator.repair.plan import FixOptions
from validator.run.discover import WalkError, discover

AHEAD_PER_JOB = 4
FAILURES = frozenset({"still-fails", "cannot-fix", "failed", "not-checked"})


class BatchProgress(Protocol):
    """What a batch tells whoever shows its progress (called from worker threads too)."""

    def begin(self, total: int) -> None:
        """The number of files the batch will report."""

    def encoding(self, source: str, duration_s: float | None) -> Progress:
        """An encode starts: a callback for the fraction of it done."""

    def finished(self, result: FixResult) -> None:
        """One file's result, in input order."""


def default_jobs() -> int:
    """Encodes at once: FFmpeg's x264 is itself multi-threaded, so one per four CPUs."""
    return max(1, (os.cpu_count() or 1) // 4)


def _mirrored(source: Path, output_dir: Path, base: Path, suffix: str = ".mp4") -> Path:
    relative = Path(os.path.relpath(os.path.abspath(source), base))
    return output_dir / relative.parent / f"{source.stem}{suffix}"


def _base(source: str, named: str, cwd: str) -> Path:
    """What an input's relative path is taken from: the current folder when it lies below
    it, else the folder holding the path that was named (``/data/videos`` → ``videos/…``)."""
    absolute = os.path.abspath(source)
    if os.path.commonpath([absolute, cwd]) == cwd:
        return Path(cwd)
    return Path(os.path.dirname(os.path.abspath(named.rstrip(os.sep) or named)))


def _unique(path: Path, taken: set[str]) -> Path:
    candidate, n = path, 1
    while os.path.abspath(candidate) in taken:
        n += 1
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate


def output_paths(sources: list[Path], output_dir: Path | None,
                 bases: list[Path] | None = None,
                 suffixes: list[str] | None = None) -> list[Path]:
    """Each input's output (under ``output_dir``: at its path relative to its base, by default
    the current folder); inputs whose outputs would coincide are named by their full file
    name (``clip.mov.fixed.mp4``), and any name still taken gets a number."""
    here = Path.cwd()
    ends = suffixes or [".mp4"] * len(sources)
    wanted = [default_output(s, ends[n]) if output_dir is None
              else _mirrored(s, output_dir, bases[n] if bases else here, ends[n])
              for n, s in enumerate(sources)]
    counts = Counter(os.path.abspath(w) for w in wanted)
    taken: set[str] = set()
    outputs = []
    for source, path in zip(sources, wanted, strict=True):
        if counts[os.path.abspath(path)] > 1:
            path = path.with_name(f"{source.name}{path.name[len(source.stem):]}")
        path = _unique(path, taken)
        taken.add(os.path.abspath(path))
        outputs.append(path)
    return outputs


def _inputs(paths: Iterable[str | os.PathLike[str]], exclude: tuple[str, ...],
            include_hidden: bool, gitignore: bool,
            extensions: frozenset[str]) -> tuple[list[str | WalkError], list[Path]]:
    """The files to fix (each once, however often it is named or reached), and the folder
    each one's relative path is taken from."""
    named = [os.fspath(p) for p in paths]
    for path in named:
        if not os.path.isdir(path):
            check_source(Path(path))
    cwd = os.getcwd()
    seen: set[str] = set()
    items: list[str | WalkError] = []
    bases: list[Path] = []
    for path in named:
        for item in discover([path], exclude, include_hidden, gitignore,
                             extensions=extensions):
            key = os.path.abspath(item) if isinstance(item, str) else ""
            if key in seen:
                continue
            seen.add(key)
            items.append(item)
            if isinstance(item, str):
                bases.append(_base(item, path, cwd))
    return items, bases


@dataclass
class FixSummary:
    """Counts over a fix run, by what became of each file."""

    counts: Counter[str] = field(default_factory=Counter)

    def add(self, result: FixResult) -> None:
        self.counts[result.status] += 1

    @property
    def files(self) -> int:
        return sum(self.counts.values())

    @property
    def exit_status(self) -> int:
        """0 when every output (or untouched input) passes, else 1."""
        return 1 if any(self.counts[status] for status in FAILURES) else 0


@dataclass
class _Batch:
    """The state of one ``fix_many`` run."""

    profile: Profile
    probe: str
    force: bool
    dry_run: bool
    options: FixOptions
    progress: BatchProgress | None
    pool: ThreadPoolExecutor | None = None
    stopper: Stopper = field(default_factory=Stopper)
    binary: str | None = None

    def start(self, source: Path, output: Path,
              report: Report) -> tuple[FixResult, Job | None, Future[Encoded] | None]:
        plan = plan_for(source, report, self.profile, self.options)
        result = planned(source, output, report, plan)
        if not plan.needed:
            return result, None, None
        self.binary = self.binary or binary_for(self.dry_run)
        job = Job(source, output, plan, self.binary, self.force)
        if self.dry_run:
            return dry_run_result(result, job, report), None, None
        output.parent.mkdir(parents=True, exist_ok=True)
        shown = self.progress.encoding(str(source), plan.duration_s) if self.progress else None
        assert self.pool is not None
        return result, job, self.pool.submit(run_job, job, shown, self.stopper)

    def finish(self, result: FixResult, job: Job | None,
               future: Future[Encoded] | None) -> FixResult:
        if job is None or future is None:
            return result
        try:
            encoded = future.result()
        except (FfmpegFailed, FixError) as exc:
            return result.model_copy(update={"ok": False, "error": str(exc)})
        return finished(result, job, encoded, validate(job.output, self.profile, self.probe))


def _walk_failure(item: WalkError) -> FixResult:
    return FixResult(input=item.path, output="", command=[], ran=False, report=None, ok=False,
                     remaining=[], error=f"cannot list folder: {item.reason}")


def fix_many(paths: Iterable[str | os.PathLike[str]],
             output_dir: str | os.PathLike[str] | None = None,
             profile: str | os.PathLike[str] | Profile = DEFAULT_PROFILE, probe: str = "auto",
             jobs: int | None = None, force: bool = False, dry_run: bool = False,
             exclude: Iterable[str] = (), include_hidden: bool = False, gitignore: bool = False,
             options: FixOptions | None = None,
             progress: BatchProgress | None = None) -> Iterator[FixResult]:
    """Fix files and folders, yielding a :class:`FixResult` per file in input order.

    Raises :class:`FixError` before anything is written when a named path is
    missing or an output exists (without ``force``); an FFmpeg failure becomes
    that file's result (``error``) and the batch goes on.
    """
    resolved = resolve_profile(profile if isinstance(profile, Profile) else os.fspath(profile))
    items, bases = _inputs(paths, tuple(exclude), include_hidden, gitignore,
                           resolved.walked_extensions)
    files = [Path(item) for item in items if isinstance(item, str)]
    outputs = output_paths(files, Path(output_dir) if output_dir else None, bases,
                           [output_suffix(source, resolved) for source in files])
    for source, output in zip(files, outputs, strict=True):
        check_output(source, output, force)
    if progress is not None:
        progress.begin(len(items))
    reports = validate_many(files, resolved, probe, jobs=jobs)
    batch = _Batch(resolved, probe, force, dry_run, options or FixOptions(), progress)
    return _run(batch, items, outputs, reports, jobs or default_jobs())


def _run(batch: _Batch, items: list[str | WalkError], outputs: list[Path],
         reports: Iterator[Report], workers: int) -> Iterator[FixResult]:
    """The encodes on a pool of ``workers`` threads; an exit (Ctrl-C) stops them all."""
    with ThreadPoolExecutor(workers, thread_name_prefix="fix") as pool:
        batch.pool = pool
        try:
            yield from _ordered(batch, items, outputs, reports, workers * AHEAD_PER_JOB)
        except BaseException:
            batch.stopper.stop()
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def _ordered(batch: _Batch, items: list[str | WalkError], outputs: list[Path],
             reports: Iterator[Report], ahead: int) -> Iterator[FixResult]:
    """Start the encodes in input order, at most ``ahead`` beyond the oldest unfinished one,
    and yield the results in input order."""
    pending: deque[tuple[FixResult, Job | None, Future[Encoded] | None]] = deque()
    targets = iter(outputs)
    for item in items:
        if isinstance(item, WalkError):
            pending.append((_walk_failure(item), None, None))
        else:
            pending.append(batch.start(Path(item), next(targets), next(reports)))
        while pending and (len(pending) > ahead or _done(pending[0])):
            yield _report(batch, *pending.popleft())
    while pending:
        yield _report(batch, *pending.popleft())


def _done(entry: tuple[FixResult, Job | None, Future[Encoded] | None]) -> bool:
    return entry[2] is None or entry[2].done()


def _report(batch: _Batch, result: FixResult, job: Job | None,
            future: Future[Encoded] | None) -> FixResult:
    final = batch.finish(result, job, future)
    if batch.progress is not None:
        batch.progress.finished(final)
    return final
