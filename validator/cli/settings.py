"""Run settings: the command line as given (:class:`CheckOptions`, filled by click), merged with
``[tool.media-preflight]`` in the nearest pyproject.toml into the :class:`Settings` a run uses.

A new option is one field of :class:`CheckOptions` (None or empty when not given) and,
if the run needs it resolved, one of :class:`Settings`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from validator.profiles.profile import DEFAULT_PROFILE
from validator.profiles.tool_table import ToolTable, find_pyproject, read_tool_table
from validator.records.errors import UsageError
from validator.run.memory import DEFAULT_MAX_MEMORY, parse_size
from validator.run.work import DEFAULT_TIMEOUT

if TYPE_CHECKING:   # the pairs module loads only for a run of jobs
    from validator.check.pairs import Pair


@dataclass(frozen=True)
class CheckOptions:
    """``check``'s command line: one field per option, None (or empty) where not given."""

    paths: tuple[str, ...] = ()
    profile: str | None = None
    probe: str | None = None
    audio: str | None = None
    image: str | None = None
    pairs_file: str | None = None
    output_format: str | None = None
    output: str | None = None
    progress: bool | None = None
    jobs: int | None = None
    scheduler: str | None = None
    cache_dir: str | None = None
    no_cache: bool = False
    timeout: float | None = None
    exclude: tuple[str, ...] = ()
    include_hidden: bool = False
    gitignore: bool | None = None
    quiet: bool = False
    fix_hints: bool = False
    report_files: tuple[str, ...] = ()
    max_memory: str | None = None
    reference_ffprobe: str | None = None   # in effect as MEDIA_PREFLIGHT_FFPROBE
    allow_private_urls: bool = False
    force_exclude: bool = False
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    strict: bool = False
    exit_zero: bool = False
    color: str | None = None


@dataclass(frozen=True)
class Settings:
    """Everything a ``check`` run needs, after pyproject.toml and the options are merged."""

    paths: tuple[str, ...]
    profile: str = DEFAULT_PROFILE
    probe: str = "auto"
    output_format: str = "auto"
    jobs: int | None = None
    exclude: tuple[str, ...] = ()
    quiet: bool = False
    include_hidden: bool = False
    fix_hints: bool = False
    allow_private_urls: bool = False
    gitignore: bool = False
    output: str | None = None
    progress: bool | None = None
    scheduler: str | None = None
    cache_dir: Path | None = None
    snapshot_dir: Path | None = None
    timeout: float = DEFAULT_TIMEOUT
    pairs: tuple[Pair, ...] = ()
    rule_overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    overrides_source: str = "pyproject.toml"
    report_files: tuple[tuple[str, str], ...] = ()
    max_memory: int | None = DEFAULT_MAX_MEMORY
    force_exclude: bool = False
    strict: bool = False
    exit_zero: bool = False
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    color: str = "auto"
    precommit: bool = False


def build_settings(options: CheckOptions, cwd: Path) -> Settings:
    """Merge pyproject.toml's table (found from ``cwd``) with the options that were given."""
    snapshot_dir = _cache_folder(options.cache_dir)
    pyproject = find_pyproject(cwd)
    table = read_tool_table(pyproject, snapshot_dir) if pyproject else ToolTable()
    pairs = _pairs(options)
    profile = options.profile or _profile_from_table(table, pyproject) or DEFAULT_PROFILE
    return Settings(
        paths=options.paths,
        profile=_job_profile(profile, pairs),
        probe=options.probe or table.probe or "auto",
        output_format=options.output_format or "auto",
        jobs=options.jobs or table.jobs,
        exclude=table.exclude + options.exclude,
        quiet=options.quiet,
        include_hidden=options.include_hidden,
        fix_hints=options.fix_hints,
        allow_private_urls=options.allow_private_urls,
        gitignore=bool(table.gitignore if options.gitignore is None else options.gitignore),
        output=options.output or None,
        progress=options.progress,
        scheduler=options.scheduler or None,
        cache_dir=None if options.no_cache else snapshot_dir,
        snapshot_dir=snapshot_dir,
        timeout=options.timeout or DEFAULT_TIMEOUT,
        pairs=pairs,
        rule_overrides=table.rules,
        overrides_source=str(pyproject) if pyproject else "pyproject.toml",
        report_files=tuple(map(_report_file, options.report_files)),
        max_memory=_max_memory(options.max_memory),
        force_exclude=options.force_exclude,
        strict=options.strict,
        exit_zero=options.exit_zero,
        select=_rule_selection(options.select, "--select"),
        ignore=_rule_selection(options.ignore, "--ignore"),
        color=options.color or "auto",
        precommit=os.environ.get("PRE_COMMIT") == "1",
    )


def _max_memory(given: str | None) -> int | None:
    try:
        return DEFAULT_MAX_MEMORY if given is None else parse_size(given)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _report_file(text: str) -> tuple[str, str]:
    """``--report-file FORMAT=FILE`` as (format, file); the format must be a named one."""
    from validator.output import FORMATTERS

    name, sep, path = text.partition("=")
    if not sep or not path or name not in FORMATTERS:
        raise UsageError(f"--report-file {text!r}: give FORMAT=FILE, FORMAT one of: "
                         f"{', '.join(FORMATTERS)}")
    return name, path


def _rule_selection(given: tuple[str, ...], option: str) -> tuple[str, ...]:
    """Rule ids and API codes (comma-separated or repeated), each checked to exist."""
    from validator.rules import RULES

    names = tuple(name.strip() for item in given for name in item.split(",") if name.strip())
    codes = {str(rule.code) for rule in RULES.values() if rule.code is not None}
    for name in names:
        if name not in RULES and name not in codes:
            raise UsageError(f"{option}: unknown rule or code {name!r} (rules: "
                             f"{', '.join(RULES)}; codes: {', '.join(sorted(codes))})")
    return names


def _pairs(options: CheckOptions) -> tuple[Pair, ...]:
    """Jobs from ``--audio``/``--image`` (with one video) or ``--pairs FILE`` (with no paths)."""
    paths, manifest = options.paths, options.pairs_file
    given = " and ".join(f"--{kind}" for kind in ("audio", "image") if getattr(options, kind))
    if given and manifest:
        raise UsageError(f"{given} and --pairs cannot be used together")
    if given:
        if len(paths) != 1:
            verb = "go" if " and " in given else "goes"
            raise UsageError(f"{given} {verb} with exactly one video (file or URL)")
        from validator.check.pairs import Pair

        return (Pair(paths[0], options.audio, options.image),)
    if manifest:
        if paths:
            raise UsageError("--pairs takes no other paths (list every pair in the manifest)")
        from validator.check.pairs import read_manifest

        return tuple(read_manifest(manifest))
    if not paths:
        raise UsageError("name a file, folder or URL to check (or --pairs FILE)")
    return ()


def _job_profile(profile: str, pairs: tuple[Pair, ...]) -> str:
    """The profile's name; for jobs the default becomes their endpoint's."""
    if not pairs:
        return profile
    from validator.check.pairs import pair_profile

    return str(pair_profile(profile, pairs))


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
