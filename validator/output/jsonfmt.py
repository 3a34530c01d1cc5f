"""Machine formats: ``json`` (one object for the run) and ``jsonl`` (one line per file)."""

from __future__ import annotations

import json

from validator.output.base import Formatter
from validator.records.data import to_data
from validator.records.findings import Report, Summary, report_json


def summary_data(summary: Summary) -> dict[str, int]:
    """The summary's public counts: files, passed, failed, warnings (files with warnings)."""
    data: dict[str, int] = to_data(summary)
    return data


class JsonFormatter(Formatter):
    """``{"profile", "results": [...], "summary": {...}}``: one result per line, streamed.

    Nothing is held back: each result is written as its file finishes (one line
    each), so memory stays flat however many files there are.
    """

    def begin(self, profile_name: str) -> None:
        self.stream.write('{"profile": ' + json.dumps(profile_name, ensure_ascii=False)
                          + ', "results": [')
        self.count = 0

    def report(self, report: Report) -> None:
        self.stream.write(("\n  " if self.count == 0 else ",\n  ") + report_json(report))
        self.count += 1

    def end(self, summary: Summary) -> None:
        closing = "\n]" if self.count else "]"
        self.stream.write(closing + ', "summary": ' + json.dumps(summary_data(summary)) + "}\n")


class JsonLinesFormatter(Formatter):
    """One JSON object per file, flushed as each file finishes; a last line holds the summary."""

    def report(self, report: Report) -> None:
        self.stream.write(report_json(report) + "\n")
        self.stream.flush()

    def end(self, summary: Summary) -> None:
        self.stream.write(json.dumps({"summary": summary_data(summary)}) + "\n")
        self.stream.flush()
