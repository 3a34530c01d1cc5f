"""Pydantic validation of what comes in from outside: profile files, rule options and
``[tool.media-preflight]``.

Imported only when such data has to be validated (not on a ``check`` run whose
profile and settings were validated before: see :mod:`validator.profiles.snapshots`).
A rule's options and the settings table are NamedTuples (what a run uses, without
pydantic) with ``constraints``, pydantic ``Field`` arguments per field; the pydantic
model that checks them is made from those (:func:`record_model`), so the two cannot
drift apart.

Validation is strict, as TOML has types: ``true`` is not a number, ``1`` is not a
boolean, and ``inf`` or ``nan`` is no limit (an array stands for a tuple, as TOML has
no other). Integers are 64-bit, as TOML's are.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from functools import cache
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from validator.profiles.tool_table import TABLE_CONSTRAINTS, ToolTable
from validator.records.findings import Severity
from validator.rules.base import Rule, RuleOptions

Input = Literal["video", "audio", "image"]

__all__ = ["ProfileFile", "RuleSettings", "ValidationError", "first_error", "record_model",
           "tool_table_model", "validate_options", "validate_record"]

STRICT = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)
INT64_MAX = 2**63 - 1
R = TypeVar("R")


class ProfileFile(BaseModel):
    """One profile file, as written."""

    model_config = STRICT

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

    model_config = STRICT

    enabled: bool = Field(default=True, description="false: the rule is not run.")
    severity: Severity | None = Field(
        default=None, description="error (the file fails) or warning [default: the rule's].")


def record_model(record: type[Any],
                 constraints: Mapping[str, Mapping[str, Any]]) -> type[BaseModel]:
    """The strict pydantic model of a NamedTuple whose fields all have defaults (unknown keys
    rejected), each field also held to its ``constraints``."""
    hints = typing.get_type_hints(record)
    spec: dict[str, Any] = {
        name: (hints[name], Field(default=record._field_defaults[name],
                                  **{**_field_rules(hints[name]), **constraints.get(name, {})}))
        for name in record._fields
    }
    model: type[BaseModel] = create_model(record.__name__, __config__=STRICT, **spec)
    return model


def _field_rules(hint: Any) -> dict[str, Any]:
    """What every field of this type must meet besides its own constraints."""
    kinds = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
    if int in kinds:
        return {"le": INT64_MAX}
    if any(typing.get_origin(kind) is tuple for kind in kinds):
        return {"strict": False}   # a TOML array; its items stay strictly typed
    return {}


def validate_record(record: type[R], model: type[BaseModel], data: Mapping[str, Any]) -> R:
    """``data`` validated by ``model`` (raises ValidationError), as the NamedTuple ``record``."""
    return record(**dict(model.model_validate(data)))


_OPTIONS_MODELS: dict[str, type[BaseModel]] = {}


def options_model(rule: Rule) -> type[BaseModel]:
    """The pydantic model that validates a rule's options."""
    if rule.id not in _OPTIONS_MODELS:
        _OPTIONS_MODELS[rule.id] = record_model(rule.options, rule.constraints)
    return _OPTIONS_MODELS[rule.id]


@cache
def tool_table_model() -> type[BaseModel]:
    """The pydantic model of ``[tool.media-preflight]``."""
    return record_model(ToolTable, TABLE_CONSTRAINTS)


def validate_options(rule: Rule, data: dict[str, Any]) -> RuleOptions:
    """A rule's options from a profile's table, validated (raises ValidationError)."""
    return validate_record(rule.options, options_model(rule), data)


# Reasons in TOML's words where pydantic's name a Python type.
_TOML_REASONS = {"extra_forbidden": "unknown key", "tuple_type": "Input should be an array",
                 "list_type": "Input should be an array", "dict_type": "Input should be a table",
                 "model_type": "Input should be a table"}


def first_error(exc: ValidationError, prefix: str = "") -> str:
    """The first problem pydantic found, as ``where: reason``."""
    error = exc.errors()[0]
    parts = ([prefix] if prefix else []) + [str(part) for part in error["loc"]]
    location = ".".join(parts)
    reason = _TOML_REASONS.get(error["type"], error["msg"])
    return f"{location}: {reason}" if location else reason
