"""Rule profiles: TOML data files that name rules, set their options, and extend each other.

A profile file has ``description``, ``source`` (the documentation its limits come
from), ``inputs`` (what the endpoint takes: video, audio, image), ``api_codes``
(false for a platform that is not Akool: findings carry no Akool code), an
optional ``extends`` (a profile name or a path relative to the file; without it,
the default profile ``akool``, just as for ``[tool.media-preflight]``) and a
``[rules.<id>]`` table per rule, holding the rule's options plus ``severity``
and ``enabled``; a later file overrides what it sets. The rules about reading the
file (``file-access``, ``readable``) run under every profile. The shipped profiles
live in the repository's ``rules/`` folder (inside the wheel:
``validator/profiles/shipped``).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from validator.profiles.snapshots import record_from_data, validated
from validator.records.data import to_data
from validator.records.errors import UsageError
from validator.records.extensions import walked_extensions
from validator.records.facts import MediaFacts
from validator.records.findings import Severity
from validator.rules import RULES, Rule, RuleOptions

if TYPE_CHECKING:
    from validator.profiles.schema import ProfileFile

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DEFAULT_PROFILE = "akool"
LIPSYNC_PROFILE = "akool-lipsync"
CHARACTER_SWAP_PROFILE = "akool-character-swap"
MAX_EXTENDS = 64
_SETTING_KEYS = ("enabled", "severity")
Layer = tuple[str, dict[str, Any]]


class ProfileError(UsageError):
    """A profile that cannot be used; the message names the file, the key and the reason."""


class ActiveRule(NamedTuple):
    """A rule as a profile runs it: its severity, validated options and API code (none
    under a profile whose findings carry no Akool code)."""

    rule: Rule
    severity: Severity
    options: RuleOptions
    code: int | None = None


class Profile(NamedTuple):
    """A resolved profile: the chain of files flattened into the rules to run.

    ``inputs`` are what the endpoint takes (video, audio, image); ``judges`` is
    the input it judges a file as: ``video``, or a pair's ``audio`` or ``image``
    (only rules whose ``inputs`` name it run).
    """

    name: str
    description: str
    sources: tuple[str, ...]
    rules: tuple[ActiveRule, ...]
    source: str = ""
    inputs: tuple[str, ...] = ("video",)
    judges: str = "video"

    def takes(self, facts: MediaFacts) -> tuple[ActiveRule, ...]:
        """The rules that judge this file: an image is judged as the image input when the
        profile takes one, anything else as the input the profile judges (``judges``: the
        video, or a lipsync pair's audio)."""
        if facts.is_image and "image" in self.inputs:
            return tuple(active for active in self.rules if "image" in active.rule.inputs)
        return self.running

    @property
    def walked_extensions(self) -> frozenset[str]:
        """The file names a folder walk picks for this profile: videos, and images when the
        endpoint takes one."""
        return walked_extensions(self.inputs)

    def accepts(self, kind: str) -> bool:
        """Whether the endpoint takes this input (``video``, ``audio``, ``image``): the profile
        names it in ``inputs``, or has a rule for that input alone."""
        return kind in self.inputs or any(a.rule.inputs == (kind,) for a in self.rules)

    def for_input(self, kind: str) -> Profile:
        """The profile judging one input of a job as that input, whatever the file is: a
        pair's video as the video, its audio or image by their own rules."""
        name = self.name if kind == "video" else f"{self.name} ({kind} input)"
        return self._replace(name=name, judges=kind, inputs=(kind,),
                             rules=tuple(a for a in self.rules if kind in a.rule.inputs))

    @property
    def running(self) -> tuple[ActiveRule, ...]:
        """The rules that judge this profile's input (``judges``)."""
        return tuple(a for a in self.rules if self.judges in a.rule.inputs)

    @property
    def digest(self) -> str:
        """A hash of what the profile does (for cache keys)."""
        return hashlib.sha256(json.dumps(self.as_data(), sort_keys=True).encode()).hexdigest()

    def as_data(self) -> dict[str, Any]:
        """The resolved profile as plain data (``profiles --show``)."""
        return {
            "name": self.name,
            "description": self.description,
            "source": self.source,
            "inputs": list(self.inputs),
            "sources": list(self.sources),
            "rules": {
                active.rule.id: {
                    "code": active.code,
                    "severity": active.severity,
                    **to_data(active.options),
                }
                for active in self.rules
            },
        }

    def to_snapshot(self) -> dict[str, Any]:
        """The validated profile as plain data (see :mod:`validator.profiles.snapshots`)."""
        return {"name": self.name, "description": self.description,
                "sources": list(self.sources), "source": self.source,
                "inputs": list(self.inputs),
                "rules": [[active.rule.id, active.severity, to_data(active.options), active.code]
                          for active in self.rules]}

    @classmethod
    def from_snapshot(cls, data: dict[str, Any]) -> Profile:
        """A profile from :meth:`to_snapshot`'s data, without validating it again."""
        rules = []
        for rule_id, severity, options, code in data["rules"]:
            rule = RULES[rule_id]
            rules.append(ActiveRule(rule=rule, severity=severity,
                                    options=record_from_data(rule.options, options),
                                    code=code if code == rule.code else None))
        return cls(name=data["name"], description=data["description"],
                   sources=tuple(data["sources"]), rules=tuple(rules),
                   source=data["source"], inputs=tuple(data["inputs"]))


def profiles_dir() -> Path:
    """Where the shipped profiles are: inside the wheel, or the source tree's ``rules/``."""
    packaged = Path(__file__).resolve().parent / "shipped"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "rules"


def shipped_profiles() -> dict[str, Path]:
    """Shipped profile names and their files."""
    return {path.stem: path for path in sorted(profiles_dir().glob("*.toml"),
                                               key=lambda p: p.stem)}


def load_profile(name_or_path: str | Path = DEFAULT_PROFILE,
                 overrides: dict[str, Any] | None = None,
                 overrides_source: str = "pyproject.toml",
                 cache_dir: Path | None = None) -> Profile:
    """Resolve a profile by name or path, optionally with a last layer of overrides.

    ``overrides`` has the same shape as a profile file's data (``rules``
    tables); it comes from ``[tool.media-preflight]``. With ``cache_dir``, a
    chain validated before is not validated again (:mod:`validator.profiles.snapshots`).
    """
    layers = _chain(str(name_or_path))
    if overrides:
        layers.append((overrides_source, {"rules": overrides}))
    name = _display_name(name_or_path)
    return validated("profile", [name, layers], lambda: _resolve(name, layers),
                     Profile.to_snapshot, Profile.from_snapshot, cache_dir)


def _resolve(name: str, layers: list[Layer]) -> Profile:
    """Validate every layer (pydantic) and flatten them into the rules to run."""
    return _flatten(name, [(source, _parse(source, data)) for source, data in layers])


def _display_name(name_or_path: str | Path) -> str:
    text = str(name_or_path)
    return text if text in shipped_profiles() else str(Path(text))


def _locate(ref: str, base: Path, referrer: Path | None) -> Path:
    where = f"{referrer}: extends: " if referrer else ""
    looks_like_path = ref.endswith(".toml") or "/" in ref or "\\" in ref
    if not looks_like_path:
        shipped = shipped_profiles()
        if ref in shipped:
            return shipped[ref]
        raise ProfileError(
            f"{where}unknown profile {ref!r} (shipped profiles: {', '.join(shipped)}; "
            "or give a path to a .toml file)")
    path = (base / ref).expanduser()
    if not path.is_file():
        raise ProfileError(f"{where}profile file not found: {path}")
    return path.resolve()


def _chain(ref: str) -> list[Layer]:
    """The profile files ``ref`` stands for, base first, each with its data as read; at most
    :data:`MAX_EXTENDS` files, none twice."""
    layers: list[Layer] = []
    seen: list[Path] = []
    extends: str | None = ref
    while extends:
        referrer = seen[-1] if seen else None
        path = _locate(extends, referrer.parent if referrer else Path.cwd(), referrer)
        if path in seen:
            cycle = " -> ".join(str(p) for p in (*seen, path))
            raise ProfileError(f"{path}: extends: profiles extend each other in a cycle ({cycle})")
        if referrer and len(seen) == MAX_EXTENDS:
            raise ProfileError(f"{referrer}: extends: more than {MAX_EXTENDS} profiles "
                               "extend each other in a chain")
        data = read_toml(path)
        seen.append(path)
        layers.append((str(path), data))
        extends = _extends(path, data)
    return layers[::-1]


def _extends(path: Path, data: dict[str, Any]) -> str | None:
    """The profile a file's data extends (its key checked as the schema checks it)."""
    extends = data.get("extends")
    if extends is not None and not isinstance(extends, str):
        _parse(str(path), data)   # raises, naming the key
    if extends is None and path.parent != profiles_dir().resolve():
        extends = DEFAULT_PROFILE
    return extends


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML file's data; a file that cannot be read or parsed is a ProfileError naming it."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{path}: not valid TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ProfileError(f"{path}: not valid TOML: not UTF-8 text at byte {exc.start}") from None
    except RecursionError:
        raise ProfileError(f"{path}: not valid TOML: arrays or tables nested too deeply") from None
    except OSError as exc:
        raise ProfileError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _parse(source: str, data: dict[str, Any]) -> ProfileFile:
    from validator.profiles.schema import ProfileFile, ValidationError, first_error

    try:
        parsed = ProfileFile.model_validate(data)
    except ValidationError as exc:
        raise ProfileError(f"{source}: {first_error(exc)}") from None
    for rule_id in parsed.rules:
        if rule_id not in RULES:
            raise ProfileError(
                f"{source}: rules.{rule_id}: unknown rule (valid rules: {', '.join(RULES)})")
    return parsed


class _Heading(NamedTuple):
    """What a chain of profile files says besides its rules: the last file that says it wins."""

    description: str = ""
    source: str = ""
    inputs: tuple[str, ...] = ("video",)
    api_codes: bool = True

    def then(self, layer: ProfileFile) -> _Heading:
        return _Heading(
            description=layer.description or self.description,
            source=layer.source or self.source,
            inputs=tuple(layer.inputs) if layer.inputs else self.inputs,
            api_codes=self.api_codes if layer.api_codes is None else layer.api_codes)


def _flatten(name: str, layers: list[tuple[str, ProfileFile]]) -> Profile:
    merged: dict[str, dict[str, Any]] = {}
    origin: dict[str, str] = {}
    heading = _Heading()
    for source, layer in layers:
        heading = heading.then(layer)
        for rule_id, table in layer.rules.items():
            merged[rule_id] = {**merged.get(rule_id, {}), **table}
            origin[rule_id] = source
    active = tuple(
        rule for rule in (_activate(rule_id, table, origin[rule_id], heading.api_codes)
                          for rule_id, table in merged.items())
        if rule is not None)
    return Profile(name=name, description=heading.description,
                   sources=tuple(source for source, _ in layers),
                   rules=_with_always(active, heading.api_codes),
                   source=heading.source, inputs=heading.inputs)


def _with_always(active: tuple[ActiveRule, ...], api_codes: bool) -> tuple[ActiveRule, ...]:
    """The rules that run under every profile first (as errors), then the profile's own."""
    always = tuple(ActiveRule(rule=rule, severity="error", options=rule.options(),
                              code=rule.code if api_codes else None)
                   for rule in RULES.values() if rule.always)
    return always + tuple(a for a in active if not a.rule.always)


def _activate(rule_id: str, table: dict[str, Any], source: str,
              api_codes: bool) -> ActiveRule | None:
    from validator.profiles.schema import (
        RuleSettings,
        ValidationError,
        first_error,
        validate_options,
    )

    rule = RULES[rule_id]
    settings_data = {key: table[key] for key in _SETTING_KEYS if key in table}
    option_data = {key: value for key, value in table.items() if key not in _SETTING_KEYS}
    try:
        settings = RuleSettings.model_validate(settings_data)
        options = validate_options(rule, option_data)
    except ValidationError as exc:
        raise ProfileError(f"{source}: {first_error(exc, f'rules.{rule_id}')}") from None
    if rule.always and (not settings.enabled or settings.severity == "warning"):
        key = "enabled" if not settings.enabled else "severity"
        raise ProfileError(f"{source}: rules.{rule_id}.{key}: this rule always runs as an error "
                           "(a file that cannot be read as media never passes)")
    if not settings.enabled:
        return None
    return ActiveRule(rule=rule, severity=settings.severity or rule.severity, options=options,
                      code=rule.code if api_codes else None)
