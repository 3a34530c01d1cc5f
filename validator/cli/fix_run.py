"""A ``fix`` run's text: the lines printed for a result, its exit status, a progress line."""

from __future__ import annotations

from typing import IO

from validator.output.text import finding_text
from validator.repair.encode import Progress
from validator.repair.fixer import FixResult


def result_lines(result: FixResult) -> list[str]:
    """What the CLI prints for a result (a dry run prints only the command)."""
    if not result.command:
        if result.remaining:
            reasons = "; ".join(finding_text(f) for f in result.remaining)
            return [f"✗ {result.input}  cannot fix: {reasons}"]
        return [f"✓ {result.input}  passes already: nothing to fix"]
    if not result.ran:
        return [result.shell_command]
    steps = "; ".join(result.plan.steps) if result.plan else ""
    lines = [f"fixed {result.input} -> {result.output}: {steps}"]
    duration = (f"  ({result.measured_duration_s:g} s)"
                if result.measured_duration_s is not None else "")
    if result.ok:
        return [*lines, f"✓ {result.output}{duration}"]
    reasons = "; ".join(finding_text(f) for f in result.remaining)
    return [*lines, f"✗ {result.output}  still fails: {reasons}"]


def exit_status(result: FixResult) -> int:
    """0 when the output (or the untouched input) passes or a dry run planned a fix, else 1."""
    if result.command and not result.ran:
        return 0
    return 0 if result.ok else 1


def terminal_progress(stream: IO[str]) -> Progress:
    """A progress callback that redraws one percentage line on a terminal."""
    def show(fraction: float) -> None:
        stream.write(f"\rencoding {fraction:4.0%}")
        if fraction >= 1.0:
            stream.write("\n")
        stream.flush()

    return show
