"""A ``fix`` run: settings in, one line (or JSON object) per file out, a summary, an exit status.

Progress goes to stderr on a terminal only (or when asked): files done out of
the total, failures, an estimate of the time left, and the running encodes'
own progress (FFmpeg's ``-progress``).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from validator.output.text import finding_text
from validator.records.data import to_data
from validator.repair.batch import FAILURES, FixSummary, fix_many
from validator.repair.encode import Progress
from validator.repair.fixer import FixResult, fix
from validator.repair.plan import FixOptions

FORMATS = ("text", "json", "jsonl")
_SUMMARY_WORDS = (("fixed", "fixed"), ("passes", "already passing"),
                  ("still-fails", "still failing"), ("cannot-fix", "cannot be fixed"),
                  ("failed", "FFmpeg failed"), ("not-checked", "not checked"),
                  ("planned", "planned (dry run)"))


@dataclass(frozen=True)
class FixSettings:
    """Everything a ``fix`` run needs, from its flags (and pyproject.toml's profile)."""

    paths: tuple[str, ...]
    output: str | None = None
    output_dir: str | None = None
    profile: Any = None
    probe: str = "auto"
    jobs: int | None = None
    force: bool = False
    dry_run: bool = False
    output_format: str = "text"
    progress: bool | None = None
    exclude: tuple[str, ...] = ()
    include_hidden: bool = False
    gitignore: bool = False
    options: FixOptions = FixOptions()


def shown(text: str) -> str:
    """Text safe for a terminal or a CI log: control characters (a newline in a file name,
    an escape sequence) and undecodable bytes as escapes."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape",
                                                         "backslashreplace").decode("ascii")
                   for ch in text)


def result_lines(result: FixResult) -> list[str]:
    """What the CLI prints for a result (a dry run prints only the command)."""
    source, output = shown(result.input), shown(result.output)
    if result.error is not None:
        return [f"✗ {source}  could not fix: {shown(result.error)}"]
    if not result.command:
        if result.remaining:
            reasons = "; ".join(finding_text(f) for f in result.remaining)
            return [f"✗ {source}  cannot fix: {shown(reasons)}"]
        return [f"✓ {source}  passes already: nothing to fix"]
    if not result.ran:
        return [shown(result.shell_command)]
    steps = "; ".join(result.plan.steps) if result.plan else ""
    lines = [f"fixed {source} -> {output}: {steps}"]
    duration = (f"  ({result.measured_duration_s:g} s)"
                if result.measured_duration_s is not None else "")
    if result.ok:
        return [*lines, f"✓ {output}{duration}"]
    reasons = "; ".join(finding_text(f) for f in result.remaining)
    return [*lines, f"✗ {output}  still fails: {shown(reasons)}"]


def exit_status(result: FixResult) -> int:
    """0 when the output (or the untouched input) passes or a dry run planned a fix, else 1."""
    summary = FixSummary()
    summary.add(result)
    return summary.exit_status


def result_data(result: FixResult) -> dict[str, Any]:
    """A result for scripts: input, output, status, findings before and after, command, time."""
    after = result.report.findings if result.ran and result.report is not None else []
    data: dict[str, Any] = to_data({
        "input": result.input, "output": result.output, "status": result.status,
        "ok": result.ok, "findings_before": result.before, "findings_after": after,
        "command": result.command, "seconds": result.seconds, "error": result.error})
    return data


def summary_lines(summary: FixSummary) -> list[str]:
    """'20 files: 12 fixed, 5 already passing, 3 still failing'."""
    noun = "file" if summary.files == 1 else "files"
    parts = [f"{summary.counts[key]} {words}" for key, words in _SUMMARY_WORDS
             if summary.counts[key]]
    return [f"{summary.files} {noun}: {', '.join(parts) or 'nothing to do'}"]


def summary_data(summary: FixSummary) -> dict[str, int]:
    return {"files": summary.files, **{key: summary.counts[key] for key, _ in _SUMMARY_WORDS}}


class TerminalProgress:
    """One status line on a terminal: files done / total, failures, ETA, running encodes."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.total = self.done = self.failed = 0
        self.started = time.monotonic()
        self.running: dict[str, float] = {}
        self.lock = threading.Lock()

    def begin(self, total: int) -> None:
        self.total = total

    def encoding(self, source: str, duration_s: float | None) -> Progress:
        def show(fraction: float) -> None:
            with self.lock:
                self.running[source] = fraction
                self._draw()

        return show

    def finished(self, result: FixResult) -> None:
        with self.lock:
            self.running.pop(result.input, None)
            self.done += 1
            self.failed += result.status in FAILURES
            self._draw()

    def close(self) -> None:
        with self.lock:
            self.stream.write("\r\033[K")
            self.stream.flush()

    def _draw(self) -> None:
        fraction = (self.done + sum(self.running.values())) / self.total if self.total else 1.0
        elapsed = time.monotonic() - self.started
        eta = f", about {elapsed * (1 - fraction) / fraction:.0f} s left" if fraction > 0 else ""
        encodes = "  ".join(f"{Path(name).name} {share:.0%}"
                            for name, share in list(self.running.items())[:3])
        line = (f"{self.done}/{self.total} files, {self.failed} failed{eta}"
                + (f"  encoding {encodes}" if encodes else ""))
        self.stream.write("\r\033[K" + line[:200])
        self.stream.flush()


def run_fix(settings: FixSettings, out: IO[str], err: IO[str]) -> int:
    """Fix every path, print each result, return the exit status."""
    if settings.output is not None:
        return _run_one(settings, out, err)
    show = settings.progress if settings.progress is not None else err.isatty()
    progress = TerminalProgress(err) if show else None
    summary = FixSummary()
    try:
        results = fix_many(settings.paths, settings.output_dir, settings.profile,
                           settings.probe, settings.jobs, settings.force, settings.dry_run,
                           settings.exclude, settings.include_hidden, settings.gitignore,
                           settings.options, progress)
        if settings.output_format == "json":
            out.write('{"results": [')
        for result in results:
            _write(settings.output_format, result, summary.files, out, progress)
            summary.add(result)
    finally:
        if progress is not None:
            progress.close()
    _close(settings, summary, out)
    return summary.exit_status


def _write(output_format: str, result: FixResult, index: int, out: IO[str],
           progress: TerminalProgress | None) -> None:
    if progress is not None:
        progress.close()
    if output_format == "text":
        out.writelines(line + "\n" for line in result_lines(result))
    else:
        text = json.dumps(result_data(result), ensure_ascii=False)
        prefix = ("\n  " if index == 0 else ",\n  ") if output_format == "json" else ""
        out.write(prefix + text + ("\n" if output_format == "jsonl" else ""))
    out.flush()


def _close(settings: FixSettings, summary: FixSummary, out: IO[str]) -> None:
    if settings.output_format == "json":
        closing = "\n]" if summary.files else "]"
        out.write(f'{closing}, "summary": {json.dumps(summary_data(summary))}}}\n')
    elif settings.output_format == "jsonl":
        out.write(json.dumps({"summary": summary_data(summary)}) + "\n")
    elif summary.files > 1 or len(settings.paths) > 1:
        out.writelines(line + "\n" for line in summary_lines(summary))


def _run_one(settings: FixSettings, out: IO[str], err: IO[str]) -> int:
    """``--output FILE``: one input to one named output."""
    from validator.repair.errors import FixError

    if len(settings.paths) != 1 or settings.output_dir is not None:
        raise FixError("--output goes with exactly one input file (use --output-dir for many)")
    show = settings.progress if settings.progress is not None else err.isatty()
    result = fix(settings.paths[0], settings.output, settings.profile, settings.probe,
                 settings.dry_run, settings.force, terminal_progress(err) if show else None,
                 settings.options)
    summary = FixSummary()
    _write(settings.output_format, result, 0, out, None)
    summary.add(result)
    _close(settings, summary, out)
    return summary.exit_status


def terminal_progress(stream: IO[str]) -> Progress:
    """A progress callback that redraws one percentage line on a terminal."""
    def show(fraction: float) -> None:
        stream.write(f"\rencoding {fraction:4.0%}")
        if fraction >= 1.0:
            stream.write("\n")
        stream.flush()

    return show
