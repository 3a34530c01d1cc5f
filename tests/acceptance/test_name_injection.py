"""A file name cannot forge a line, issue a GitHub workflow command or reach the terminal as an
escape sequence, in any human-readable output."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import fixture_path
from validator.records.data import display_text

GOOD = fixture_path("pass/h264_aac_25fps.mp4")
BAD = fixture_path("fail/dur_61.mp4")
HOSTILE = [
    "a\n::add-mask::hunter2\n.mp4",
    "b\n::stop-commands::pwned\n.mp4",
    "c\n✓ fine.mp4",
    "d\x1b]52;c;ZWNobyBwd25lZA==\x07.mp4",   # OSC 52: write the clipboard
    "e\x1b[1A\x1b[2K\x1b]0;title\x07.mp4",    # cursor up, erase the line, window title
    "f\r::error::forged\u202e.mp4",
]


def run(*args: str, cwd: Path, env: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "validator", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=180, env=env or os.environ.copy())


def assert_safe(text: str) -> None:
    """No control character but newlines, and no line a workflow command the tool did not
    write (its own annotations start ::error file=, ::warning file= or ::notice)."""
    assert not any(ch in text for ch in "\x1b\x07\r\x9b\u202e"), repr(text)
    for line in text.splitlines():
        if line.startswith("::"):
            assert line.startswith(("::error file=", "::warning file=", "::notice ")), line


@pytest.fixture
def hostile_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "media"
    folder.mkdir()
    for index, name in enumerate(HOSTILE):
        shutil.copy(GOOD if index % 2 else BAD, folder / name)
    os.mkfifo(folder / "g\n::add-mask::fifo\n.mp4")
    (folder / "h\n::stop-commands::link\n.mp4").symlink_to(folder / "nowhere")
    return folder


@pytest.mark.parametrize("output_format", ["text", "github"])
def test_names_are_escaped_in_every_human_readable_stream(
        hostile_folder: Path, output_format: str) -> None:
    done = run("check", "--format", output_format, "--no-cache", "--fix-hints", ".",
               cwd=hostile_folder)
    assert done.returncode == 1, done.stderr
    assert_safe(done.stdout)
    assert_safe(done.stderr)
    assert done.stderr.count("media-preflight: note: skipped") == 2
    assert "skipped ./g\\x0a::add-mask::fifo\\x0a.mp4: not a regular file" in done.stderr
    if output_format == "text":
        marks = [line[0] for line in done.stdout.splitlines() if line[:1] in "✓✗!"]
        assert len(marks) == len(HOSTILE)
        assert "c\\x0a✓ fine.mp4" in done.stdout


def test_github_annotations_keep_their_own_lines(hostile_folder: Path) -> None:
    env = {**os.environ, "GITHUB_ACTIONS": "true"}
    done = run("check", "--no-cache", ".", cwd=hostile_folder, env=env)
    assert done.stdout.startswith("::")   # auto chose annotations
    assert_safe(done.stdout)
    assert_safe(done.stderr)


def test_fix_messages_escape_names(tmp_path: Path) -> None:
    name = "x\n::add-mask::secret\x1b]0;t\x07.mp4"
    shutil.copy(BAD, tmp_path / name)
    for args in (["--dry-run"], []):
        done = run("fix", *args, name, cwd=tmp_path)
        assert_safe(done.stdout)
        assert_safe(done.stderr)


def test_errors_that_name_a_file_escape_it(tmp_path: Path) -> None:
    done = run("check", "--profile", "p\n::add-mask::x.toml", "clip.mp4", cwd=tmp_path)
    assert done.returncode == 2
    assert_safe(done.stderr)
    (tmp_path / "empty\n::stop-commands::x").mkdir()
    done = run("check", "empty\n::stop-commands::x", cwd=tmp_path)
    assert done.returncode == 0   # a folder with no media is a warning, not an error
    assert "warning: no video files found in empty\\x0a::stop-commands::x" in done.stderr
    assert_safe(done.stderr)


def test_display_text() -> None:
    assert display_text("a\nb\x1b[2K\u202e\udcff.mp4") == "a\\x0ab\\x1b[2K\\u202e\\xff.mp4"
    assert display_text("plain ✓ name.mp4") == "plain ✓ name.mp4"
