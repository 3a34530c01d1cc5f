"""Why a fix did not happen: a usage or setup problem, or FFmpeg itself failing."""

from __future__ import annotations

from validator.records.errors import UsageError


class FixError(UsageError):
    """A fix that cannot start (bad paths, no FFmpeg); the CLI exits 2."""


class FfmpegFailed(RuntimeError):
    """FFmpeg ran and failed; the message is the end of its error output."""


class Stopped(Exception):
    """The run was stopped (Ctrl-C) while this FFmpeg ran; it was killed."""
