"""The models as plain data: JSON-ready values from the frozen dataclasses, and JSON text.

The records are NamedTuples (and a few dataclasses) so that a ``check`` run
starts without importing pydantic; pydantic validates what comes in from
outside (profiles, ``[tool.media-preflight]``: see :mod:`validator.profiles.schema`).
"""

from __future__ import annotations

import json
import math
import re
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


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape(found: re.Match[str]) -> str:
    code = ord(found.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def display_text(text: str) -> str:
    """Text safe to show a person, a terminal or a log parser: :func:`printable_text`, with
    control characters (a newline that forges a line or a workflow command, an escape
    sequence, a bidi override) as ``\\xNN``/``\\uNNNN``."""
    return _CONTROL.sub(_escape, printable_text(text))


@cache
def _record_fields(cls: type) -> tuple[str, ...] | None:
    """The fields to show of a record type (a NamedTuple's, or a dataclass's not marked
    ``exclude``), or None for any other type."""
    if issubclass(cls, tuple) and hasattr(cls, "_fields"):
        return tuple(cls._fields)
    if is_dataclass(cls):
        return tuple(f.name for f in fields(cls) if not f.metadata.get("exclude"))
    return None


_PLAIN = frozenset({type(None), bool, int})


def to_data(value: Any) -> Any:
    """JSON-ready data: records (NamedTuples, dataclasses) as dicts in field order (dataclass
    fields marked ``exclude`` left out), tuples as lists, non-finite floats as None, text as
    valid UTF-8. (Run for every report written: the common types are tested first.)"""
    kind: type = type(value)
    if kind in _PLAIN:
        return value
    if kind is str:
        return printable_text(value)
    if kind is float:
        return value if math.isfinite(value) else None
    names = _record_fields(kind)
    if names is not None:
        return {name: to_data(getattr(value, name)) for name in names}
    if isinstance(value, (list, tuple)):
        return [to_data(item) for item in value]
    if isinstance(value, dict):
        return {str(key): to_data(item) for key, item in value.items()}
    if isinstance(value, str):
        return printable_text(str(value))
    if isinstance(value, float):
        return to_data(float(value))
    return value


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def to_json(value: Any) -> str:
    """Compact JSON text of a model (UTF-8 characters kept as they are)."""
    return _ENCODER.encode(to_data(value))
