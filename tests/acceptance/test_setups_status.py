"""What the file causes is an API code; what the machine causes is "not checked" (issue 17).

A file FFmpeg cannot parse gets 1208; an unsupported codec or no video stream keeps 1209.
A missing or broken prober, a probe past ``--timeout`` and an unreadable file are setup
failures: status ``not-checked``, a ``not_checked`` count, their own text mark, exit 2.
"""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import REPO, fixture_path
from tests.helpers import Run, cli
from validator import validate

GOOD = fixture_path("pass/h264_aac_25fps.mp4")
TRUNCATED = fixture_path("fail/truncated.mp4")
# The movie header says 65 s, the tracks 50 s: FFmpeg releases disagree, so `auto` asks ffprobe.
HEADER_LONGER = fixture_path("drift/header_longer.mp4")


def results(result: Run) -> dict[str, dict[str, object]]:
    return {Path(str(r["path"])).name: r for r in json.loads(result.stdout)["results"]}


def script(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return path


@pytest.mark.parametrize("name", ["fail/zero_bytes.mp4", "fail/truncated.mp4",
                                  "fail/not_a_video.mp4", "fail/lfs_pointer.mp4"])
def test_a_file_ffmpeg_cannot_parse_is_1208(name: str) -> None:
    report = validate(fixture_path(name))
    assert report.codes == [1208] and report.status == "failed"
    assert report.errors[0].rule == "readable"


@pytest.mark.parametrize("name", ["fail/audio_only.m4a", "fail/prores.mov"])
def test_no_video_stream_or_an_unsupported_codec_stays_1209(name: str) -> None:
    report = validate(fixture_path(name))
    assert report.codes == [1209] and report.status == "failed"


def test_probe_ffprobe_without_ffprobe_is_not_checked() -> None:
    result = cli("check", "--probe", "ffprobe", "--format", "json", "--no-cache", str(GOOD),
                 env={"MEDIA_PREFLIGHT_FFPROBE": ""})
    assert result.returncode == 2, result.stderr
    [report] = json.loads(result.stdout)["results"]
    assert (report["ok"], report["status"], report["codes"]) == (False, "not-checked", [])
    assert "no ffprobe" in report["findings"][0]["message"]
    assert "Install FFmpeg" in report["findings"][0]["hint"]
    assert json.loads(result.stdout)["summary"] == {
        "files": 1, "passed": 0, "failed": 0, "not_checked": 1, "warnings": 0}


def test_a_missing_configured_ffprobe_is_not_ignored_where_it_is_needed(tmp_path: Path) -> None:
    """In `auto`, a file in doubt needs ffprobe: with a binary that is not there, that file is
    not checked; files FFmpeg's libraries read clearly (a good one, one they cannot parse) are
    still checked."""
    missing = str(tmp_path / "no-such-ffprobe")
    result = cli("check", "--format", "json", "--no-cache", str(GOOD), str(TRUNCATED),
                 str(HEADER_LONGER), env={"MEDIA_PREFLIGHT_FFPROBE": missing})
    assert result.returncode == 2
    by_name = results(result)
    assert by_name["h264_aac_25fps.mp4"]["status"] == "passed"
    assert (by_name["truncated.mp4"]["status"], by_name["truncated.mp4"]["codes"]) == (
        "failed", [1208])
    in_doubt = by_name["header_longer.mp4"]
    assert in_doubt["status"] == "not-checked" and in_doubt["codes"] == []
    [finding] = in_doubt["findings"]  # type: ignore[misc]
    assert finding["rule"] == "file-access" and "names no executable file" in finding["message"]
    assert json.loads(result.stdout)["summary"] == {
        "files": 3, "passed": 1, "failed": 1, "not_checked": 1, "warnings": 0}


def test_a_broken_ffprobe_is_a_setup_failure(tmp_path: Path) -> None:
    broken = script(tmp_path, "ffprobe", "echo 'cannot load libavformat' >&2; exit 127\n")
    result = cli("check", "--probe", "ffprobe", "--format", "json", "--no-cache", str(GOOD),
                 env={"MEDIA_PREFLIGHT_FFPROBE": str(broken)})
    assert result.returncode == 2
    [report] = json.loads(result.stdout)["results"]
    assert report["status"] == "not-checked"
    assert "does not run" in report["findings"][0]["message"]


def test_a_probe_past_the_timeout_is_not_checked(tmp_path: Path) -> None:
    slow = script(tmp_path, "ffprobe",
                  'case "$1" in -version) echo "ffprobe version slow"; exit 0;; esac\n'
                  "exec sleep 30\n")
    result = cli("check", "--probe", "ffprobe", "--timeout", "1", "--no-cache", "--jobs", "1",
                 str(GOOD), env={"MEDIA_PREFLIGHT_FFPROBE": str(slow), "NO_COLOR": "1"},
                 process=True)   # a process: a prober that hangs must not hang the suite
    assert result.returncode == 2
    line = result.stdout.splitlines()[0]
    assert line.startswith("? ") and "not checked: probing did not finish within 1 s" in line
    assert "1 file: 0 passed, 0 failed, 1 not checked, 0 with warnings" in result.stdout
    assert "1 file not checked: Raise `--timeout`" in result.stdout


def test_exit_1_when_every_file_was_checked_and_one_fails() -> None:
    result = cli("check", "--no-cache", str(GOOD), str(fixture_path("fail/zero_bytes.mp4")))
    assert result.returncode == 1
    assert "✗ " in result.stdout and "1208 not readable as media" in result.stdout


def test_exit_2_says_why_in_every_machine_format(tmp_path: Path) -> None:
    missing = str(tmp_path / "gone.mp4")
    junit = cli("check", "--format", "junit", missing)
    assert junit.returncode == 2
    case = ET.fromstring(junit.stdout).find("testsuite/testcase")
    assert case is not None and case.find("error") is not None
    sarif = json.loads(cli("check", "--format", "sarif", missing).stdout)
    [invocation] = sarif["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    assert "no such file or directory" in \
        invocation["toolExecutionNotifications"][0]["message"]["text"]
    github = cli("check", "--format", "github", missing)
    assert "::error" in github.stdout and "1 not checked" in github.stdout
    lines = cli("check", "--format", "jsonl", missing).stdout.splitlines()
    assert json.loads(lines[0])["status"] == "not-checked"
    assert json.loads(lines[-1])["summary"]["not_checked"] == 1


@pytest.mark.parametrize("where", ["profile", "pyproject"])
def test_a_profile_that_names_one_rule_still_rejects_what_is_not_media(
        tmp_path: Path, where: str) -> None:
    """A profile file, like [tool.media-preflight], builds on `akool`; the reading rules
    always run."""
    (tmp_path / "empty.mp4").write_bytes(b"")
    (tmp_path / "text.mp4").write_text("not a video\n")
    shutil.copy(fixture_path("fail/dur_61.mp4"), tmp_path / "long.mp4")
    table = "[rules.max-duration]\nmax_seconds = 90\n"
    if where == "profile":
        (tmp_path / "ours.toml").write_text(table)
        args = ["--profile", "ours.toml"]
    else:
        (tmp_path / "pyproject.toml").write_text(
            "[tool.media-preflight]\n" + table.replace("[rules.", "[tool.media-preflight.rules."))
        args = []
    result = cli("check", "--format", "json", "--no-cache", *args, ".", cwd=tmp_path)
    by_name = results(result)
    assert by_name["empty.mp4"]["codes"] == by_name["text.mp4"]["codes"] == [1208]
    assert by_name["long.mp4"]["status"] == "passed"
    assert result.returncode == 1


def test_the_reading_rules_cannot_be_switched_off(tmp_path: Path) -> None:
    (tmp_path / "lax.toml").write_text("[rules.readable]\nenabled = false\n")
    result = cli("check", "--profile", str(tmp_path / "lax.toml"), str(GOOD))
    assert result.returncode == 2
    assert "rules.readable.enabled: this rule always runs" in result.stderr


def test_explain_and_the_readme_table_know_1208() -> None:
    explained = cli("explain", "1208").stdout
    assert 'the API says "video parsing error"' in explained and "readable" in explained
    assert "| 1208 | `readable` |" in (REPO / "README.md").read_text()


def test_with_output_the_printed_summary_says_how_to_fix_the_setup(tmp_path: Path) -> None:
    result = cli("check", "--output", str(tmp_path / "report.sarif"), str(tmp_path / "gone.mp4"))
    assert result.returncode == 2
    assert result.stdout.splitlines() == [
        "1 file: 0 passed, 0 failed, 1 not checked, 0 with warnings",
        "  1 file not checked: Check that the path exists and that you may read it."]
