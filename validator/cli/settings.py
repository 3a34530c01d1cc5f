"""Run settings: ``[tool.media-preflight]`` in the nearest pyproject.toml, then flags."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from validator.profiles.profile import DEFAULT_PROFILE, ProfileError
from validator.profiles.snapshots import validated
from validator.records.data import to_data

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

TOOL_KEY = "media-preflight"


class ToolTable(NamedTuple):
    """``[tool.media-preflight]``, validated (see :class:`validator.profiles.schema.ToolTable`)."""

    profile: str | None = None
    probe: str | None = None
    exclude: tuple[str, ...] = ()
    jobs: int | None = None
    gitignore: bool | None = None
    rules: dict[str, dict[str, Any]] = {}   # read, never changed


@dataclass
class Settings:
    """Everything a ``check`` run needs, after pyproject.toml and flags are merged."""

    paths: tuple[str, ...]
    profile: str = DEFAULT_PROFILE
    probe: str = "auto"
    output_format: str = "auto"
    jobs: int | None = None
    exclude: tuple[str, ...] = ()
    quiet: bool = False
    include_hidden: bool = False
    fix_hints: bool = False
    gitignore: bool = False
    output: str | None = None
    progress: bool | None = None
    scheduler: str | None = None
    cache_dir: Path | None = None
    snapshot_dir: Path | None = None
    timeout: float = 30.0
    pairs: tuple[tuple[str, str], ...] = ()
    rule_overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    overrides_source: str = "pyproject.toml"
    force_exclude: bool = False
    strict: bool = False
    exit_zero: bool = False
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    color: str = "auto"
    precommit: bool = False


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
    try:
        with pyproject.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{pyproject}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ProfileError(f"{pyproject}: cannot read: {exc.strerror or exc}") from None
    tool = data.get("tool", {})
    table = tool.get(TOOL_KEY, {}) if isinstance(tool, dict) else {}
    if table == {}:
        return ToolTable()
    checked: ToolTable = validated("tool-table", table, lambda: _validate_table(pyproject, table),
                                   to_data, _table_from_data, cache_dir)
    return checked


def _validate_table(pyproject: Path, table: Any) -> ToolTable:
    from validator.profiles.schema import ToolTable as ToolTableModel
    from validator.profiles.schema import ValidationError, first_error

    try:
        model = ToolTableModel.model_validate(table)
    except ValidationError as exc:
        raise ProfileError(f"{pyproject}: {first_error(exc, f'tool.{TOOL_KEY}')}") from None
    return _table_from_data(model.model_dump())


def _table_from_data(data: dict[str, Any]) -> ToolTable:
    return ToolTable(**{**data, "exclude": tuple(data["exclude"]), "rules": dict(data["rules"])})


def build_settings(paths: tuple[str, ...], cwd: Path, **flags: Any) -> Settings:
    """Merge pyproject.toml's table with the flags that were given (None = not given)."""
    snapshot_dir = _cache_folder(flags.get("cache_dir"))
    pyproject = find_pyproject(cwd)
    table = read_tool_table(pyproject, snapshot_dir) if pyproject else ToolTable()
    profile = flags.get("profile") or _profile_from_table(table, pyproject) or DEFAULT_PROFILE
    pairs = _pairs(paths, flags.get("audio"), flags.get("pairs_file"))
    if pairs:
        from validator.check.pairs import LIPSYNC_PROFILE

        profile = LIPSYNC_PROFILE if profile == DEFAULT_PROFILE else profile
    return Settings(
        paths=paths,
        profile=profile,
        probe=flags.get("probe") or table.probe or "auto",
        output_format=flags.get("output_format") or "auto",
        jobs=flags.get("jobs") or table.jobs,
        exclude=tuple(table.exclude) + tuple(flags.get("exclude") or ()),
        quiet=bool(flags.get("quiet")),
        include_hidden=bool(flags.get("include_hidden")),
        fix_hints=bool(flags.get("fix_hints")),
        gitignore=bool(table.gitignore if flags.get("gitignore") is None else flags["gitignore"]),
        output=flags.get("output") or None,
        progress=flags.get("progress"),
        scheduler=flags.get("scheduler") or None,
        cache_dir=None if flags.get("no_cache") else snapshot_dir,
        snapshot_dir=snapshot_dir,
        timeout=flags.get("timeout") or 30.0,
        pairs=pairs,
        rule_overrides=table.rules,
        overrides_source=str(pyproject) if pyproject else "pyproject.toml",
        force_exclude=bool(flags.get("force_exclude")),
        strict=bool(flags.get("strict")),
        exit_zero=bool(flags.get("exit_zero")),
        select=_rule_selection(flags.get("select"), "--select"),
        ignore=_rule_selection(flags.get("ignore"), "--ignore"),
        color=flags.get("color") or "auto",
        precommit=os.environ.get("PRE_COMMIT") == "1",
    )


def _rule_selection(given: tuple[str, ...] | None, option: str) -> tuple[str, ...]:
    """Rule ids and API codes (comma-separated or repeated), each checked to exist."""
    from validator.rules import RULES

    names = tuple(name.strip() for item in given or () for name in item.split(",") if name.strip())
    codes = {str(rule.code) for rule in RULES.values() if rule.code is not None}
    for name in names:
        if name not in RULES and name not in codes:
            raise ValueError(f"{option}: unknown rule or code {name!r} (rules: "
                             f"{', '.join(RULES)}; codes: {', '.join(sorted(codes))})")
    return names


def _pairs(paths: tuple[str, ...], audio: str | None,
           manifest: str | None) -> tuple[tuple[str, str], ...]:
    """Lipsync pairs from ``--audio`` (with one video) or ``--pairs FILE`` (with no paths)."""
    if audio and manifest:
        raise ValueError("--audio and --pairs cannot be used together")
    if audio:
        if len(paths) != 1:
            raise ValueError("--audio goes with exactly one video (file or URL)")
        return ((paths[0], audio),)
    if manifest:
        if paths:
            raise ValueError("--pairs takes no other paths (list every pair in the manifest)")
        from validator.check.pairs import read_manifest

        return tuple((pair.video, pair.audio) for pair in read_manifest(manifest))
    if not paths:
        raise ValueError("name a file, folder or URL to check (or --pairs FILE)")
    return ()


def _profile_from_table(table: ToolTable, pyproject: Path | None) -> str | None:
    if table.profile is None or pyproject is None:
        return table.profile
    looks_like_path = table.profile.endswith(".toml") or "/" in table.profile
    return str(pyproject.parent / table.profile) if looks_like_path else table.profile


def _cache_folder(given: str | None) -> Path:
    """The cache folder: the given one, or the user cache directory.

    It holds the result cache (unless ``--no-cache``) and the validated profiles and
    settings (:mod:`validator.profiles.snapshots`; kept even with ``--no-cache``: they are
    remembered by content, so they cannot go stale).
    """
    if given:
        return Path(given)
    from validator.run.cache import default_cache_dir

    return default_cache_dir()
