"""The human format: one line per file, then a summary grouped by API code.

Every line is shown with its control characters escaped, so a file name cannot
forge a line or send the terminal an escape sequence.
A file that was not checked (the machine's setup, not the file, is at fault)
has its own mark, ``?``, and the summary ends with how to fix the setup.
``compact`` (under pre-commit, which runs one process per batch of files):
only failing and warned files, each with its fix, and one summary line.
"""

from __future__ import annotations

from validator.check.fixable import fix_hint, fixable
from validator.output.base import Formatter
from validator.records.codes import SUMMARY_PHRASES
from validator.records.data import display_text
from validator.records.findings import Finding, Report, Summary

_MARKS = {"pass": "✓", "fail": "✗", "warn": "!", "skip": "?"}
_COLORS = {"pass": "green", "fail": "red", "warn": "yellow", "skip": "magenta"}


def finding_text(finding: Finding) -> str:
    prefix = f"{finding.code} " if finding.code is not None else f"{finding.rule}: "
    return prefix + finding.message


def report_line(report: Report) -> tuple[str, str]:
    """The status ('pass', 'fail', 'warn', 'skip') and the one-line text for a report."""
    status = "skip" if report.not_checked else "fail" if not report.ok \
        else ("warn" if report.warnings else "pass")
    parts = [finding_text(f) for f in report.errors]
    parts += [f"warning: {finding_text(f)}" for f in report.warnings]
    detail = "  " + "; ".join(parts) if parts else ""
    return status, f"{_MARKS[status]} {report.path}{detail}"


def _files(count: int) -> str:
    return f"{count} file" if count == 1 else f"{count} files"


def summary_lines(summary: Summary) -> list[str]:
    """'12 files: 9 passed, 3 failed, 1 with warnings', then one line per API code and one per
    rule without a code, largest group first."""
    not_checked = f"{summary.not_checked} not checked, " if summary.not_checked else ""
    lines = [f"{_files(summary.files)}: {summary.passed} passed, {summary.failed} failed, "
             f"{not_checked}{summary.warnings} with warnings"]
    groups = [(count, str(code), f"{SUMMARY_PHRASES.get(code, 'failing')} ({code})")
              for code, count in summary.by_code.items()]
    groups += [(count, rule, f"failing {rule}") for rule, count in summary.by_rule.items()]
    for count, _, phrase in sorted(groups, key=lambda group: (-group[0], group[1])):
        lines.append(f"  {_files(count)} {phrase}")
    return lines


def setup_lines(summary: Summary) -> list[str]:
    """How to fix the setup, once per distinct fix, for the files that were not checked."""
    return [f"  {_files(count)} not checked: {hint}" for hint, count in summary.by_setup.items()]


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
        if self.compact:
            self._hints(report)
        if self.fix_hints:
            self._fix_hint(report)
        self.stream.flush()

    profile_name: str | None = None

    def begin(self, profile_name: str) -> None:
        self.profile_name = profile_name

    def _hints(self, report: Report) -> None:
        """'  fix: …' once per distinct fix under a failing or warned file."""
        for hint in dict.fromkeys(f.hint for f in report.findings if f.hint):
            self._emit(f"  fix: {hint}")

    def _fix_hint(self, report: Report) -> None:
        """'  fix: media-preflight fix clip.mov' under a failure `fix` can repair."""
        if fixable(report):
            self._emit(f"  fix: {fix_hint(report.path, self.profile_name)}")

    def end(self, summary: Summary) -> None:
        if self.compact:
            self._emit(summary_lines(summary)[0])
            return
        for line in summary_lines(summary):
            self._emit(line)
        for line in setup_lines(summary):
            self._emit(line, "skip")
