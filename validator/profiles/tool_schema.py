"""validate-pyproject's plugin: the shipped schema of ``[tool.media-preflight]``.

Registered as the ``validate_pyproject.tool_schema`` entry point; it reads the
shipped JSON file, so validate-pyproject never imports pydantic or the rules.
"""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any


def pyproject_tool_schema(tool_name: str = "media-preflight") -> dict[str, Any]:
    """The JSON Schema validate-pyproject checks ``[tool.media-preflight]`` against."""
    text = (files("validator.profiles") / "schemas" / "pyproject.schema.json").read_text(
        encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
