"""Walking a repository with ``--gitignore``: what git ignores is not checked."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import fixture_path
from tests.helpers import cli
from validator.run.discover import discover

CLIP = fixture_path("pass/h264_aac_25fps.mp4")
TREE = {
    ".gitignore": "raw/\n*.tmp.mp4\n!keep.tmp.mp4\n",
    ".git/info/exclude": "private/\n",
    "ok.mp4": None,
    "draft.tmp.mp4": None,  # ignored by pattern
    "keep.tmp.mp4": None,  # re-included by a negation
    "raw/take1.mp4": None,  # ignored folder
    "raw/keep.tmp.mp4": None,  # under an ignored folder: a negation cannot bring it back
    "private/secret.mp4": None,  # .git/info/exclude
    "videos/.gitignore": "local.mp4\n",
    "videos/local.mp4": None,  # nested .gitignore
    "videos/shared.mp4": None,
    "videos/deep/local.mp4": None,  # nested pattern without a slash matches at any depth
    ".git/objects/clip.mp4": None,  # never walked, even with --hidden
}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    for name, text in TREE.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if text is None:
            path.symlink_to(CLIP)
        else:
            path.write_text(text)
    return root


def walked(root: Path, start: Path | None = None, **options: bool) -> set[str]:
    return {os.path.relpath(str(item), root) for item in discover([str(start or root)], **options)}


def test_without_the_option_everything_but_hidden_is_walked(repo: Path) -> None:
    assert walked(repo) == {"ok.mp4", "draft.tmp.mp4", "keep.tmp.mp4", "raw/take1.mp4",
                            "raw/keep.tmp.mp4", "private/secret.mp4", "videos/local.mp4",
                            "videos/shared.mp4", "videos/deep/local.mp4"}


def test_what_git_ignores_is_skipped(repo: Path) -> None:
    assert walked(repo, gitignore=True) == {"ok.mp4", "keep.tmp.mp4", "videos/shared.mp4"}


def test_git_folder_is_never_walked_even_with_hidden(repo: Path) -> None:
    assert walked(repo, gitignore=True, include_hidden=True) == {
        "ok.mp4", "keep.tmp.mp4", "videos/shared.mp4"}


def test_ignore_files_above_the_walked_folder_count(repo: Path) -> None:
    (repo / "videos" / "draft.tmp.mp4").symlink_to(CLIP)
    assert walked(repo, repo / "videos", gitignore=True) == {"videos/shared.mp4"}


def test_outside_a_repository_nothing_is_ignored(repo: Path) -> None:
    shutil.rmtree(repo / ".git")
    assert walked(repo, gitignore=True) == walked(repo)


def test_the_cli_option_and_pyproject_setting(repo: Path) -> None:
    def check(*args: str) -> str:
        return cli("check", "--format", "jsonl", *args, ".", cwd=repo).stdout

    assert '"files": 3' in check("--gitignore")
    assert '"files": 9' in check()
    (repo / "pyproject.toml").write_text("[tool.media-preflight]\ngitignore = true\n")
    assert '"files": 3' in check()
    assert '"files": 9' in check("--no-gitignore")
