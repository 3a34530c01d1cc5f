"""The configuration's JSON Schema: generated from the pydantic models, shipped, and giving
the verdict the tool itself gives on profiles and on ``[tool.media-preflight]``."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator

from tests.conftest import REPO
from validator.cli.settings import read_tool_table
from validator.profiles.jsonschema import FILES, SCHEMAS, schema_text
from validator.profiles.profile import ProfileError, load_profile, shipped_profiles
from validator.profiles.tool_schema import pyproject_tool_schema

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PROFILE = json.loads(schema_text("profile"))
PYPROJECT = json.loads(schema_text("pyproject"))
VALIDATE_PYPROJECT = shutil.which("validate-pyproject", path=str(Path(sys.executable).parent))


def schema_verdict(schema: dict[str, Any], data: dict[str, Any]) -> bool:
    return Draft7Validator(schema).is_valid(data)


def tool_verdict(path: Path) -> bool:
    try:
        load_profile(path)
    except ProfileError:
        return False
    return True


@pytest.mark.parametrize("name", list(FILES))
def test_the_shipped_schema_is_the_generated_one(name: str) -> None:
    shipped = (SCHEMAS / FILES[name]).read_text(encoding="utf-8")
    assert shipped == schema_text(name), \
        "regenerate: python -m validator.profiles.jsonschema"


@pytest.mark.parametrize("which", ["profile", "pyproject"])
def test_the_schema_command_prints_it(which: str) -> None:
    done = subprocess.run([sys.executable, "-m", "validator", "schema", which],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert json.loads(done.stdout) == json.loads(schema_text(which))


def test_schemas_are_valid_draft_7_with_every_rule_documented() -> None:
    for schema in (PROFILE, PYPROJECT):
        Draft7Validator.check_schema(schema)
    duration = PROFILE["properties"]["rules"]["properties"]["max-duration"]
    assert duration["description"].startswith("1204")
    assert duration["properties"]["max_seconds"] == {
        "default": 60.0, "exclusiveMinimum": 0, "title": "Max Seconds", "type": "number"}
    assert {"enabled", "severity"} <= set(duration["properties"])


@pytest.mark.parametrize("name", list(shipped_profiles()))
def test_every_shipped_profile_validates(name: str) -> None:
    path = shipped_profiles()[name]
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    errors = [e.message for e in Draft7Validator(PROFILE).iter_errors(data)]
    assert errors == []


PROFILES = {
    "good": ('extends = "akool"\n[rules.max-duration]\nmax_seconds = 30\nseverity = "warning"\n',
             True),
    "unknown top-level key": ('description = "x"\ncolour = "red"\n', False),
    "unknown option": ("[rules.max-duration]\nmax_minutes = 1\n", False),
    "unknown rule": ("[rules.max-length]\nmax_seconds = 1\n", False),
    "wrong type": ('[rules.max-duration]\nmax_seconds = "sixty"\n', False),
    "wrong list item": ("[rules.video-codec]\nallowed = [1, 2]\n", False),
    "out of range": ("[rules.max-duration]\nmax_seconds = 0\n", False),
    "bad severity": ('[rules.max-size]\nseverity = "fatal"\n', False),
}


@pytest.mark.parametrize("case", list(PROFILES))
def test_schema_and_tool_agree_on_a_profile(case: str, tmp_path: Path) -> None:
    text, valid = PROFILES[case]
    path = tmp_path / "custom.toml"
    path.write_text(text, encoding="utf-8")
    assert schema_verdict(PROFILE, tomllib.loads(text)) is valid
    assert tool_verdict(path) is valid


def test_the_tool_is_as_strict_as_the_schema_on_toml_types(tmp_path: Path) -> None:
    """TOML types are kept: strings pydantic's lax mode would turn into booleans or numbers are
    wrong types to an editor and to the tool alike (its models validate strictly)."""
    for text in ('[rules.max-size]\nenabled = "no"\n',
                 '[rules.max-duration]\nmax_seconds = "30"\n'):
        path = tmp_path / "lax.toml"
        path.write_text(text, encoding="utf-8")
        assert not schema_verdict(PROFILE, tomllib.loads(text))
        assert not tool_verdict(path)


TABLES = {
    "good": ('profile = "akool"\njobs = 2\nexclude = ["drafts/**"]\n'
             "[tool.media-preflight.rules.max-duration]\nmax_seconds = 30\n", True),
    "zero jobs": ("jobs = 0\n", False),
    "unknown probe": ('probe = "gstreamer"\n', False),
    "unknown key": ("colour = 1\n", False),
    "bad rule option": ("[tool.media-preflight.rules.max-size]\nmax_bytes = -1\n", False),
}


def pyproject_text(table: str) -> str:
    return f'[project]\nname = "videos"\nversion = "1.0"\n\n[tool.media-preflight]\n{table}'


def tool_table_verdict(path: Path) -> bool:
    try:
        table = read_tool_table(path)
        load_profile(table.profile or "akool", overrides=table.rules or None)
    except ProfileError:
        return False
    return True


@pytest.mark.parametrize("case", list(TABLES))
def test_schema_and_tool_agree_on_the_pyproject_table(case: str, tmp_path: Path) -> None:
    table, valid = TABLES[case]
    path = tmp_path / "pyproject.toml"
    path.write_text(pyproject_text(table), encoding="utf-8")
    data = tomllib.loads(path.read_text())["tool"]["media-preflight"]
    assert schema_verdict(PYPROJECT, data) is valid
    assert tool_table_verdict(path) is valid


def test_the_validate_pyproject_plugin_gives_the_shipped_schema() -> None:
    plugins = {ep.name: ep for ep in entry_points(group="validate_pyproject.tool_schema")}
    if "media-preflight" not in plugins:
        pytest.skip("the package is not installed with its entry points (pip install -e .)")
    assert plugins["media-preflight"].load()("media-preflight") == PYPROJECT
    assert pyproject_tool_schema() == PYPROJECT


@pytest.mark.skipif(VALIDATE_PYPROJECT is None, reason="validate-pyproject is not installed")
@pytest.mark.parametrize("case", ["good", "zero jobs", "bad rule option"])
def test_validate_pyproject_accepts_a_good_table_and_rejects_a_bad_one(case: str,
                                                                       tmp_path: Path) -> None:
    if "media-preflight" not in {ep.name for ep in entry_points(
            group="validate_pyproject.tool_schema")}:
        pytest.skip("the package is not installed with its entry points (pip install -e .)")
    table, valid = TABLES[case]
    (tmp_path / "pyproject.toml").write_text(pyproject_text(table), encoding="utf-8")
    assert VALIDATE_PYPROJECT is not None
    done = subprocess.run([VALIDATE_PYPROJECT, "pyproject.toml"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert (done.returncode == 0) is valid, done.stdout + done.stderr
    if not valid:
        assert "tool.media-preflight" in done.stdout + done.stderr


def test_the_repository_pyproject_passes_validate_pyproject() -> None:
    if VALIDATE_PYPROJECT is None:
        pytest.skip("validate-pyproject is not installed")
    done = subprocess.run([VALIDATE_PYPROJECT, str(REPO / "pyproject.toml")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
