"""One run, several reports: a formatter that hands every call on to several others
(the terminal's annotations, a SARIF file, an HTML report ... from one check)."""

from __future__ import annotations

from collections.abc import Sequence

from validator.output.base import Formatter
from validator.records.findings import Report, Summary


class FanOut(Formatter):
    """Calls each formatter in turn, in the order given."""

    def __init__(self, formatters: Sequence[Formatter]) -> None:
        super().__init__(formatters[0].stream)
        self.formatters = tuple(formatters)

    def begin(self, profile_name: str) -> None:
        for formatter in self.formatters:
            formatter.begin(profile_name)

    def report(self, report: Report) -> None:
        for formatter in self.formatters:
            formatter.report(report)

    def end(self, summary: Summary) -> None:
        for formatter in self.formatters:
            formatter.end(summary)
