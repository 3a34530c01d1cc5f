"""What a verdict depends on besides the file: this code's identity, as short digests
(for the result cache and the validated-profile snapshots)."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

__all__ = ["code_identity", "context_digest"]


@functools.cache
def code_identity() -> str:
    """Size and mtime of this package's modules: an edited checkout never reuses old verdicts."""
    package = Path(__file__).resolve().parents[1]
    entries = []
    for module in sorted(package.rglob("*.py")):
        st = module.stat()
        entries.append(f"{module.relative_to(package)}:{st.st_size}:{st.st_mtime_ns}")
    return context_digest(*entries)


def context_digest(*parts: str) -> str:
    """One short digest of everything besides the file that a verdict depends on."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
