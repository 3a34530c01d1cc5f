"""Validated data remembered by content, so a run whose inputs were validated before
starts without pydantic (whose import alone costs about a third of a one-file check).

A profile chain or a ``[tool.media-preflight]`` table is validated by pydantic
(:mod:`validator.profiles.schema`) the first time it is seen. The result, as plain
JSON data, is kept under the cache directory in a file named by a digest of the
*input* data, its kind, the tool version and this code's identity; a later run
given the same input reads that instead.

Nothing here knows what a profile holds, and nothing validates twice. Two checks keep
a remembered value exactly the validated one:

- an entry is written only if its JSON loads back equal to the value validated
  (so a value JSON cannot carry, such as a float JSON has no number for, is never
  remembered);
- an entry's first line is the digest of the JSON below it, and the entry is used only
  if that still matches (so an entry edited or cut short is validated again, as is one
  that does not load).

An input that fails validation is never stored. Writes are atomic (a temporary file
renamed into place); a cache that cannot be written is skipped.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Mapping
from contextlib import suppress
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")
_FOLDER = "validated-v1"


def key(kind: str, raw: Any) -> str:
    """The digest that names one input's entry."""
    from validator._version import __version__
    from validator.records.identity import code_identity, context_digest

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
        with suppress(KeyError, TypeError, ValueError, AttributeError):
            return load(remembered)
    value = build()
    text = _round_trip(value, dump, load)
    if text is not None:
        _write(entry, text)
    return value


def record_from_data(record: type[R], data: Mapping[str, Any]) -> R:
    """A NamedTuple from its JSON data (arrays back to tuples, its fields' only sequence)."""
    return record(**{name: tuple(value) if isinstance(value, list) else value
                     for name, value in data.items()})


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _round_trip(value: T, dump: Callable[[T], Any], load: Callable[[Any], T]) -> str | None:
    """The entry's text for ``value``, or None when its JSON would not load back equal."""
    try:
        data = json.dumps(dump(value), allow_nan=False, sort_keys=True)
        if load(json.loads(data)) != value:
            return None
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    return f"{_digest(data)}\n{data}"


def _read(entry: Path) -> Any:
    """An entry's data if the entry is whole and unchanged, else None."""
    try:
        digest, _, data = entry.read_text(encoding="utf-8").partition("\n")
        return json.loads(data) if digest == _digest(data) else None
    except (OSError, ValueError):
        return None


def _write(entry: Path, text: str) -> None:
    """Write ``text`` as the entry, atomically; a cache that cannot be written is skipped."""
    import tempfile

    with suppress(OSError):
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=entry.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(temp, entry)
        except BaseException:
            with suppress(OSError):
                os.unlink(temp)
            raise
