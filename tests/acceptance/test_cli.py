"""The command line: outputs, formats and exit statuses (in-process, except the entry points)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURE_EXPECTED, FIXTURES, REPO, fixture_path, needs_ffprobe
from tests.helpers import cli
from validator.records.extensions import is_video_name

PASS = str(fixture_path("pass/h264_aac_25fps.mp4"))
FAIL = str(fixture_path("fail/dur_61.mp4"))


def test_exit_0_when_all_pass() -> None:
    result = cli("check", PASS)
    assert result.returncode == 0
    assert result.stdout.startswith("✓ ") and "1 file: 1 passed, 0 failed" in result.stdout


def test_exit_1_with_code_and_reason_on_one_line() -> None:
    result = cli("check", FAIL, PASS)
    assert result.returncode == 1
    assert f"✗ {FAIL}  1204 61 s > 60 s" in result.stdout.splitlines()
    assert "1 file too long (1204)" in result.stdout


def test_exit_2_for_a_missing_path_without_traceback() -> None:
    result = cli("check", PASS, "no/such/file.mp4")
    assert result.returncode == 2
    assert "no/such/file.mp4" in result.stdout and "no such file" in result.stdout
    assert "Traceback" not in result.stderr


def test_usage_errors_exit_2() -> None:
    assert cli("check").returncode == 2
    assert cli("check", "--probe", "magic", PASS).returncode == 2
    bad = cli("check", "--profile", "nope", PASS)
    assert bad.returncode == 2 and "unknown profile 'nope'" in bad.stderr
    assert "Traceback" not in bad.stderr


@needs_ffprobe   # without it, files in doubt get "uncertain" warnings
def test_json_report_shape() -> None:
    result = cli("check", "--format", "json", str(FIXTURES))
    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert set(document) == {"profile", "results", "summary"}
    assert document["profile"] == "akool"
    videos = {name for name in FIXTURE_EXPECTED if is_video_name(name)}   # a walk: no .m4a
    passing = sum(FIXTURE_EXPECTED[name]["ok"] for name in videos)
    release_dependent = {"drift/header_longer.mp4", "drift/header_shorter.mp4",
                         "drift/rate_change.ts", "drift/pipe_20s.webm"}
    assert document["summary"] == {"files": len(videos), "passed": passing,
                                   "failed": len(videos) - passing, "not_checked": 0,
                                   "warnings": len(release_dependent)}
    by_path = {Path(r["path"]).relative_to(FIXTURES).as_posix(): r for r in document["results"]}
    assert set(by_path) == videos
    for name, result_data in by_path.items():
        assert {"path", "ok", "codes", "findings", "media"} <= set(result_data)
        assert result_data["codes"] == FIXTURE_EXPECTED[name]["codes"]
        for finding in result_data["findings"]:
            assert {"rule", "code", "severity", "message", "actual", "limit"} <= set(finding)


def test_jsonl_streams_one_result_per_line_then_summary() -> None:
    result = cli("check", "--format", "jsonl", "--jobs", "2", str(FIXTURES / "pass"))
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert all("path" in line and "ok" in line for line in lines[:-1])
    assert lines[-1] == {"summary": {"files": 14, "passed": 14, "failed": 0, "not_checked": 0,
                                     "warnings": 0}}
    assert result.returncode == 0


def test_results_come_in_input_order_with_workers() -> None:
    one = json.loads(cli("check", "--format", "json", "-j", "1", str(FIXTURES)).stdout)
    two = json.loads(cli("check", "--format", "json", "-j", "2", str(FIXTURES)).stdout)
    assert [r["path"] for r in one["results"]] == [r["path"] for r in two["results"]]
    assert [r["codes"] for r in one["results"]] == [r["codes"] for r in two["results"]]


def test_quiet_prints_only_failures_and_summary() -> None:
    result = cli("check", "-q", str(FIXTURES / "pass"), FAIL)
    assert result.stdout.splitlines()[0].startswith("✗ ")
    assert "✓" not in result.stdout


def test_exclude_glob() -> None:
    result = cli("check", "--format", "json", "--exclude", "fail", "--exclude", "drift",
                 "--exclude", "limits", "--exclude", "*.webm", str(FIXTURES))
    paths = [r["path"] for r in json.loads(result.stdout)["results"]]
    assert paths and not any("/fail/" in p or "/drift/" in p or "/fixtures/limits/" in p
                             or p.endswith(".webm") for p in paths)
    assert result.returncode == 0


def test_lipsync_profile_warns_but_passes() -> None:
    result = cli("check", "--profile", "akool-lipsync", str(fixture_path("pass/fps_59.94.mp4")))
    assert result.returncode == 0
    assert "warning: lipsync-frame-rate: 59.94 fps > 25 fps" in result.stdout


def test_explain_code_and_rule() -> None:
    by_code = cli("explain", "1204")
    assert by_code.returncode == 0
    assert 'the API says "video duration exceeds 60 s"' in by_code.stdout
    assert "max_seconds = 60.0" in by_code.stdout and "Fix:" in by_code.stdout
    assert "1208" in cli("explain", "readable").stdout
    assert cli("explain", "1209").stdout.count("code:") == 1   # video-codec
    assert cli("explain", "9999").returncode == 2


def test_profiles_list_and_show() -> None:
    listing = cli("profiles")
    assert listing.returncode == 0 and "akool-lipsync" in listing.stdout
    shown = json.loads(cli("profiles", "--show", "akool-lipsync").stdout)
    assert shown["rules"]["lipsync-frame-rate"]["max_fps"] == 25.0


def test_pyproject_settings_apply_and_flags_win(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.media-preflight]\nprofile = "akool-lipsync"\n'
        '[tool.media-preflight.rules.max-duration]\nmax_seconds = 1\n')
    tightened = cli("check", PASS, cwd=tmp_path)
    assert tightened.returncode == 1 and "1204 2 s > 1 s" in tightened.stdout
    flagged = cli("check", "--format", "json", "--profile", "akool", PASS, cwd=tmp_path)
    assert json.loads(flagged.stdout)["profile"] == "akool"


def test_bad_pyproject_table_exits_2(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.media-preflight]\nprofle = "akool"\n')
    result = cli("check", PASS, cwd=tmp_path)
    assert result.returncode == 2
    assert "tool.media-preflight.profle: unknown key" in result.stderr


def test_help_and_version_do_not_import_probe_backends() -> None:
    code = ("import sys; from validator.cli.main import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('av', 'pymediainfo', 'pydantic', 'ffmpeg') "
            "if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=REPO, timeout=60)
    assert result.stdout.strip().endswith("[]")


@pytest.mark.parametrize("entry", [["-m", "validator"],
                                   ["-c", "from validator.cli.main import main; main()"]])
def test_module_and_script_entry_points(entry: list[str]) -> None:
    result = subprocess.run([sys.executable, *entry, "--version"], capture_output=True,
                            text=True, timeout=60, env={**os.environ})
    assert result.returncode == 0 and "media-preflight, version" in result.stdout
