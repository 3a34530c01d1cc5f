"""CI conventions ruff and yamllint users expect (issue 17): --strict, --exit-zero,
--select/--ignore, --color with NO_COLOR/FORCE_COLOR, annotations relative to
GITHUB_WORKSPACE, a grouped summary that counts failures without an API code, whole
one-line summaries in --help."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests import helpers
from tests.conftest import fixture_path

GOOD = fixture_path("pass/h264_aac_25fps.mp4")
LONG = fixture_path("fail/dur_61.mp4")
MANY = fixture_path("fail/mpeg4_noaudio_120fps_61s.mov")
FPS_60 = fixture_path("pass/fps_60.mp4")


def cli(*args: str, cwd: Path | None = None,
        env: dict[str, str] | None = None) -> helpers.Run:
    """The shared helper, with NO_COLOR and FORCE_COLOR unset unless ``env`` sets them."""
    return helpers.cli(*args, cwd=cwd, env={"NO_COLOR": None, "FORCE_COLOR": None, **(env or {})})


def test_strict_makes_warnings_fail() -> None:
    lipsync = ("check", "--no-cache", "--profile", "akool-lipsync", str(FPS_60))
    assert cli(*lipsync).returncode == 0                      # over 25 fps: a warning under lipsync
    assert cli(*lipsync, "--strict").returncode == 1


def test_exit_zero_reports_but_exits_0_unless_a_file_was_not_checked(tmp_path: Path) -> None:
    failing = cli("check", "--no-cache", "--exit-zero", str(LONG))
    assert failing.returncode == 0 and "1204" in failing.stdout
    missing = cli("check", "--no-cache", "--exit-zero", str(tmp_path / "gone.mp4"))
    assert missing.returncode == 2


@pytest.mark.parametrize(("option", "value", "codes"), [
    ("--select", "1204", "1204"),
    ("--select", "max-duration,max-frame-rate", "1204 1210"),
    ("--ignore", "1203", "1204 1209 1210"),
    ("--ignore", "video-codec", "1203 1204 1210"),
])
def test_select_and_ignore_take_rule_ids_or_codes(option: str, value: str, codes: str) -> None:
    result = cli("check", "--no-cache", "--format", "json", option, value, str(MANY))
    [report] = json.loads(result.stdout)["results"]
    assert " ".join(str(code) for code in report["codes"]) == codes
    assert result.returncode == 1


def test_select_keeps_the_reading_rules_and_ignoring_everything_passes() -> None:
    unreadable = fixture_path("fail/not_a_video.mp4")
    assert cli("check", "--no-cache", "--select", "1204", str(unreadable)).returncode == 1
    assert cli("check", "--no-cache", "--ignore", "1204", str(LONG)).returncode == 0
    bad = cli("check", "--select", "9999", str(GOOD))
    assert bad.returncode == 2 and "unknown rule or code '9999'" in bad.stderr


@pytest.mark.parametrize(("flags", "env", "coloured"), [
    ((), {}, False),                                   # not a terminal
    (("--color", "always"), {}, True),
    (("--color", "always"), {"NO_COLOR": "1"}, True),  # the flag wins
    ((), {"FORCE_COLOR": "1"}, True),
    (("--color", "never"), {"FORCE_COLOR": "1"}, False),
])
def test_color_auto_always_never_and_the_environment(flags: tuple[str, ...],
                                                     env: dict[str, str], coloured: bool) -> None:
    result = cli("check", "--no-cache", *flags, str(LONG), env=env)
    assert ("\x1b[" in result.stdout) == coloured


def test_annotations_are_relative_to_the_workspace(tmp_path: Path) -> None:
    (tmp_path / "site" / "media").mkdir(parents=True)
    shutil.copy(LONG, tmp_path / "site" / "media" / "long.mp4")
    result = cli("check", "--format", "github", "--no-cache", "media", cwd=tmp_path / "site",
                 env={"GITHUB_WORKSPACE": str(tmp_path)})
    assert "::error file=site/media/long.mp4,title=media-preflight 1204" in result.stdout


def test_the_grouped_summary_counts_failures_without_an_api_code(tmp_path: Path) -> None:
    result = cli("check", "--no-cache", str(LONG), "http://127.0.0.1:9/clip.mp4",
                 env={"NO_COLOR": "1"})
    assert "2 files: 0 passed, 2 failed" in result.stdout
    assert "  1 file too long (1204)" in result.stdout
    assert "  1 file failing url-reachable" in result.stdout


def test_help_shows_each_commands_whole_summary() -> None:
    listing = cli("--help").stdout
    commands = listing.split("Commands:", 1)[1]
    assert "..." not in commands
    assert "Explain an API code (like 1204) or a rule (like max-duration)." in commands
    assert "Check videos, folders, URLs, lipsync pairs or character swaps." in commands
