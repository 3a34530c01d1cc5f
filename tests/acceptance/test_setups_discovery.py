"""Discovery as ruff users expect it (issue 17): videos only, each file once, --force-exclude,
"no such file or directory", an empty folder is a warning, audio under the lipsync profile."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import FFMPEG, fixture_path, needs_ffmpeg
from tests.helpers import Run, cli
from validator import validate, validate_many
from validator.profiles.catalog import HOOKS, files_regex

GOOD = fixture_path("pass/h264_aac_25fps.mp4")
LONG = fixture_path("fail/dur_61.mp4")


def tone(path: Path, seconds: float) -> Path:
    subprocess.run([str(FFMPEG), "-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i",
                    f"sine=frequency=300:duration={seconds}", "-c:a", "aac", str(path)],
                   check=True, timeout=60)
    return path


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "a" / "b").mkdir(parents=True)
    shutil.copy(GOOD, tmp_path / "a" / "b" / "ok.mp4")
    shutil.copy(LONG, tmp_path / "a" / "long.mp4")
    (tmp_path / "a" / "music.ogg").write_bytes(b"OggS" + bytes(2000))
    (tmp_path / "a" / "voice.m4a").write_bytes(b"\0\0\0\x18ftypM4A " + bytes(2000))
    (tmp_path / "a" / "take.MP3").write_bytes(bytes(2000))
    (tmp_path / "a" / "room.wav").write_bytes(b"RIFF" + bytes(2000))
    return tmp_path


def names(result: Run) -> list[str]:
    return [Path(r["path"]).name for r in json.loads(result.stdout)["results"]]


def test_folder_walks_take_videos_not_audio_files(tree: Path) -> None:
    result = cli("check", "--format", "json", "--no-cache", "a", cwd=tree)
    assert sorted(names(result)) == ["long.mp4", "ok.mp4"]


@pytest.mark.parametrize("name", ["voice.m4a", "music.ogg", "take.mp3", "room.WAV"])
def test_the_video_hook_leaves_audio_files_and_the_lipsync_hook_takes_them(name: str) -> None:
    by_profile = {hook.profile: hook for hook in HOOKS}   # one hook per shipped profile
    video_hook, lipsync_hook = by_profile["akool"], by_profile["akool-lipsync"]
    assert not re.search(files_regex(video_hook.audio), name)
    assert re.search(files_regex(lipsync_hook.audio), name)


def test_the_same_file_named_twice_or_through_overlapping_folders_is_checked_once(
        tree: Path) -> None:
    result = cli("check", "--format", "json", "--no-cache", "a", "a/b", "a/b/ok.mp4",
                 "./a/long.mp4", "a/long.mp4", cwd=tree)
    assert sorted(names(result)) == ["long.mp4", "ok.mp4"]
    assert json.loads(result.stdout)["summary"]["files"] == 2
    assert len(list(validate_many([tree / "a", tree / "a" / "b"], jobs=1))) == 2


def test_force_exclude_applies_exclude_to_named_files(tree: Path) -> None:
    (tree / "pyproject.toml").write_text('[tool.media-preflight]\nexclude = ["a/long*"]\n')
    named = cli("check", "--format", "json", "--no-cache", "a/long.mp4", "a/b/ok.mp4", cwd=tree)
    assert sorted(names(named)) == ["long.mp4", "ok.mp4"]    # named: checked, as before
    forced = cli("check", "--format", "json", "--no-cache", "--force-exclude", "a/long.mp4",
                 "a/b/ok.mp4", cwd=tree)
    assert names(forced) == ["ok.mp4"] and forced.returncode == 0
    nothing_left = cli("check", "--force-exclude", "--no-cache", "a/long.mp4", cwd=tree)
    assert nothing_left.returncode == 0 and "warning" not in nothing_left.stderr


def test_a_missing_path_says_no_such_file_or_directory(tmp_path: Path) -> None:
    result = cli("check", "--no-cache", "gone.mp4", cwd=tmp_path)
    assert result.returncode == 2
    assert "? gone.mp4  file-access: cannot read the file: no such file or directory" \
        in result.stdout
    (tmp_path / "link.mp4").symlink_to(tmp_path / "nowhere.mp4")
    assert validate(tmp_path / "link.mp4").findings[0].message == \
        "cannot read the file: a dangling link"


def test_a_folder_without_videos_is_a_warning_and_exit_0(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "readme.txt").write_text("no videos yet\n")
    result = cli("check", "docs", cwd=tmp_path)
    assert result.returncode == 0
    assert "media-preflight: warning: no video files found in docs" in result.stderr


def test_under_pre_commit_only_failures_with_their_fix_and_one_summary_line(tree: Path) -> None:
    result = cli("check", "--no-cache", "a/b/ok.mp4", "a/long.mp4", cwd=tree,
                 env={"PRE_COMMIT": "1", "NO_COLOR": "1"})
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "✗ a/long.mp4  1204 61 s > 60 s",
        "  fix: Trim it under the limit, re-encoding so the cut is exact: "
        "`ffmpeg -i in.mp4 -t 59.5 -c:v libx264 -c:a aac out.mp4` "
        "(or `media-preflight fix`).",
        "2 files: 1 passed, 1 failed, 0 with warnings"]


@needs_ffmpeg
def test_an_audio_file_under_the_lipsync_profile_is_checked_as_lipsync_audio(
        tmp_path: Path) -> None:
    short, long = tone(tmp_path / "voice.m4a", 3), tone(tmp_path / "speech.m4a", 61)
    result = cli("check", "--format", "json", "--no-cache", "--profile", "akool-lipsync",
                 short.name, long.name, cwd=tmp_path)
    by_name = {Path(r["path"]).name: r for r in json.loads(result.stdout)["results"]}
    assert by_name["voice.m4a"]["status"] == "passed"
    [finding] = by_name["speech.m4a"]["findings"]
    assert finding["rule"] == "audio-input" and finding["message"].startswith("audio 61")
    assert result.returncode == 1
    as_video = validate(short)   # under akool it is judged as a video: no video stream
    assert as_video.codes == [1209]
