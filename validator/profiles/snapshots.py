"""Validated data remembered by content, so a run whose inputs were validated before
starts without pydantic.

A profile chain or a ``[tool.media-preflight]`` table is validated by pydantic
(:mod:`validator.profiles.schema`) the first time it is seen. What came out, as plain
JSON data, is kept under the cache directory in a file named by a digest of the
input data, its kind, the tool version and this code's identity; a later run
given the same input reads that instead. An entry that cannot be read or does
not load is a miss (validated again); an input that fails validation is never
stored. Writes are atomic (a temporary file renamed into place).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
_FOLDER = "validated-v1"


def key(kind: str, raw: Any) -> str:
    """The digest that names one input's entry."""
    from validator._version import __version__
    from validator.run.cache import code_identity, context_digest

    text = json.dumps(raw, sort_keys=True, default=repr, ensure_ascii=True)
    return context_digest(kind, __version__, code_identity(), text)


def validated(kind: str, raw: Any, build: Callable[[], T], dump: Callable[[T], Any],
              load: Callable[[Any], T], cache_dir: Path | None) -> T:
    """``load`` of the entry remembered for ``raw``, else ``build()`` (which validates and may
    raise), remembered as ``dump`` of it. Without a cache directory: ``build()``."""
    if cache_dir is None:
        return build()
    entry = cache_dir / _FOLDER / f"{key(kind, raw)}.json"
    remembered = _read(entry)
    if remembered is not None:
        try:
            return load(remembered)
        except (KeyError, TypeError, ValueError, AttributeError):
            pass
    value = build()
    _write(entry, dump(value))
    return value


def _read(entry: Path) -> Any:
    try:
        with entry.open("rb") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return None


def _write(entry: Path, data: Any) -> None:
    """Write ``data`` as the entry, atomically; a cache that cannot be written is skipped."""
    import tempfile

    with suppress(OSError):
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=entry.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle)
            os.replace(temp, entry)
        except BaseException:
            with suppress(OSError):
                os.unlink(temp)
            raise
