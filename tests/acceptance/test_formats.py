"""CI report formats end to end: real media through the CLI, read back by a schema or a parser.

Each format on Report values is specified in ``tests/unit/test_formatters.py``. Here
SARIF is validated against the official SARIF 2.1.0 schema (``../shared/schemas``)
with format checking on, JUnit is parsed with ElementTree, GitHub workflow
commands are split and unescaped by the rules GitHub applies.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import fixture_path, sarif_validator
from tests.helpers import cli

PASS = fixture_path("pass/h264_aac_25fps.mp4")
LONG = fixture_path("fail/dur_61.mp4")
MANY_CODES = fixture_path("fail/mpeg4_noaudio_120fps_61s.mov")
POINTER = fixture_path("fail/lfs_pointer.mp4")


@pytest.fixture
def media(tmp_path: Path) -> Path:
    """A folder of media whose names need escaping in every format."""
    folder = tmp_path / "media"
    (folder / "sub dir").mkdir(parents=True)
    shutil.copy(PASS, folder / "ok.mp4")
    shutil.copy(LONG, folder / "sub dir" / "long, take: 100%.mp4")
    shutil.copy(MANY_CODES, folder / "ünïcode #1?.mov")
    shutil.copy(POINTER, folder / "pointer.mp4")
    return folder


def test_sarif_is_valid_sarif_2_1_0_with_formats_checked(media: Path) -> None:
    result = cli("check", "--format", "sarif", ".", cwd=media)
    assert result.returncode == 1, result.stderr
    log = json.loads(result.stdout)
    errors = sorted(sarif_validator().iter_errors(log), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


def test_sarif_results_one_per_finding_with_encoded_relative_uris(media: Path) -> None:
    log = json.loads(cli("check", "--format", "sarif", ".", cwd=media).stdout)
    report = json.loads(cli("check", "--format", "json", ".", cwd=media).stdout)
    results = log["runs"][0]["results"]
    findings = [(r["path"], f["rule"], f["severity"]) for r in report["results"]
                for f in r["findings"]]
    assert len(results) == len(findings) == 6
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert uris == {"sub%20dir/long%2C%20take%3A%20100%25.mp4", "pointer.mp4",
                    "%C3%BCn%C3%AFcode%20%231%3F.mov"}
    assert all(r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"]
               == "%SRCROOT%" for r in results)
    long_take = next(r for r in results if r["ruleId"] == "max-duration"
                     and "long" in r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
    assert long_take["level"] == "error" and long_take["message"]["text"].startswith("1204 ")
    pointer = next(r for r in results if r["ruleId"] == "readable")
    assert "Git LFS pointer" in pointer["message"]["text"]
    assert "git lfs pull" in pointer["message"]["text"]


def test_sarif_file_outside_the_current_folder_is_a_file_uri(media: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = cli("check", "--format", "sarif", str(media / "pointer.mp4"), cwd=elsewhere)
    log = json.loads(result.stdout)
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": (media / "pointer.mp4").as_uri()}
    assert not list(sarif_validator().iter_errors(log))


def test_junit_one_testcase_per_file_and_rule_with_one_failure_each(media: Path) -> None:
    result = cli("check", "--format", "junit", ".", "missing.mp4", cwd=media)
    assert result.returncode == 2
    root = ET.fromstring(result.stdout)
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("8", "6", "1")
    suite = root.find("testsuite")
    assert suite is not None and suite.get("name") == "media-preflight (akool)"
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    odd = "ünïcode #1?.mov"
    assert set(cases) == {"ok.mp4", "sub dir/long, take: 100%.mp4 (max-duration)",
                          f"{odd} (audio-present)", f"{odd} (max-duration)",
                          f"{odd} (video-codec)", f"{odd} (max-frame-rate)",
                          "pointer.mp4 (readable)", "missing.mp4"}
    assert list(cases["ok.mp4"]) == []
    assert all(len(list(case)) <= 2 and len(case.findall("failure")) <= 1
               for case in cases.values())
    many = [f.get("type") for name, case in cases.items() if name.startswith(odd)
            for f in case.iter("failure")]
    assert sorted(many) == ["1203", "1204", "1209", "1210"]
    for failure in suite.iter("failure"):
        assert (failure.get("message") or "").startswith(failure.get("type") or "?")
        assert "Fix: " in (failure.text or "")
    assert cases[f"{odd} (video-codec)"].get("file") == odd
    assert "git lfs pull" in (cases["pointer.mp4 (readable)"].find("failure").text or "")  # type: ignore[union-attr]
    missing = cases["missing.mp4"].find("error")
    assert missing is not None and missing.get("type") == "file-access"


def test_junit_survives_control_characters_in_file_names(tmp_path: Path) -> None:
    shutil.copy(LONG, tmp_path / "bell\x07.mp4")
    result = cli("check", "--format", "junit", ".", cwd=tmp_path)
    case = ET.fromstring(result.stdout).find("testsuite/testcase")
    assert case is not None and case.get("file") == "bell\ufffd.mp4"


ANNOTATION = re.compile(r"^::(error|warning) file=([^,:]*),title=([^,:]*)::(.*)$")


def unescape(text: str) -> str:
    for code, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(code, char)
    return text


def test_github_annotations_one_per_finding_escaped(media: Path, tmp_path: Path) -> None:
    step_summary = tmp_path / "step-summary.md"
    result = cli("check", "--format", "github", ".", cwd=media,
                 env={"GITHUB_STEP_SUMMARY": str(step_summary)})
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    annotations = [m for m in map(ANNOTATION.match, lines) if m]
    assert len(annotations) == 6
    files = {unescape(m.group(2)) for m in annotations}
    assert files == {"sub dir/long, take: 100%.mp4", "ünïcode #1?.mov", "pointer.mp4"}
    long_take = next(m for m in annotations if "long" in m.group(2))
    assert long_take.group(1) == "error"
    assert unescape(long_take.group(3)) == "media-preflight 1204 (max-duration)"
    message = unescape(long_take.group(4))
    assert message.startswith("61 s > 60 s\nFix: Trim it") and "\n" not in long_take.group(4)
    notice = next(line for line in lines if line.startswith("::notice "))
    assert "4 files: 1 passed, 3 failed" in unescape(notice)
    assert "(1204)" in unescape(notice)
    assert "4 files: 1 passed, 3 failed" in step_summary.read_text(encoding="utf-8")


def test_auto_is_github_annotations_inside_github_actions(media: Path) -> None:
    result = cli("check", ".", cwd=media, env={"GITHUB_ACTIONS": "true"})
    assert result.stdout.startswith("::error file=")
    plain = cli("check", ".", cwd=media)
    assert plain.stdout.startswith("✓ ./ok.mp4") and "\x1b[" not in plain.stdout


def test_output_file_gets_the_report_and_stdout_the_summary(media: Path, tmp_path: Path) -> None:
    target = tmp_path / "reports" / "media.sarif"
    target.parent.mkdir()
    target.write_text("old report")
    target.chmod(0o640)
    result = cli("check", "--format", "sarif", "--output", str(target), ".", cwd=media)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == "4 files: 1 passed, 3 failed, 0 with warnings"
    assert "  2 files too long (1204)" in result.stdout.splitlines()
    assert "{" not in result.stdout
    assert not list(sarif_validator().iter_errors(json.loads(target.read_text())))
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert os.listdir(target.parent) == ["media.sarif"]


def test_output_format_auto_follows_the_extension(media: Path, tmp_path: Path) -> None:
    cli("check", "-o", str(tmp_path / "r.xml"), ".", cwd=media)
    assert ET.parse(tmp_path / "r.xml").getroot().tag == "testsuites"
    cli("check", "-o", str(tmp_path / "r.json"), ".", cwd=media)
    assert json.loads((tmp_path / "r.json").read_text())["summary"]["files"] == 4
    cli("check", "-o", str(tmp_path / "r.txt"), ".", cwd=media)
    assert (tmp_path / "r.txt").read_text().startswith("✓ ./ok.mp4\n")


def test_output_into_a_missing_folder_is_a_usage_error(media: Path, tmp_path: Path) -> None:
    result = cli("check", "-o", str(tmp_path / "nope" / "r.sarif"), ".", cwd=media)
    assert result.returncode == 2
    assert "cannot write --output" in result.stderr and "Traceback" not in result.stderr
