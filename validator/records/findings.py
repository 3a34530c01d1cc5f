"""Findings (what one rule says about one file) and per-file reports."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from validator.records.data import printable_text, to_data, to_json
from validator.records.facts import MediaFacts
from validator.records.redact import is_url, redact_url

Severity = Literal["error", "warning"]
Status = Literal["passed", "failed", "not-checked"]
Value = float | int | str | list[str] | None

NOT_CHECKED_KINDS = ("io", "timeout", "setup")
"""Problems of the machine, not of the file: the file was not checked, so no API code applies."""


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
    """The verdict for one file: ``ok`` is false when any finding is an error.

    ``status`` is ``passed`` or ``failed`` for a file that was checked, and
    ``not-checked`` when the tool's own setup kept it from checking the file
    (it could not be read from disk, a prober is missing or broken, the probe
    ran past the time limit).
    """

    path: str
    ok: bool
    codes: list[int] = []
    findings: list[Finding] = []
    media: MediaFacts | None = None
    status: Status = "passed"

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
        return cls(path=shown, ok=not errors, status=_status(errors, media), codes=codes,
                   findings=findings, media=media)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Report:
        """A report back from its JSON data (see :func:`validator.records.data.to_data`)."""
        media = data.get("media")
        return cls(path=data["path"], ok=data["ok"], status=data["status"],
                   codes=list(data["codes"]),
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
    def not_checked(self) -> bool:
        """True when the file was not checked (exit status 2): see ``status``."""
        return self.status == "not-checked"

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready data the CLI prints for this file (``--format json``)."""
        data: dict[str, Any] = to_data(self)
        return data

    def to_json(self) -> str:
        """The JSON text the CLI prints for this file (one line of ``--format jsonl``)."""
        return to_json(self)


def _status(errors: list[Finding], media: MediaFacts | None) -> Status:
    if media is not None and media.problem_kind in NOT_CHECKED_KINDS:
        return "not-checked"
    return "failed" if errors else "passed"


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
    """Counts over a run: files, and of them passed, failed, not checked, with warnings.

    ``by_code`` (failed files by API code), ``by_rule`` (failed files by the
    rule of a finding without a code) and ``by_setup`` (files not checked, by
    how to fix the setup) serve the text summary; they are not part of the JSON
    summary.
    """

    files: int = 0
    passed: int = 0
    failed: int = 0
    not_checked: int = 0
    warnings: int = 0
    by_code: dict[int, int] = field(default_factory=dict, metadata={"exclude": True})
    by_rule: dict[str, int] = field(default_factory=dict, metadata={"exclude": True})
    by_setup: dict[str, int] = field(default_factory=dict, metadata={"exclude": True})

    def add(self, report: Report) -> None:
        """Count one more report."""
        self.files += 1
        if report.status == "passed":
            self.passed += 1
        elif report.status == "failed":
            self.failed += 1
        else:
            self.not_checked += 1
        if report.warnings:
            self.warnings += 1
        for code in report.codes:
            self.by_code[code] = self.by_code.get(code, 0) + 1
        if report.status == "failed":
            _count(self.by_rule, sorted({f.rule for f in report.errors if f.code is None}))
        elif report.status == "not-checked":
            _count(self.by_setup, dict.fromkeys(f.hint for f in report.errors))

    def exit_status(self, strict: bool = False, exit_zero: bool = False) -> int:
        """2 a file was not checked; else with ``exit_zero`` 0; else 1 a file fails (or, when
        ``strict``, has a warning); else 0."""
        if self.not_checked:
            return 2
        if exit_zero:
            return 0
        return 1 if self.failed or (strict and self.warnings) else 0


def _count(counts: dict[str, int], keys: Iterable[str]) -> None:
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
