"""The hooks under real pre-commit (issue 17): audio files are no videos (the lipsync hook
checks them as its audio input), ``exclude`` in ``[tool.media-preflight]`` works through
``--force-exclude``, and the output holds only failures with their fix and a summary line."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.acceptance.test_precommit import _git, hook_repo, project, try_repo
from tests.conftest import FFMPEG, fixture_path, needs_ffmpeg
from tests.helpers import write_png
from validator.profiles.catalog import HOOKS

__all__ = ["hook_repo", "project"]   # fixtures this module uses


@pytest.fixture
def lipsync_project(project: Path) -> Path:
    """The hooks' test repository plus a voice track, and a video that pyproject excludes."""
    (project / "raw").mkdir()
    shutil.copy(fixture_path("fail/dur_61.mp4"), project / "raw" / "take1.mp4")
    subprocess.run([str(FFMPEG), "-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i",
                    "sine=frequency=300:duration=3", "-c:a", "aac",
                    str(project / "clips" / "voice.m4a")], check=True, timeout=60)
    (project / "pyproject.toml").write_text('[tool.media-preflight]\nexclude = ["raw/*"]\n')
    _git("add", "-A", cwd=project)
    _git("commit", "-q", "-m", "voice, raw take", cwd=project)
    return project


@needs_ffmpeg
@pytest.mark.e2e
def test_pre_commit_with_audio_exclude_and_quiet_output(hook_repo: Path,
                                                        lipsync_project: Path) -> None:
    run = try_repo(hook_repo, lipsync_project, "--all-files", "--verbose")
    output = run.stdout + run.stderr
    lines = output.splitlines()
    assert run.returncode == 1, output
    akool_hooks = [hook for hook in HOOKS if hook.profile in ("akool", "akool-lipsync")]
    assert lines.count("✗ clips/Long Take.MP4  1204 61 s > 60 s") >= len(akool_hooks), output
    assert any(line.startswith("  fix: Trim it under the limit") for line in lines), output
    assert "raw/take1.mp4" not in output, output            # exclude, through --force-exclude
    assert "voice.m4a" not in output and "✓" not in output, output   # passing: not printed
    summaries = [line for line in lines if " passed, " in line]
    assert summaries and all(line.endswith("with warnings") for line in summaries), output
    assert not any(line.startswith("  1 file too long") for line in lines), output

    voice = try_repo(hook_repo, lipsync_project, "--files", "clips/voice.m4a",
                     "raw/take1.mp4", "--verbose")
    output = voice.stdout + voice.stderr
    assert voice.returncode == 0, output
    status = {hook.name: next(line for line in output.splitlines()
                              if line.startswith(hook.name)) for hook in HOOKS}
    lipsync_hook = next(hook for hook in HOOKS if hook.profile == "akool-lipsync")
    assert status[lipsync_hook.name].endswith("Passed"), output   # the voice, as lipsync audio
    assert "1 file: 1 passed" in output, output


@pytest.mark.e2e
def test_the_character_swap_hook_checks_images(hook_repo: Path, project: Path) -> None:
    """The hooks of endpoints that take an image pick images too and judge them as the
    character image; the default hook passes images over."""
    write_png(project / "clips" / "face.png", 400, 400)
    write_png(project / "clips" / "Icon.PNG", 64, 64)
    _git("add", "-A", cwd=project)
    _git("commit", "-q", "-m", "faces", cwd=project)
    kling = "media-preflight-akool-character-swap-kling"
    run = try_repo(hook_repo, project, kling, "--files", "clips/face.png", "clips/Icon.PNG",
                   "--verbose")
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    assert "✗ clips/Icon.PNG  image-input: 64×64 px: a side is under 300 px" in output, output
    assert "face.png" not in output, output                  # passing: not printed
    default = try_repo(hook_repo, project, "media-preflight", "--files", "clips/face.png")
    output = default.stdout + default.stderr
    assert default.returncode == 0, output
    assert any(line.startswith(HOOKS[0].name) and line.endswith("Skipped")
               for line in output.splitlines()), output      # no file of its kinds
