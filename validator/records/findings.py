"""Findings (what one rule says about one file) and per-file reports."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from validator.records.data import printable_text, to_json
from validator.records.facts import MediaFacts
from validator.records.redact import is_url, redact_url

Severity = Literal["error", "warning"]
Value = float | int | str | list[str] | None


class Finding(NamedTuple):
    """One problem: which rule, which API code, how bad, and how to fix it."""

    rule: str
    code: int | None
    severity: Severity
    message: str
    actual: Value = None
    limit: Value = None
    hint: str = ""


def printable_path(path: str) -> str:
    """A path as valid UTF-8 text: undecodable bytes of the file name shown as \\xNN escapes.

    A URL is shown without its credentials (see :mod:`validator.records.redact`).
    """
    return redact_url(path) if is_url(path) else printable_text(path)


class Report(NamedTuple):
    """The verdict for one file: ``ok`` is false when any finding is an error."""

    path: str
    ok: bool
    codes: list[int]
    findings: list[Finding]
    media: MediaFacts | None = None

    @classmethod
    def from_findings(
        cls, path: str, findings: list[Finding], media: MediaFacts | None
    ) -> Report:
        """Build a report, deriving ``ok`` and the sorted distinct error ``codes``."""
        errors = [f for f in findings if f.severity == "error"]
        codes = sorted({f.code for f in errors if f.code is not None})
        shown = printable_path(path)
        if media is not None and media.path != shown:
            media = media._replace(path=shown)
        return cls(path=shown, ok=not errors, codes=codes, findings=findings, media=media)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Report:
        """A report back from its JSON data (see :func:`validator.records.data.to_data`)."""
        media = data.get("media")
        return cls(path=data["path"], ok=data["ok"], codes=list(data["codes"]),
                   findings=[Finding(**finding) for finding in data["findings"]],
                   media=MediaFacts.from_data(media) if media is not None else None)

    def relocated(self, path: str) -> Report:
        """The same report shown under another path (a cached one, under this run's name)."""
        if self.path == path:
            return self
        media = self.media._replace(path=path) if self.media is not None else None
        return self._replace(path=path, media=media)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def io_failed(self) -> bool:
        """True when the file could not be read from disk at all (exit status 2)."""
        return self.media is not None and self.media.problem_kind == "io"


class StoredReport(Report):
    """A Report read back from its JSON text (the result cache's), which it keeps, so that
    writing it as JSON again costs nothing. A changed copy (``_replace``) keeps no text."""

    json_text: str = ""

    @classmethod
    def from_json(cls, text: str) -> StoredReport:
        """The report that ``text`` (made by :func:`report_json`) holds."""
        report = cls(*Report.from_data(json.loads(text)))
        report.json_text = text
        return report


def report_json(report: Report) -> str:
    """A report as compact JSON text (a stored report's own text when it has one)."""
    if isinstance(report, StoredReport) and report.json_text:
        return report.json_text
    return to_json(report)


@dataclass
class Summary:
    """Counts over a run: files, files passed, files failed, files with warnings.

    ``io_errors`` and ``by_code`` serve the exit status and the text summary;
    they are not part of the JSON summary.
    """

    files: int = 0
    passed: int = 0
    failed: int = 0
    warnings: int = 0
    io_errors: int = field(default=0, metadata={"exclude": True})
    by_code: dict[int, int] = field(default_factory=dict, metadata={"exclude": True})

    def add(self, report: Report) -> None:
        """Count one more report."""
        self.files += 1
        if report.ok:
            self.passed += 1
        else:
            self.failed += 1
        if report.warnings:
            self.warnings += 1
        if report.io_failed:
            self.io_errors += 1
        for code in report.codes:
            self.by_code[code] = self.by_code.get(code, 0) + 1

    @property
    def exit_status(self) -> int:
        """0 all pass, 1 any error finding, 2 a file could not be read from disk."""
        if self.io_errors:
            return 2
        return 1 if self.failed else 0
