"""The run's summary in Markdown: a table of failures by API code, with a few example files.

It is what a CI job's page shows (GitHub's ``$GITHUB_STEP_SUMMARY``, written by the
``github`` format) and what ``--format markdown`` prints. File names and profile
names are written as HTML entities where Markdown would read them as markup.
"""

from __future__ import annotations

import html

from validator.output.base import Formatter
from validator.output.locations import display_path, printable
from validator.output.text import summary_lines
from validator.records.codes import API_CODES, SUMMARY_PHRASES
from validator.records.findings import Report, Summary

TITLE = "media-preflight"
EXAMPLES = 3
_MARKDOWN_ENTITIES = str.maketrans({
    "|": "&#124;", "`": "&#96;", "*": "&#42;", "_": "&#95;", "[": "&#91;", "]": "&#93;",
    "\\": "&#92;", "#": "&#35;", "~": "&#126;", "!": "&#33;", "\n": " ", "\r": " ",
})


def markdown_text(text: str) -> str:
    """Text that Markdown (and the HTML it allows) shows as written, on one line."""
    return html.escape(printable(text), quote=True).translate(_MARKDOWN_ENTITIES)


class Examples:
    """The first few failing files per API code, collected as reports go by."""

    def __init__(self, keep: int = EXAMPLES) -> None:
        self.keep = keep
        self.by_code: dict[int, list[str]] = {}

    def add(self, report: Report) -> None:
        for code in report.codes:
            paths = self.by_code.setdefault(code, [])
            if len(paths) < self.keep:
                paths.append(display_path(report.path))


def markdown_summary(summary: Summary, profile_name: str, examples: Examples) -> str:
    """'### media-preflight (akool)', the counts, and a table of failures by code."""
    head = summary_lines(summary)[0]
    lines = [f"### {TITLE} ({markdown_text(profile_name)})", "", head]
    if summary.by_code:
        lines += ["", "| Code | Files | Failure | For example |", "|---:|---:|---|---|"]
        lines += [code_row(code, count, summary, examples)
                  for code, count in sorted(summary.by_code.items(),
                                            key=lambda item: (-item[1], item[0]))]
    return "\n".join(lines) + "\n"


def code_row(code: int, count: int, summary: Summary, examples: Examples) -> str:
    """One table row: the code, its file count, what it means, the first few files."""
    phrase = SUMMARY_PHRASES.get(code, "failing")
    meaning = API_CODES.get(code, "rejected")
    shown = examples.by_code.get(code, [])
    names = ", ".join(f"<code>{markdown_text(path)}</code>" for path in shown)
    more = count - len(shown)
    if more > 0 and shown:
        names += f" and {more} more"
    return f"| {code} | {count} | {phrase}: {markdown_text(meaning)} | {names} |"


class MarkdownFormatter(Formatter):
    """Only the summary table, written at the end."""

    def begin(self, profile_name: str) -> None:
        self.profile_name = profile_name
        self.examples = Examples()

    def report(self, report: Report) -> None:
        self.examples.add(report)

    def end(self, summary: Summary) -> None:
        self.stream.write(markdown_summary(summary, self.profile_name, self.examples))
        self.stream.flush()
