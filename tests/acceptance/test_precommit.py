"""The pre-commit hooks: generated from the catalog, valid, and run for real by pre-commit.

The end-to-end test runs ``pre-commit try-repo`` in a throw-away git
repository holding one passing video, one failing video, a Git LFS pointer and
a text file. The repository tried is this one as it stands (its files, tracked
or not, that git does not ignore, committed to a fresh repository: try-repo
alone would take HEAD plus tracked changes but no new files). pre-commit clones
it, builds a virtualenv and pip-installs the package, with its dependencies
from PyPI, so it needs the network and takes a minute or so.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, fixture_path
from tests.helpers import cli
from validator.profiles.catalog import HOOKS

HOOKS_FILE = REPO / ".pre-commit-hooks.yaml"
LFS_POINTER = (
    "version https://git-lfs.github.com/spec/v1\n"
    "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n"
    "size 48213077\n"
)
GIT_ENV = {"GIT_AUTHOR_NAME": "test", "GIT_AUTHOR_EMAIL": "test@example.invalid",
           "GIT_COMMITTER_NAME": "test", "GIT_COMMITTER_EMAIL": "test@example.invalid"}


def test_pre_commit_accepts_the_manifest() -> None:
    result = subprocess.run([sys.executable, "-m", "pre_commit", "validate-manifest",
                             str(HOOKS_FILE)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_lfs_pointer_is_one_clear_finding(tmp_path: Path) -> None:
    pointer = tmp_path / "intro.mp4"
    pointer.write_text(LFS_POINTER)
    result = cli("check", "--format", "json", str(pointer))
    assert result.returncode == 1
    [report] = json.loads(result.stdout)["results"]
    [finding] = report["findings"]
    assert (finding["rule"], finding["code"], finding["severity"]) == ("readable", 1208, "error")
    assert finding["message"] == f"a Git LFS pointer ({len(LFS_POINTER)} bytes), " \
                                 "not the video itself"
    assert "git lfs pull" in finding["hint"]


def _git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={**os.environ, **GIT_ENV}, timeout=60)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A throw-away git repository with one passing and one failing video, a pointer, a text."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    work = tmp_path / "project"
    (work / "clips").mkdir(parents=True)
    shutil.copy(fixture_path("pass/h264_aac_25fps.mp4"), work / "clips" / "ok.mp4")
    shutil.copy(fixture_path("fail/dur_61.mp4"), work / "clips" / "Long Take.MP4")
    (work / "clips" / "pointer.mp4").write_text(LFS_POINTER)
    (work / "notes.txt").write_text("not media\n")
    _git("init", "-q", cwd=work)
    _git("add", "-A", cwd=work)
    _git("commit", "-q", "-m", "media", cwd=work)
    return work


@pytest.fixture
def hook_repo(tmp_path: Path) -> Path:
    """This project as it stands, committed to a fresh repository for pre-commit to clone."""
    listing = subprocess.run(["git", "ls-files", "-z", "--cached", "--others",
                              "--exclude-standard"], cwd=REPO, capture_output=True, timeout=60)
    if listing.returncode != 0:
        pytest.skip("this copy of the project is not a git repository (try-repo clones one)")
    snapshot = tmp_path / "media-preflight"
    for name in filter(None, listing.stdout.decode().split("\0")):
        source = REPO / name
        if source.is_file():
            (snapshot / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, snapshot / name)
    _git("init", "-q", cwd=snapshot)
    _git("add", "-A", cwd=snapshot)
    _git("commit", "-q", "-m", "snapshot", cwd=snapshot)
    return snapshot


def try_repo(repo: Path, project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``pre-commit try-repo REPO ARGS`` run in ``project``, its output uncoloured."""
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR")}
    env.update(GIT_ENV, PRE_COMMIT_HOME=str(project.parent / "pre-commit-home"),
               PRE_COMMIT_COLOR="never")
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(repo), *args],
                          cwd=project, capture_output=True, text=True, env=env, timeout=1500)


@pytest.mark.e2e
def test_pre_commit_runs_the_hooks_for_real(hook_repo: Path, project: Path) -> None:
    failing = try_repo(hook_repo, project, "--all-files")
    output = failing.stdout + failing.stderr
    assert failing.returncode == 1, output
    lines = output.splitlines()
    for hook in HOOKS:
        status = next(line for line in lines if line.startswith(hook.name))
        assert status.endswith(("Passed", "Failed")), output
        if hook.profile in ("akool", "akool-lipsync"):
            assert status.endswith("Failed"), output
    assert "✗ clips/Long Take.MP4  1204 61 s > 60 s" in lines, output
    assert "✓ clips/ok.mp4" not in lines, output   # under pre-commit: failures only
    assert "pointer.mp4" not in output and "notes.txt" not in output  # text files: not passed

    passing = try_repo(hook_repo, project, "media-preflight", "--files", "clips/ok.mp4")
    output = passing.stdout + passing.stderr
    assert passing.returncode == 0, output
    assert any(line.startswith(HOOKS[0].name) and line.endswith("Passed")
               for line in output.splitlines()), output
