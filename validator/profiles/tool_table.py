"""``[tool.media-preflight]`` in the nearest pyproject.toml: what it may hold, read and
validated (once per content: :mod:`validator.profiles.snapshots`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from validator.probe import ProbeName
from validator.profiles.profile import ProfileError, read_toml
from validator.profiles.snapshots import record_from_data, validated
from validator.records.data import to_data

TOOL_KEY = "media-preflight"


class ToolTable(NamedTuple):
    """The table's keys, their types and defaults (an absent key: the flag or the default
    decides). ``rules`` has the shape of a profile's ``rules`` tables, layered on top."""

    profile: str | None = None
    probe: ProbeName | None = None
    exclude: tuple[str, ...] = ()
    jobs: int | None = None
    gitignore: bool | None = None
    rules: dict[str, dict[str, Any]] = {}   # read, never changed


# pydantic Field arguments per key: its bounds, and its description for the JSON Schema.
TABLE_CONSTRAINTS: dict[str, dict[str, Any]] = {
    "profile": {"description": "Profile: a shipped name or a .toml file, relative to this "
                               "pyproject.toml."},
    "probe": {"description": "How to read files [default: auto]."},
    "exclude": {"description": "Globs of paths to skip."},
    "jobs": {"ge": 1, "description": "Worker processes [default: CPUs]."},
    "gitignore": {"description": "In folders, skip what git ignores."},
    "rules": {"description": "Rule settings on top of the profile's, by rule id."},
}


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above ``start``."""
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def read_tool_table(pyproject: Path, cache_dir: Path | None = None) -> ToolTable:
    """``[tool.media-preflight]`` of one pyproject.toml (empty when absent), validated; with
    ``cache_dir``, a table validated before is not validated again."""
    data = read_toml(pyproject)
    tool = data.get("tool", {})
    table = tool.get(TOOL_KEY, {}) if isinstance(tool, dict) else {}
    if table == {}:
        return ToolTable()
    checked: ToolTable = validated("tool-table", table, lambda: _validate(pyproject, table),
                                   to_data, _from_data, cache_dir)
    return checked


def _validate(pyproject: Path, table: Any) -> ToolTable:
    from validator.profiles.schema import (
        ValidationError,
        first_error,
        tool_table_model,
        validate_record,
    )

    try:
        return validate_record(ToolTable, tool_table_model(), table)
    except ValidationError as exc:
        raise ProfileError(f"{pyproject}: {first_error(exc, f'tool.{TOOL_KEY}')}") from None


def _from_data(data: dict[str, Any]) -> ToolTable:
    return record_from_data(ToolTable, data)
