"""A ``check`` run: settings in, formatted reports out, exit status back."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, TextIO

from validator.api import validate_many
from validator.check.engine import select_findings
from validator.cli.progress import NoProgress, ScanProgress, start_progress
from validator.cli.settings import Settings
from validator.output import get_formatter
from validator.output.text import setup_lines, summary_lines
from validator.profiles.profile import Profile, load_profile
from validator.records.findings import Summary
from validator.run.discover import discover

if TYPE_CHECKING:
    from validator.run.cluster import ClusterExecutor

# ``--output FILE`` with ``--format auto``: the format its extension names (else text).
FILE_FORMATS = {".sarif": "sarif", ".xml": "junit", ".json": "json", ".jsonl": "jsonl",
                ".ndjson": "jsonl"}


def choose_format(name: str, stream: TextIO, color: str = "auto") -> tuple[str, bool]:
    """Resolve ``auto``: the format to use and whether to colour it.

    ``auto`` is ``github`` inside GitHub Actions, else text. Text is coloured with
    ``--color always``, never with ``--color never``, and for ``auto`` when
    ``FORCE_COLOR`` is set, else on a terminal unless ``NO_COLOR`` is set.
    """
    if name == "auto":
        name = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    return name, name == "text" and wants_color(color, stream)


def wants_color(color: str, stream: TextIO) -> bool:
    """Whether to colour: ``always``/``never``, or for ``auto`` the NO_COLOR/FORCE_COLOR
    conventions, then whether ``stream`` is a terminal."""
    if color != "auto":
        return color == "always"
    if os.environ.get("FORCE_COLOR"):
        return True
    if "NO_COLOR" in os.environ:
        return False
    return hasattr(stream, "isatty") and stream.isatty()


def file_format(name: str, path: str) -> str:
    """The format of an ``--output`` file: as given, or for ``auto`` from its extension."""
    if name != "auto":
        return name
    return FILE_FORMATS.get(os.path.splitext(path)[1].lower(), "text")


@contextmanager
def atomic_text_file(path: str) -> Iterator[TextIO]:
    """A UTF-8 file that appears whole or not at all: written beside it, then renamed over it."""
    import tempfile

    target = os.path.abspath(path)
    try:
        fd, temp = tempfile.mkstemp(dir=os.path.dirname(target), suffix=".tmp",
                                    prefix=f".{os.path.basename(target)}.")
    except OSError as exc:
        raise ValueError(f"cannot write --output {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, _new_file_mode(target))
        os.replace(temp, target)
    except BaseException:
        with suppress(OSError):
            os.unlink(temp)
        raise


def _new_file_mode(path: str) -> int:
    """The mode the file keeps if it exists, else what the umask gives a new file."""
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def load_run_profile(settings: Settings) -> Profile:
    """The profile named by the settings, with pyproject.toml's rule overrides on top."""
    return load_profile(settings.profile, overrides=settings.rule_overrides or None,
                        overrides_source=settings.overrides_source,
                        cache_dir=settings.snapshot_dir)


@contextmanager
def cluster_executor(settings: Settings) -> Iterator[ClusterExecutor | None]:
    """With ``--scheduler``, the cluster's executor, its workers checked to see the paths."""
    if settings.scheduler is None:
        yield None
        return
    from validator.run.cluster import check_visibility, open_executor, visibility_sample

    with open_executor(settings.scheduler) as executor:
        sample = visibility_sample(settings.paths, discover(
            settings.paths, settings.exclude, settings.include_hidden, settings.gitignore,
            settings.force_exclude))
        check_visibility(executor.client, sample)
        yield executor


def check_paths(settings: Settings, profile: Profile, stream: TextIO,
                chosen: tuple[str, bool], progress: NoProgress | ScanProgress) -> Summary:
    """Check every path: each report to the formatter (as ``chosen``) and the progress bar."""
    name, color = chosen
    formatter = get_formatter(name)(stream, quiet=settings.quiet or settings.precommit,
                                    color=color)
    formatter.fix_hints = settings.fix_hints
    formatter.compact = settings.precommit
    summary = Summary()
    with cluster_executor(settings) as executor:
        formatter.begin(profile.name)
        jobs = executor.workers if executor is not None else settings.jobs
        if settings.pairs:
            from validator.check.pairs import Pair, check_pairs

            reports = check_pairs([Pair(*pair) for pair in settings.pairs], profile,
                                  probe=settings.probe, jobs=jobs, cache_dir=settings.cache_dir,
                                  timeout=settings.timeout, executor=executor)
        else:
            reports = validate_many(settings.paths, profile=profile, probe=settings.probe,
                                    jobs=jobs, exclude=settings.exclude,
                                    include_hidden=settings.include_hidden,
                                    cache_dir=settings.cache_dir, gitignore=settings.gitignore,
                                    timeout=settings.timeout, executor=executor,
                                    force_exclude=settings.force_exclude)
        for report in reports:
            report = select_findings(report, settings.select, settings.ignore)
            summary.add(report)
            formatter.report(report)
            progress.advance(report)
    progress.close()
    formatter.end(summary)
    return summary


def run_check(settings: Settings, stream: TextIO | None = None) -> int:
    """Check every path, report to ``stream`` (or ``--output``), return the exit status.

    With ``--output`` the report goes to the file and ``stream`` gets the summary.
    A progress bar goes to stderr (see :mod:`validator.cli.progress`).
    """
    out = stream or sys.stdout
    profile = load_run_profile(settings)
    progress = start_progress(settings.progress, sys.stderr, lambda: [
        path for pair in settings.pairs for path in pair] if settings.pairs else discover(
        settings.paths, settings.exclude, settings.include_hidden, settings.gitignore,
        settings.force_exclude))
    try:
        if settings.output:
            with atomic_text_file(settings.output) as handle:
                name = file_format(settings.output_format, settings.output)
                summary = check_paths(settings, profile, handle, (name, False), progress)
            lines = summary_lines(summary) + setup_lines(summary)
            out.writelines(line + "\n" for line in lines)
        else:
            chosen = choose_format(settings.output_format, out, settings.color)
            summary = check_paths(settings, profile, progress.output(out), chosen, progress)
    finally:
        progress.close()
    if summary.files == 0 and not settings.force_exclude:
        print("media-preflight: warning: no video files found in "
              f"{', '.join(settings.paths)} (name a file to check it whatever its extension)",
              file=sys.stderr)
    return exit_status(summary, settings)


def exit_status(summary: Summary, settings: Settings) -> int:
    """2 a file was not checked; else with ``--exit-zero`` 0; else 1 a file fails (or, with
    ``--strict``, has a warning); else 0."""
    if summary.not_checked:
        return 2
    if settings.exit_zero:
        return 0
    return 1 if summary.failed or (settings.strict and summary.warnings) else 0
