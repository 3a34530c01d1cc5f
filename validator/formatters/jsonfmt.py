"""Machine formats: ``json`` (one object for the run) and ``jsonl`` (one line per file)."""

from __future__ import annotations

import json
from typing import Any

from validator.findings import Report, Summary
from validator.formatters.base import Formatter


def report_data(report: Report) -> dict[str, Any]:
    """A report as plain JSON data: path, ok, codes, findings, media."""
    return report.model_dump(mode="json")


def summary_data(summary: Summary) -> dict[str, int]:
    """The summary's public counts: files, passed, failed, warnings (files with warnings)."""
    return summary.model_dump(mode="json")


class JsonFormatter(Formatter):
    """``{"profile", "results": [...], "summary": {...}}``, written at the end."""

    def begin(self, profile_name: str) -> None:
        self.profile_name = profile_name
        self.results: list[dict[str, Any]] = []

    def report(self, report: Report) -> None:
        self.results.append(report_data(report))

    def end(self, summary: Summary) -> None:
        document = {"profile": self.profile_name, "results": self.results,
                    "summary": summary_data(summary)}
        json.dump(document, self.stream, indent=2, ensure_ascii=False)
        self.stream.write("\n")


class JsonLinesFormatter(Formatter):
    """One JSON object per file, flushed as each file finishes; a last line holds the summary."""

    def report(self, report: Report) -> None:
        self.stream.write(json.dumps(report_data(report), ensure_ascii=False) + "\n")
        self.stream.flush()

    def end(self, summary: Summary) -> None:
        self.stream.write(json.dumps({"summary": summary_data(summary)}) + "\n")
        self.stream.flush()
