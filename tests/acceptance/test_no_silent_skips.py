"""Every file a walk passes over is said, and every file it cannot check is counted."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO, fixture_path
from validator import validate_many
from validator.run.discover import WalkError, discover

GOOD = fixture_path("pass/h264_aac_25fps.mp4")
PATH_MAX = os.pathconf("/", "PC_PATH_MAX")


def deep_tree(root: Path, levels: int, files_at: set[int]) -> None:
    """``levels`` nested folders named ``d``, made from each parent's descriptor (the paths
    outgrow PATH_MAX), with a copy of GOOD at each depth in ``files_at``."""
    data = GOOD.read_bytes()
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for depth in range(levels + 1):
            if depth in files_at:
                out = os.open(f"f{depth}.mp4", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
                os.write(out, data)
                os.close(out)
            if depth < levels:
                os.mkdir("d", dir_fd=fd)
                child = os.open("d", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
                os.close(fd)
                fd = child
    finally:
        os.close(fd)


def remove_deep_tree(root: Path) -> None:
    """Remove a tree made by :func:`deep_tree` from the bottom up (shutil.rmtree recurses, and
    would exceed Python's recursion limit)."""
    fds = [os.open(root, os.O_RDONLY | os.O_DIRECTORY)]
    while "d" in os.listdir(fds[-1]):
        fds.append(os.open("d", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fds[-1]))
    while fds:
        fd = fds.pop()
        for name in os.listdir(fd):
            if name == "d":
                os.rmdir(name, dir_fd=fd)
            else:
                os.unlink(name, dir_fd=fd)
        os.close(fd)


@pytest.fixture
def deep_root(tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "deep"
    root.mkdir()
    yield root
    remove_deep_tree(root)


def test_a_tree_deeper_than_path_max_is_reported_not_cut_short(deep_root: Path) -> None:
    levels = PATH_MAX // 2 + 50
    deep_tree(deep_root, levels, {0, 10, levels - 10, levels})
    done = subprocess.run([sys.executable, "-m", "validator", "check", "--format", "json",
                           "--no-cache", str(deep_root)], capture_output=True, text=True,
                          cwd=REPO, timeout=300)
    assert "Traceback" not in done.stderr
    results = json.loads(done.stdout)["results"]
    names = [r["path"].rsplit("/", 1)[-1] for r in results]
    assert names[:2] == ["f0.mp4", "f10.mp4"] and all(r["ok"] for r in results[:2])
    too_deep = results[2:]
    assert too_deep and not any(r["ok"] for r in too_deep)
    assert all(r["findings"][0]["rule"] == "file-access" for r in too_deep)
    assert "PATH_MAX" in too_deep[0]["findings"][0]["message"] or \
        "too long" in too_deep[0]["findings"][0]["message"]
    assert done.returncode == 2


def test_a_file_deleted_between_listing_and_looking_is_reported_as_gone(tmp_path: Path) -> None:
    for name in ("a.mp4", "b.mp4", "c.mp4"):
        shutil.copy(GOOD, tmp_path / name)
    walk = discover([str(tmp_path)])
    first = next(walk)
    (tmp_path / "b.mp4").unlink()    # the folder is listed: b is looked at after this
    rest = list(walk)
    assert [Path(str(p)).name for p in [first, *rest]] == ["a.mp4", "b.mp4", "c.mp4"]
    reports = list(validate_many([first, *rest], jobs=1))
    assert [r.ok for r in reports] == [True, False, True]
    assert reports[1].findings[0].message == "cannot read the file: no such file or directory"
    assert reports[1].path.endswith("b.mp4") and reports[1].status != "passed"
    assert not any(isinstance(p, WalkError) for p in rest)


def test_dangling_links_are_still_noted_and_passed_over(tmp_path: Path) -> None:
    shutil.copy(GOOD, tmp_path / "ok.mp4")
    (tmp_path / "gone.mp4").symlink_to(tmp_path / "nowhere.mp4")
    done = subprocess.run([sys.executable, "-m", "validator", "check", "--format", "json",
                           "--no-cache", str(tmp_path)], capture_output=True, text=True,
                          cwd=REPO, timeout=120)
    assert [Path(r["path"]).name for r in json.loads(done.stdout)["results"]] == ["ok.mp4"]
    assert "gone.mp4: a dangling symbolic link or a link loop" in done.stderr
