"""GitHub Actions workflow commands: an ``::error``/``::warning`` annotation per finding.

Each annotation names the file (relative to ``GITHUB_WORKSPACE``, the checkout,
so it attaches whatever the step's ``working-directory``) and a title with the
rule and code; the message says what is wrong and how to fix it (a checked URL
is named in the message, as it is no file of the checkout). The run ends
with the summary grouped by code, as plain lines and as a ``::notice``; when
``GITHUB_STEP_SUMMARY`` is set, the summary's Markdown table of failures by code
(:mod:`validator.output.summary`) is appended there.
"""

from __future__ import annotations

import os

from validator.output.base import Formatter
from validator.output.locations import display_path, printable
from validator.output.summary import Examples, markdown_summary
from validator.output.text import setup_lines, summary_lines
from validator.records.data import display_text
from validator.records.findings import Finding, Report, Summary
from validator.records.redact import is_url

TITLE = "media-preflight"


def escape_data(text: str) -> str:
    """A command's message: ``%``, CR and LF percent-encoded, other control characters
    escaped (see :func:`~validator.records.data.display_text`)."""
    encoded = printable(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return display_text(encoded)


def escape_property(text: str) -> str:
    """A command's property value: as a message, plus ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: str) -> str:
    """One workflow command line: ``::name key=value,key=value::message``."""
    props = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::{name}{' ' if props else ''}{props}::{escape_data(message)}"


def annotation(path: str, finding: Finding) -> str:
    """The ``::error``/``::warning`` line for one finding on one file."""
    code = f" {finding.code}" if finding.code is not None else ""
    title = f"{TITLE}{code} ({finding.rule})"
    message = f"{finding.message}\nFix: {finding.hint}" if finding.hint else finding.message
    if is_url(path):
        return command(finding.severity, f"{path}: {message}", title=title)
    workspace = os.environ.get("GITHUB_WORKSPACE") or None
    return command(finding.severity, message, file=display_path(path, workspace), title=title)


class GithubFormatter(Formatter):
    """Annotations as files finish, then the summary."""

    def begin(self, profile_name: str) -> None:
        self.profile_name = profile_name
        self.examples = Examples()

    def report(self, report: Report) -> None:
        self.examples.add(report)
        for finding in report.findings:
            self.stream.write(annotation(report.path, finding) + "\n")
        self.stream.flush()

    def end(self, summary: Summary) -> None:
        lines = summary_lines(summary) + setup_lines(summary)
        for line in lines:
            self.stream.write(display_text(line) + "\n")
        self.stream.write(command("notice", "\n".join(lines), title=f"{TITLE} summary") + "\n")
        self.stream.flush()
        target = os.environ.get("GITHUB_STEP_SUMMARY")
        if target:
            try:
                with open(target, "a", encoding="utf-8") as handle:
                    handle.write(markdown_summary(summary, self.profile_name, self.examples))
            except OSError:
                pass  # the job summary is a nicety; the annotations are the report
