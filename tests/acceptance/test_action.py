"""The GitHub Action (``action.yml``), run without GitHub.

The composite steps' ``run:`` scripts are taken from action.yml and run in bash
with the variables a runner sets (``GITHUB_*``, ``RUNNER_*``) and each step's
``env:`` filled in from the inputs, as the runner would. The ``uses:`` steps
(setup-python, the pip cache) and the ``install`` step are GitHub's and PyPI's
part: instead, the test's own virtualenv (which has this checkout installed)
comes first on PATH.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO, fixture_path, sarif_errors

ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
STEPS: list[dict[str, Any]] = ACTION["runs"]["steps"]
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
INPUT_EXPRESSION = re.compile(r"^inputs\.([A-Za-z0-9_-]+)$")
REPLACED_BY_TEST_ENV = {"install"}


def test_action_is_composite_with_the_inputs_the_issue_names() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert set(ACTION["inputs"]) == {"paths", "profile", "args", "sarif-file", "version",
                                     "python-version"}


@pytest.mark.parametrize("step", [s for s in STEPS if "run" in s], ids=lambda s: s["name"])
def test_no_run_script_interpolates_an_expression(step: dict[str, Any]) -> None:
    assert "${{" not in step["run"], "inputs reach scripts through env: only"
    assert step["shell"] == "bash"


@pytest.mark.parametrize("step", [s for s in STEPS if "run" in s], ids=lambda s: s["name"])
def test_every_script_parses_in_bash(step: dict[str, Any]) -> None:
    done = subprocess.run(["bash", "-n", "-c", step["run"]], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_every_input_is_used_and_every_env_expression_names_an_input() -> None:
    used = set()
    for step in STEPS:
        for value in (step.get("env") or {}).values():
            for expression in EXPRESSION.findall(str(value)):
                match = INPUT_EXPRESSION.match(expression)
                assert match, f"unexpected expression in env: {expression}"
                used.add(match.group(1))
        used |= set(re.findall(r"inputs\.([A-Za-z0-9_-]+)", json.dumps(step.get("with") or {})))
    assert used == set(ACTION["inputs"])


def step_env(step: dict[str, Any], inputs: dict[str, str]) -> dict[str, str]:
    """A step's ``env:`` with ``${{ inputs.NAME }}`` filled in, as the runner does."""
    def value(match: re.Match[str]) -> str:
        name = INPUT_EXPRESSION.match(match.group(1))
        assert name, match.group(0)
        return inputs[name.group(1)]
    return {key: EXPRESSION.sub(value, str(text)) for key, text in (step.get("env") or {}).items()}


def run_action(workspace: Path, runner: Path, **given: str) -> tuple[int, str]:
    """Run the action's scripts in order (stopping at the first failure): status, stdout
    (stderr is passed through, for pytest to show)."""
    inputs = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()}
    inputs.update({name.replace("_", "-"): value for name, value in given.items()})
    base = {key: value for key, value in os.environ.items() if not key.startswith("GITHUB_")}
    runner_env = {
        **base,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{base.get('PATH', '')}",
        "GITHUB_ACTIONS": "true", "CI": "true", "RUNNER_OS": "Linux",
        "RUNNER_TEMP": str(runner), "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_ACTION_PATH": str(REPO), "GITHUB_REPOSITORY": "example/videos",
        "GITHUB_STEP_SUMMARY": str(runner / "step_summary"),
        "GITHUB_OUTPUT": str(runner / "output"), "GITHUB_ENV": str(runner / "env"),
        **{f"INPUT_{name.upper()}": value for name, value in inputs.items()},
    }
    output = ""
    for step in STEPS:
        if "run" not in step or step.get("id") in REPLACED_BY_TEST_ENV:
            continue
        done = subprocess.run(["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c",
                               step["run"]], cwd=workspace, capture_output=True, text=True,
                              env={**runner_env, **step_env(step, inputs)}, timeout=300)
        output += done.stdout
        sys.stderr.write(done.stderr)
        if done.returncode:
            return done.returncode, output
    return 0, output


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A checkout with a passing video, a long one, and one whose name is hostile."""
    folder = tmp_path / "checkout"
    (folder / "videos" / "takes").mkdir(parents=True)
    shutil.copy(fixture_path("pass/h264_aac_25fps.mp4"), folder / "videos" / "ok.mp4")
    shutil.copy(fixture_path("fail/dur_61.mp4"), folder / "videos" / "takes" / "long|take*1.mp4")
    shutil.copy(fixture_path("fail/no_audio.mp4"),
                folder / "videos" / "$(touch pwned) `x` <b>.mp4")
    return folder


@pytest.fixture
def runner(tmp_path: Path) -> Path:
    folder = tmp_path / "runner"
    folder.mkdir()
    (folder / "step_summary").write_text("")
    return folder


def test_a_failing_run_annotates_summarises_writes_sarif_and_fails(workspace: Path,
                                                                   runner: Path) -> None:
    status, stdout = run_action(workspace, runner, paths="videos", sarif_file="out/media.sarif")
    assert status == 1
    annotations = [line for line in stdout.splitlines() if line.startswith("::error ")]
    assert len(annotations) == 2
    assert any("file=videos/takes/long|take*1.mp4" in line and "1204" in line
               for line in annotations)
    summary = (runner / "step_summary").read_text(encoding="utf-8")
    assert "3 files: 1 passed, 2 failed" in summary
    assert "| 1204 | 1 | too long" in summary and "| 1203 | 1 | without audio" in summary
    assert "long&#124;take&#42;1.mp4" in summary and "<b>" not in summary
    log = json.loads((workspace / "out" / "media.sarif").read_text(encoding="utf-8"))
    assert sarif_errors(log) == []
    assert {r["ruleId"] for r in log["runs"][0]["results"]} == {"max-duration", "audio-present"}
    assert log["runs"][0]["automationDetails"]["id"] == "media-preflight/akool/"
    assert "exit-status=1" in (runner / "output").read_text()
    assert not (workspace / "pwned").exists()


def test_a_passing_run_succeeds_and_still_writes_the_summary(workspace: Path,
                                                             runner: Path) -> None:
    status, stdout = run_action(workspace, runner, paths="videos/ok.mp4", sarif_file="")
    assert status == 0
    assert "::error" not in stdout
    assert "1 file: 1 passed, 0 failed" in (runner / "step_summary").read_text()
    assert not list(workspace.glob("*.sarif"))


def test_hostile_inputs_are_arguments_not_shell_code(workspace: Path, runner: Path) -> None:
    status, _ = run_action(workspace, runner, paths="videos/ok.mp4 ; touch pwned2",
                           args="$(touch pwned3) --quiet", profile="akool`touch pwned4`")
    assert status == 2
    assert not [p for p in workspace.iterdir() if p.name.startswith("pwned")]


def test_paths_one_per_line_may_hold_spaces(workspace: Path, runner: Path) -> None:
    (workspace / "videos" / "ok.mp4").rename(workspace / "videos" / "my take.mp4")
    status, _ = run_action(workspace, runner, paths="videos/my take.mp4\n\n")
    assert status == 0
    assert "1 file: 1 passed" in (runner / "step_summary").read_text()
