"""The models as plain data: JSON-ready values from the frozen dataclasses, and JSON text.

The records are NamedTuples (and a few dataclasses) so that a ``check`` run
starts without importing pydantic; pydantic validates what comes in from
outside (profiles, ``[tool.media-preflight]``: see :mod:`validator.schema`).
"""

from __future__ import annotations

import json
import math
from dataclasses import fields, is_dataclass
from functools import cache
from typing import Any


def printable_text(text: str) -> str:
    """Text as valid UTF-8: undecodable bytes of a file name (lone surrogates) as \\xNN."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls) if not f.metadata.get("exclude"))


def to_data(value: Any) -> Any:
    """JSON-ready data: records (NamedTuples, dataclasses) as dicts in field order (dataclass
    fields marked ``exclude`` left out), tuples as lists, non-finite floats as None, text as
    valid UTF-8."""
    if isinstance(value, tuple) and hasattr(value, "_fields"):   # a NamedTuple record
        return {name: to_data(getattr(value, name)) for name in value._fields}
    if is_dataclass(value) and not isinstance(value, type):
        return {name: to_data(getattr(value, name)) for name in _field_names(type(value))}
    if isinstance(value, str):
        return printable_text(value)
    if isinstance(value, (list, tuple)):
        return [to_data(item) for item in value]
    if isinstance(value, dict):
        return {str(key): to_data(item) for key, item in value.items()}
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def to_json(value: Any) -> str:
    """Compact JSON text of a model (UTF-8 characters kept as they are)."""
    return json.dumps(to_data(value), ensure_ascii=False, separators=(",", ":"))
