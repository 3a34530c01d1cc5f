"""media-preflight: predict the Akool API's error codes for a video before you upload it.

>>> from validator import validate
>>> validate("clip.mp4").codes          # doctest: +SKIP
[1204]
"""

from __future__ import annotations

from validator._version import __version__

TYPE_CHECKING = False   # not typing's: importing typing is most of a start-up's import time
if TYPE_CHECKING:
    from typing import Any

    from validator.api import validate, validate_many
    from validator.check.pairs import PairReport
    from validator.profiles.profile import Profile, load_profile
    from validator.records.facts import MediaFacts
    from validator.records.findings import Finding, Report
    from validator.repair.batch import fix_many
    from validator.repair.fixer import FixResult, fix

_LAZY = {
    "validate": "validator.api",
    "validate_many": "validator.api",
    "MediaFacts": "validator.records.facts",
    "Finding": "validator.records.findings",
    "Report": "validator.records.findings",
    "Profile": "validator.profiles.profile",
    "load_profile": "validator.profiles.profile",
    "fix": "validator.repair.fixer",
    "fix_many": "validator.repair.batch",
    "FixResult": "validator.repair.fixer",
    "PairReport": "validator.check.pairs",
}

__all__ = ["Finding", "FixResult", "MediaFacts", "PairReport", "Profile", "Report",
           "__version__", "fix", "fix_many", "load_profile", "validate", "validate_many"]


def __getattr__(name: str) -> Any:
    """Import the API on first use, so `media-preflight --help` stays fast."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'validator' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
