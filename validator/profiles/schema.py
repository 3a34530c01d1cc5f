"""Pydantic validation of what comes in from outside: profile files, rule options and
``[tool.media-preflight]``.

Imported only when such data has to be validated (not on a ``check`` run whose
profile and settings were validated before: see :mod:`validator.profiles.snapshots`).
A rule's options are a NamedTuple and its ``constraints`` name pydantic
``Field`` arguments per option; the pydantic model that checks them is made
from those, so the two cannot drift apart.
"""

from __future__ import annotations

import typing
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from validator.records.findings import Severity
from validator.rules.base import Rule, RuleOptions

Input = Literal["video", "audio", "image"]

__all__ = ["ProfileFile", "RuleSettings", "ToolTable", "ValidationError", "first_error",
           "validate_options"]


class ProfileFile(BaseModel):
    """One profile file, as written."""

    model_config = ConfigDict(extra="forbid")

    description: str = Field(default="", description="What the profile is for (one line).")
    source: str = Field(default="", description="Where the profile's limits come from: the "
                        "pages read, and when.")
    inputs: list[Input] | None = Field(
        default=None, min_length=1, description="The inputs the endpoint takes (video, audio, "
        "image); a file is judged as the input it is.")
    api_codes: bool | None = Field(
        default=None, description="Whether findings carry the API's error codes.")
    extends: str | None = Field(
        default=None, description="A profile this one builds on: a shipped profile's name "
        "(akool, akool-lipsync) or a .toml file, relative to this one.")
    rules: dict[str, dict[str, Any]] = Field(
        default={}, description="One table per rule, by id: its options, `severity` and "
        "`enabled`.")


class RuleSettings(BaseModel):
    """The settings every rule table may hold besides the rule's options."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(default=True, description="false: the rule is not run.")
    severity: Severity | None = Field(
        default=None, description="error (the file fails) or warning [default: the rule's].")


class ToolTable(BaseModel):
    """``[tool.media-preflight]`` in a pyproject.toml."""

    model_config = ConfigDict(extra="forbid")

    profile: str | None = Field(
        default=None, description="Profile name (akool, akool-lipsync) or a .toml file, "
        "relative to this pyproject.toml.")
    probe: Literal["auto", "libav", "mediainfo", "ffprobe"] | None = Field(
        default=None, description="How to read files [default: auto].")
    exclude: list[str] = Field(default=[], description="Globs of paths to skip.")
    jobs: int | None = Field(default=None, ge=1, description="Worker processes [default: CPUs].")
    gitignore: bool | None = Field(default=None, description="In folders, skip what git ignores.")
    rules: dict[str, dict[str, Any]] = Field(
        default={}, description="Rule settings on top of the profile's, by rule id.")


_MODELS: dict[str, type[BaseModel]] = {}


def options_model(rule: Rule) -> type[BaseModel]:
    """The pydantic model that validates a rule's options (unknown keys rejected)."""
    if rule.id not in _MODELS:
        _MODELS[rule.id] = _make_options_model(rule)
    return _MODELS[rule.id]


def _make_options_model(rule: Rule) -> type[BaseModel]:
    options = rule.options
    hints = typing.get_type_hints(options)
    spec: dict[str, Any] = {
        name: (hints[name], Field(default=options._field_defaults[name],
                                  **rule.constraints.get(name, {})))
        for name in options._fields
    }
    return create_model(options.__name__, __config__=ConfigDict(extra="forbid"), **spec)


def validate_options(rule: Rule, data: dict[str, Any]) -> RuleOptions:
    """A rule's options from a profile's table, validated (raises ValidationError)."""
    validated = options_model(rule).model_validate(data)
    return rule.options(**dict(validated))


def first_error(exc: ValidationError, prefix: str = "") -> str:
    """The first problem pydantic found, as ``where: reason``."""
    error = exc.errors()[0]
    parts = ([prefix] if prefix else []) + [str(part) for part in error["loc"]]
    location = ".".join(parts)
    reason = "unknown key" if error["type"] == "extra_forbidden" else error["msg"]
    return f"{location}: {reason}" if location else reason
