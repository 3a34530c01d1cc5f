"""The human format: one line per file, then a summary grouped by API code.

Every line is shown with its control characters escaped, so a file name cannot
forge a line or send the terminal an escape sequence.
"""

from __future__ import annotations

from validator.check.fixable import fix_hint, fixable
from validator.output.base import Formatter
from validator.records.codes import SUMMARY_PHRASES
from validator.records.data import display_text
from validator.records.findings import Finding, Report, Summary

_MARKS = {"pass": "✓", "fail": "✗", "warn": "!"}
_COLORS = {"pass": "green", "fail": "red", "warn": "yellow"}


def finding_text(finding: Finding) -> str:
    prefix = f"{finding.code} " if finding.code is not None else f"{finding.rule}: "
    return prefix + finding.message


def report_line(report: Report) -> tuple[str, str]:
    """The status ('pass', 'fail', 'warn') and the one-line text for a report."""
    status = "fail" if not report.ok else ("warn" if report.warnings else "pass")
    parts = [finding_text(f) for f in report.errors]
    parts += [f"warning: {finding_text(f)}" for f in report.warnings]
    detail = "  " + "; ".join(parts) if parts else ""
    return status, f"{_MARKS[status]} {report.path}{detail}"


def summary_lines(summary: Summary) -> list[str]:
    """'12 files: 9 passed, 3 failed, 1 with warnings' and one line per API code."""
    noun = "file" if summary.files == 1 else "files"
    lines = [f"{summary.files} {noun}: {summary.passed} passed, {summary.failed} failed, "
             f"{summary.warnings} with warnings"]
    for code, count in sorted(summary.by_code.items(), key=lambda item: (-item[1], item[0])):
        noun = "file" if count == 1 else "files"
        lines.append(f"  {count} {noun} {SUMMARY_PHRASES.get(code, 'failing')} ({code})")
    return lines


class TextFormatter(Formatter):
    """Marks and reasons per file; colour only when asked (on a terminal)."""

    def _emit(self, text: str, status: str | None = None) -> None:
        text = display_text(text)
        if self.color and status is not None:
            import click

            text = click.style(text, fg=_COLORS[status])
        self.stream.write(text + "\n")

    def report(self, report: Report) -> None:
        status, line = report_line(report)
        if self.quiet and status == "pass":
            return
        self._emit(line, status)
        if self.fix_hints:
            self._fix_hint(report)
        self.stream.flush()

    profile_name: str | None = None

    def begin(self, profile_name: str) -> None:
        self.profile_name = profile_name

    def _fix_hint(self, report: Report) -> None:
        """'  fix: media-preflight fix clip.mov' under a failure `fix` can repair."""
        if fixable(report):
            self._emit(f"  fix: {fix_hint(report.path, self.profile_name)}")

    def end(self, summary: Summary) -> None:
        for line in summary_lines(summary):
            self._emit(line)
