"""Pydantic validation of what comes in from outside: profile files, rule options and
``[tool.media-preflight]``.

Imported only when such data has to be validated (not on a ``check`` run whose
profile and settings were validated before: see :mod:`validator.snapshots`).
A rule's options are a frozen dataclass whose fields carry their constraints
(:func:`validator.rules.base.option`); the pydantic model that checks them is
made from those fields, so the two cannot drift apart.
"""

from __future__ import annotations

import dataclasses
import typing
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from validator.findings import Severity
from validator.rules.base import RuleOptions

__all__ = ["ProfileFile", "RuleSettings", "ToolTable", "ValidationError", "first_error",
           "validate_options"]


class ProfileFile(BaseModel):
    """One profile file, as written."""

    model_config = ConfigDict(extra="forbid")

    description: str = ""
    extends: str | None = None
    rules: dict[str, dict[str, Any]] = {}


class RuleSettings(BaseModel):
    """The settings every rule table may hold besides the rule's options."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    severity: Severity | None = None


class ToolTable(BaseModel):
    """``[tool.media-preflight]`` in a pyproject.toml."""

    model_config = ConfigDict(extra="forbid")

    profile: str | None = None
    probe: Literal["auto", "libav", "mediainfo", "ffprobe"] | None = None
    exclude: list[str] = []
    jobs: int | None = Field(default=None, ge=1)
    gitignore: bool | None = None
    rules: dict[str, dict[str, Any]] = {}


_MODELS: dict[type[RuleOptions], type[BaseModel]] = {}


def options_model(options: type[RuleOptions]) -> type[BaseModel]:
    """The pydantic model that validates a rule's options dataclass (unknown keys rejected)."""
    if options not in _MODELS:
        _MODELS[options] = _make_options_model(options)
    return _MODELS[options]


def _make_options_model(options: type[RuleOptions]) -> type[BaseModel]:
    hints = typing.get_type_hints(options)
    spec: dict[str, Any] = {
        item.name: (hints[item.name],
                    Field(default=item.default, **item.metadata.get("constraints", {})))
        for item in dataclasses.fields(options)
    }
    return create_model(options.__name__, __config__=ConfigDict(extra="forbid"), **spec)


def validate_options(options: type[RuleOptions], data: dict[str, Any]) -> RuleOptions:
    """A rule's options from a profile's table, validated (raises ValidationError)."""
    validated = options_model(options).model_validate(data)
    return options(**dict(validated))


def first_error(exc: ValidationError, prefix: str = "") -> str:
    """The first problem pydantic found, as ``where: reason``."""
    error = exc.errors()[0]
    parts = ([prefix] if prefix else []) + [str(part) for part in error["loc"]]
    location = ".".join(parts)
    reason = "unknown key" if error["type"] == "extra_forbidden" else error["msg"]
    return f"{location}: {reason}" if location else reason
