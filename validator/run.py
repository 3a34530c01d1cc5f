"""A ``check`` run: settings in, formatted reports out, exit status back."""

from __future__ import annotations

import os
import sys
from typing import TextIO

from validator.api import validate_many
from validator.config import Settings
from validator.findings import Summary
from validator.formatters import get_formatter
from validator.profile import Profile, load_profile


def choose_format(name: str, stream: TextIO) -> tuple[str, bool]:
    """Resolve ``auto``: the format to use and whether to colour it."""
    is_tty = hasattr(stream, "isatty") and stream.isatty()
    if name != "auto":
        return name, name == "text" and is_tty and "NO_COLOR" not in os.environ
    return "text", is_tty and "NO_COLOR" not in os.environ


def load_run_profile(settings: Settings) -> Profile:
    """The profile named by the settings, with pyproject.toml's rule overrides on top."""
    return load_profile(settings.profile, overrides=settings.rule_overrides or None,
                        overrides_source=settings.overrides_source)


def run_check(settings: Settings, stream: TextIO | None = None) -> int:
    """Check every path, stream the reports to ``stream``, return the exit status."""
    out = stream or sys.stdout
    profile = load_run_profile(settings)
    name, color = choose_format(settings.output_format, out)
    formatter = get_formatter(name)(out, quiet=settings.quiet, color=color)
    summary = Summary()
    formatter.begin(profile.name)
    for report in validate_many(settings.paths, profile=profile, probe=settings.probe,
                                jobs=settings.jobs, exclude=settings.exclude,
                                include_hidden=settings.include_hidden,
                                cache_dir=settings.cache_dir):
        summary.add(report)
        formatter.report(report)
    formatter.end(summary)
    if summary.files == 0:
        print("media-preflight: error: no media files found in "
              f"{', '.join(settings.paths)} (name a file to check it whatever its extension)",
              file=sys.stderr)
        return 2
    return summary.exit_status
