"""A ``check`` run: settings in, formatted reports out, exit status back."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, TextIO

from validator.api import allowing_private_urls, validate_many
from validator.check.engine import select_findings
from validator.cli.progress import NoProgress, ScanProgress, start_progress
from validator.cli.report_file import output_file
from validator.cli.settings import Settings
from validator.output import get_formatter
from validator.output.base import Formatter
from validator.output.fanout import FanOut
from validator.output.text import setup_lines, summary_lines
from validator.profiles.profile import Profile, load_profile
from validator.records.data import display_text
from validator.records.findings import Report, Summary
from validator.run.discover import discover
from validator.run.pool import bounded_workers

if TYPE_CHECKING:
    from validator.run.cluster import ClusterExecutor

# ``--output FILE`` with ``--format auto``: the format its extension names (else text).
FILE_FORMATS = {".sarif": "sarif", ".xml": "junit", ".json": "json", ".jsonl": "jsonl",
                ".ndjson": "jsonl", ".html": "html", ".htm": "html"}


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


def load_run_profile(settings: Settings) -> Profile:
    """The profile named by the settings, with pyproject.toml's rule overrides on top (and
    ``--allow-private-urls``)."""
    profile = load_profile(settings.profile, overrides=settings.rule_overrides or None,
                           overrides_source=settings.overrides_source,
                           cache_dir=settings.snapshot_dir)
    return allowing_private_urls(profile) if settings.allow_private_urls else profile


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


def make_formatter(settings: Settings, profile: Profile, stream: TextIO,
                   chosen: tuple[str, bool]) -> Formatter:
    """The formatter ``chosen`` (name, colour) writing to ``stream``, set up for this run."""
    name, color = chosen
    formatter = get_formatter(name)(stream, quiet=settings.quiet or settings.precommit,
                                    color=color)
    formatter.fix_hints = settings.fix_hints
    formatter.profile = profile
    formatter.compact = settings.precommit
    return formatter


def build_formatter(settings: Settings, profile: Profile,
                    main: tuple[TextIO, tuple[str, bool]], files: ExitStack) -> Formatter:
    """The main report's formatter, plus one per ``--report-file`` (opened on ``files``)."""
    formatters = [make_formatter(settings, profile, *main)]
    for name, path in settings.report_files:
        handle = files.enter_context(output_file(path, "--report-file"))
        formatters.append(make_formatter(settings, profile, handle, (name, False)))
    return formatters[0] if len(formatters) == 1 else FanOut(formatters)


def check_paths(settings: Settings, profile: Profile, stream: TextIO,
                chosen: tuple[str, bool], progress: NoProgress | ScanProgress) -> Summary:
    """Check every path: each report (its findings as ``--select``/``--ignore`` keep them)
    to the formatter (as ``chosen``, plus any ``--report-file``) and the progress bar."""
    summary = Summary()
    with ExitStack() as files:
        formatter = build_formatter(settings, profile, (stream, chosen), files)
        with cluster_executor(settings) as executor:
            formatter.begin(profile.name)
            reports = check_reports(settings, profile, executor)
            try:
                for report in reports:
                    report = select_findings(report, settings.select, settings.ignore)
                    summary.add(report)
                    formatter.report(report)
                    progress.advance(report)
            finally:   # also when stdout was closed: the run's workers go with it
                _stop(reports)
        progress.close()
        formatter.end(summary)
    return summary


def _stop(reports: Iterator[Report]) -> None:
    """Close a generator of reports, killing the workers it still runs."""
    close = getattr(reports, "close", None)
    if close is not None:
        close()


def check_reports(settings: Settings, profile: Profile,
                  executor: ClusterExecutor | None) -> Iterator[Report]:
    """The reports of the run's paths (or lipsync pairs), in order."""
    jobs = executor.workers if executor is not None else bounded_workers(settings.jobs)
    if settings.pairs:
        from validator.api import check_pairs

        return check_pairs(settings.pairs, profile,
                           probe=settings.probe, jobs=jobs, cache_dir=settings.cache_dir,
                           timeout=settings.timeout, executor=executor)
    return validate_many(settings.paths, profile=profile, probe=settings.probe,
                         jobs=jobs, exclude=settings.exclude,
                         include_hidden=settings.include_hidden,
                         cache_dir=settings.cache_dir, gitignore=settings.gitignore,
                         timeout=settings.timeout, executor=executor,
                         max_memory=settings.max_memory, force_exclude=settings.force_exclude)


def run_check(settings: Settings, stream: TextIO | None = None) -> int:
    """Check every path, report to ``stream`` (or ``--output``), return the exit status.

    With ``--output`` the report goes to the file and ``stream`` gets the summary.
    A progress bar goes to stderr (see :mod:`validator.cli.progress`).
    """
    out = stream or sys.stdout
    profile = load_run_profile(settings)
    progress = start_progress(settings.progress, sys.stderr, lambda: [
        path for pair in settings.pairs for path in pair.paths] if settings.pairs else discover(
        settings.paths, settings.exclude, settings.include_hidden, settings.gitignore,
        settings.force_exclude, extensions=profile.walked_extensions))
    try:
        if settings.output:
            with output_file(settings.output) as handle:
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
              f"{display_text(', '.join(settings.paths))} (name a file to check it whatever "
              "its extension)", file=sys.stderr)
    return summary.exit_status(strict=settings.strict, exit_zero=settings.exit_zero)
