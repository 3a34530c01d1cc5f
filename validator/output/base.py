"""The interface every output format implements: begin, one call per report, end."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from validator.records.findings import Report, Summary

if TYPE_CHECKING:
    from validator.profiles.profile import Profile


class Formatter:
    """Renders a run's reports to a stream as they arrive."""

    fix_hints = False  # text: show the `fix` command under fixable failures
    profile: Profile | None = None  # the profile checked against (html: its limits drawn)
    compact = False    # text, under pre-commit: failures and warnings with their fix, one summary

    def __init__(self, stream: TextIO, *, quiet: bool = False, color: bool = False) -> None:
        self.stream = stream
        self.quiet = quiet
        self.color = color

    def begin(self, profile_name: str) -> None:
        """Called once before the first report."""

    def report(self, report: Report) -> None:
        """Called once per file, in order."""

    def end(self, summary: Summary) -> None:
        """Called once after the last report."""
