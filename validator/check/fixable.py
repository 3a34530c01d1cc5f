"""Which failures ``fix`` can repair, and the command that does it (for ``check --fix-hints``).

Kept apart from :mod:`validator.repair` so that the text output can name the
command without importing the repair code (or pydantic).
"""

from __future__ import annotations

import shlex

from validator.profiles.profile import DEFAULT_PROFILE
from validator.records.findings import Finding, Report
from validator.records.redact import is_url
from validator.rules.image_input import not_a_picture

FIXABLE_RULES = frozenset({"max-duration", "max-frame-rate", "video-codec", "audio-present",
                           "max-size", "image-input"})


def unfixable_findings(report: Report) -> list[Finding]:
    """The error findings no re-encode can repair (not media, no video stream, an image
    input that is no picture whose size can be read)."""
    media = report.media
    no_video = media is None or media.main_video is None
    no_picture = media is None or not_a_picture(media) is not None
    return [f for f in report.errors
            if f.rule not in FIXABLE_RULES or (f.rule == "video-codec" and no_video)
            or (f.rule == "image-input" and no_picture)]


def fixable(report: Report) -> bool:
    """True when the report fails and ``fix`` can repair every error it has (a local file:
    ``fix`` does not download URLs)."""
    return not report.ok and not is_url(report.path) and not unfixable_findings(report)


def fix_hint(path: str, profile_name: str | None = None) -> str:
    """The ``media-preflight fix`` command for a file (with ``--profile`` unless the default)."""
    shown = f"./{path}" if path.startswith("-") else path
    named = profile_name not in (None, DEFAULT_PROFILE)
    profile = f" --profile {shlex.quote(str(profile_name))}" if named else ""
    return f"media-preflight fix{profile} {shlex.quote(shown)}"
