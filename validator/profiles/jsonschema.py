"""JSON Schemas of the configuration, generated from the pydantic models that validate it.

Two schemas: a profile file (``rules/*.toml``, ``media-preflight schema``) and the
``[tool.media-preflight]`` table of a pyproject.toml (``schema pyproject``, and
validate-pyproject's ``validate_pyproject.tool_schema`` entry point). Each
registered rule gets a table with its options (types, bounds and defaults as
pydantic states them) plus ``enabled`` and ``severity``, titled by its id and
described by its own docstring; unknown rules and keys are rejected, as the tool
rejects them. The shipped copies in ``validator/profiles/schemas/`` are rewritten by
``python -m validator.profiles.jsonschema`` (run it after adding a rule); a test
checks that they match.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from validator.profiles.schema import ProfileFile, RuleSettings, options_model, tool_table_model
from validator.rules import RULES, Rule

DRAFT = "http://json-schema.org/draft-07/schema#"
BASE_ID = "https://media-preflight.invalid/schemas/"
SCHEMAS = Path(__file__).resolve().parent / "schemas"
FILES = {"profile": "profile.schema.json", "pyproject": "pyproject.schema.json"}


def rule_table(rule: Rule, definitions: dict[str, Any]) -> dict[str, Any]:
    """A rule's table: its options and the common settings, described by the rule's doc."""
    options = _hoisted(options_model(rule), definitions)
    settings = _hoisted(RuleSettings, definitions)
    return {
        "title": rule.id,
        "description": (rule.doc or rule.summary) + f"\n\nDefault severity: {rule.severity}.",
        "markdownDescription": rule.doc or rule.summary,
        "type": "object",
        "properties": {**options.get("properties", {}), **settings["properties"]},
        "additionalProperties": False,
    }


def _hoisted(model: type[BaseModel], definitions: dict[str, Any]) -> dict[str, Any]:
    """A model's schema with its ``$defs`` moved into ``definitions`` (one shared set)."""
    schema = model.model_json_schema()
    for name, definition in schema.pop("$defs", {}).items():
        if definitions.setdefault(name, definition) != definition:
            raise ValueError(f"two different schema definitions are called {name!r}")
    return schema


def rules_property(definitions: dict[str, Any], described: dict[str, Any]) -> dict[str, Any]:
    """The ``rules`` property: one table per registered rule, nothing else."""
    return {**described, "type": "object", "additionalProperties": False,
            "properties": {rule_id: rule_table(rule, definitions)
                           for rule_id, rule in RULES.items()}}


def model_schema(model: type[BaseModel], name: str, title: str) -> dict[str, Any]:
    """A model's schema with its free-form ``rules`` replaced by the rules' own tables."""
    definitions: dict[str, Any] = {}
    schema = _hoisted(model, definitions)
    schema["properties"]["rules"] = rules_property(definitions, schema["properties"]["rules"])
    head = {"$schema": DRAFT, "$id": BASE_ID + FILES[name], "title": title}
    return {**head, **{k: v for k, v in schema.items() if k != "title"},
            **({"$defs": definitions} if definitions else {})}


def profile_schema() -> dict[str, Any]:
    """The JSON Schema of a profile file."""
    return model_schema(ProfileFile, "profile", "media-preflight profile")


def pyproject_schema() -> dict[str, Any]:
    """The JSON Schema of ``[tool.media-preflight]`` in a pyproject.toml."""
    return model_schema(tool_table_model(), "pyproject", "[tool.media-preflight] in pyproject.toml")


GENERATORS = {"profile": profile_schema, "pyproject": pyproject_schema}


def schema_text(name: str) -> str:
    """A schema as the shipped file holds it."""
    return json.dumps(GENERATORS[name](), indent=2, ensure_ascii=False) + "\n"


def write_schemas(folder: Path = SCHEMAS) -> list[Path]:
    """Write every schema into ``folder``; the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, filename in FILES.items():
        (folder / filename).write_text(schema_text(name), encoding="utf-8")
        written.append(folder / filename)
    return written


if __name__ == "__main__":
    for path in write_schemas(Path(sys.argv[1]) if len(sys.argv) > 1 else SCHEMAS):
        print(path)
