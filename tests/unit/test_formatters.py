"""Output formats as functions of Report values: these reports → this text, document or log.

Every format renders the same four reports (a pass, a failure with one code, a
failure with several, a file that could not be read) whose names need
escaping; SARIF is validated against the official 2.1.0 schema, JUnit parsed
with ElementTree, GitHub commands unescaped by the rules GitHub applies. The
formats through the real CLI on real media are in ``tests/acceptance/test_formats.py``.
"""

from __future__ import annotations

import io
import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import sarif_validator
from validator.cli.report_file import atomic_text_file
from validator.output import FORMATTERS, get_formatter
from validator.output.github import annotation, escape_data, escape_property
from validator.output.locations import display_path
from validator.output.sarif import artifact_location
from validator.records.facts import MediaFacts
from validator.records.findings import Finding, Report, Summary
from validator.rules import RULES

LONG_NAME = "sub dir/long, take: 100%.mp4"
MANY_NAME = "ünïcode #1?.mov"


def finding(rule: str, message: str, severity: str = "error") -> Finding:
    active = RULES[rule]
    return Finding(rule=rule, code=active.code, severity=severity, message=message,
                   hint=active.hint)


PASSED = Report.from_findings("ok.mp4", [], None)
TOO_LONG = Report.from_findings(LONG_NAME, [finding("max-duration", "61 s > 60 s")], None)
MANY = Report.from_findings(MANY_NAME, [
    finding("audio-present", "no audio stream"), finding("max-duration", "61 s > 60 s"),
    finding("video-codec", "mpeg4 is not accepted"), finding("max-frame-rate", "120 fps > 60 fps"),
], None)
MISSING = Report.from_findings(
    "missing.mp4", [finding("file-access", "cannot read the file: no such file")],
    MediaFacts(path="missing.mp4", source="libav", problem="no such file", problem_kind="io"))
WARNED = Report.from_findings("fast.mp4", [
    finding("lipsync-frame-rate", "30 fps > 25 fps: lip sync is best at 25 fps or less",
            severity="warning")], None)
RUN = [PASSED, TOO_LONG, MANY, MISSING]
SETUP_HINT = RULES["file-access"].hint


def render(name: str, reports: list[Report], profile: str = "akool", quiet: bool = False,
           color: bool = False, fix_hints: bool = False, compact: bool = False) -> str:
    """What the format called ``name`` writes for these reports, begin to end."""
    stream = io.StringIO()
    formatter = get_formatter(name)(stream, quiet=quiet, color=color)
    formatter.fix_hints = fix_hints
    formatter.compact = compact
    summary = Summary()
    formatter.begin(profile)
    for report in reports:
        summary.add(report)
        formatter.report(report)
    formatter.end(summary)
    return stream.getvalue()


def test_every_format_has_a_formatter() -> None:
    assert set(FORMATTERS) == {"text", "json", "jsonl", "sarif", "junit", "github", "markdown",
                               "html"}
    with pytest.raises(ValueError, match="unknown format 'xml' .choose from: text, json, jsonl"):
        get_formatter("xml")


# text

def test_text_one_line_per_file_then_the_summary_by_code() -> None:
    assert render("text", [*RUN, WARNED]).splitlines() == [
        "✓ ok.mp4",
        f"✗ {LONG_NAME}  1204 61 s > 60 s",
        f"✗ {MANY_NAME}  1203 no audio stream; 1204 61 s > 60 s; 1209 mpeg4 is not accepted; "
        "1210 120 fps > 60 fps",
        "? missing.mp4  file-access: cannot read the file: no such file",
        "! fast.mp4  warning: lipsync-frame-rate: 30 fps > 25 fps: lip sync is best at 25 fps "
        "or less",
        "5 files: 2 passed, 2 failed, 1 not checked, 1 with warnings",
        "  2 files too long (1204)",
        "  1 file without audio (1203)",
        "  1 file in a format the API does not take (1209)",
        "  1 file over the frame-rate limit (1210)",
        f"  1 file not checked: {SETUP_HINT}",
    ]


def test_report_status_passed_failed_or_not_checked() -> None:
    assert [r.status for r in [*RUN, WARNED]] == [
        "passed", "failed", "failed", "not-checked", "passed"]
    assert [r.not_checked for r in RUN] == [False, False, False, True]
    assert Report._fields[-1] == "status"


def test_text_quiet_leaves_out_passing_files() -> None:
    lines = render("text", RUN, quiet=True).splitlines()
    assert not any(line.startswith("✓") for line in lines)
    assert lines[0].startswith(f"✗ {LONG_NAME}") and lines[2].startswith("? missing.mp4")
    assert len(lines) == 3 + 5 + 1


def test_text_colour_only_when_asked() -> None:
    assert "\x1b[" not in render("text", RUN)
    coloured = render("text", RUN, color=True)
    assert "\x1b[32m✓ ok.mp4\x1b[0m" in coloured and f"\x1b[31m✗ {LONG_NAME}" in coloured
    assert "\x1b[35m? missing.mp4" in coloured
    assert f"\x1b[35m  1 file not checked: {SETUP_HINT}\x1b[0m" in coloured


def test_text_escapes_control_characters_in_names() -> None:
    forged = Report.from_findings("a\nb\x1b[31m.mp4", [], None)
    assert render("text", [forged]).splitlines()[0] == "✓ a\\x0ab\\x1b[31m.mp4"


def test_text_compact_shows_each_fix_and_one_summary_line() -> None:
    lines = render("text", [PASSED, TOO_LONG, MISSING, WARNED], quiet=True,
                   compact=True).splitlines()
    assert lines == [
        f"✗ {LONG_NAME}  1204 61 s > 60 s",
        f"  fix: {RULES['max-duration'].hint}",
        "? missing.mp4  file-access: cannot read the file: no such file",
        f"  fix: {SETUP_HINT}",
        "! fast.mp4  warning: lipsync-frame-rate: 30 fps > 25 fps: lip sync is best at 25 fps "
        "or less",
        f"  fix: {RULES['lipsync-frame-rate'].hint}",
        "4 files: 2 passed, 1 failed, 1 not checked, 1 with warnings",
    ]


def test_text_fix_hints_under_fixable_failures_only() -> None:
    lines = render("text", [TOO_LONG, MISSING, PASSED], fix_hints=True).splitlines()
    assert lines[:4] == [f"✗ {LONG_NAME}  1204 61 s > 60 s",
                         "  fix: media-preflight fix 'sub dir/long, take: 100%.mp4'",
                         "? missing.mp4  file-access: cannot read the file: no such file",
                         "✓ ok.mp4"]


# json and jsonl

def test_json_is_one_document_with_the_profile_results_and_summary() -> None:
    document = json.loads(render("json", RUN, profile="akool-lipsync"))
    assert set(document) == {"profile", "results", "summary"}
    assert document["profile"] == "akool-lipsync"
    assert [r["path"] for r in document["results"]] == [r.path for r in RUN]
    assert [r["codes"] for r in document["results"]] == [[], [1204], [1203, 1204, 1209, 1210], []]
    assert [r["status"] for r in document["results"]] == [
        "passed", "failed", "failed", "not-checked"]
    assert document["summary"] == {"files": 4, "passed": 1, "failed": 2, "not_checked": 1,
                                   "warnings": 0}
    for result in document["results"]:
        assert {"path", "ok", "codes", "findings", "media"} <= set(result)
        for item in result["findings"]:
            assert {"rule", "code", "severity", "message", "actual", "limit"} <= set(item)


def test_json_of_no_files_is_still_a_document() -> None:
    assert json.loads(render("json", [])) == {
        "profile": "akool", "results": [],
        "summary": {"files": 0, "passed": 0, "failed": 0, "not_checked": 0, "warnings": 0}}


def test_jsonl_one_line_per_report_then_the_summary() -> None:
    lines = [json.loads(line) for line in render("jsonl", [*RUN, WARNED]).splitlines()]
    assert [line["path"] for line in lines[:-1]] == [r.path for r in [*RUN, WARNED]]
    assert [line["ok"] for line in lines[:-1]] == [True, False, False, False, True]
    assert [line["status"] for line in lines[:-1]] == [r.status for r in [*RUN, WARNED]]
    assert lines[-1] == {"summary": {"files": 5, "passed": 2, "failed": 2, "not_checked": 1,
                                     "warnings": 1}}


# sarif

def sarif(reports: list[Report]) -> dict:
    log: dict = json.loads(render("sarif", reports))
    return log


def test_sarif_is_valid_sarif_2_1_0_with_formats_checked() -> None:
    log = sarif([*RUN, WARNED])
    errors = sorted(sarif_validator().iter_errors(log), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


def test_sarif_format_checking_rejects_an_unencoded_uri() -> None:
    log = sarif(RUN)
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    location["artifactLocation"]["uri"] = LONG_NAME
    assert list(sarif_validator().iter_errors(log)), "format checking is not on"


def test_sarif_names_the_tool_and_every_rule() -> None:
    run = sarif(RUN)["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "media-preflight" and driver["version"]
    rules = {rule["id"]: rule for rule in driver["rules"]}
    assert set(rules) == set(RULES)
    for rule_id, rule in RULES.items():
        assert rules[rule_id]["help"]["text"] == rule.hint
        assert rules[rule_id]["shortDescription"]["text"]
        assert rules[rule_id]["fullDescription"]["text"]
        assert rules[rule_id]["defaultConfiguration"]["level"] == rule.severity
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
    assert run["properties"] == {"profile": "akool"}
    assert run["automationDetails"] == {"id": "media-preflight/akool/"}


def test_sarif_an_unchecked_file_is_a_tool_execution_notification() -> None:
    [invocation] = sarif(RUN)["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    [note] = invocation["toolExecutionNotifications"]
    assert note["level"] == "error" and note["descriptor"] == {"id": "file-access"}
    assert note["message"]["text"] == f"cannot read the file: no such file\nFix: {SETUP_HINT}"
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "missing.mp4"
    assert sarif([PASSED, TOO_LONG])["runs"][0]["invocations"] == [
        {"executionSuccessful": True}]


def test_sarif_one_result_per_finding_at_encoded_relative_uris() -> None:
    results = sarif([*RUN, WARNED])["runs"][0]["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [
        ("max-duration", "error"), ("audio-present", "error"), ("max-duration", "error"),
        ("video-codec", "error"), ("max-frame-rate", "error"), ("file-access", "error"),
        ("lipsync-frame-rate", "warning")]
    locations = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in results]
    assert {location["uriBaseId"] for location in locations} == {"%SRCROOT%"}
    assert [location["uri"] for location in locations[:2]] == [
        "sub%20dir/long%2C%20take%3A%20100%25.mp4", "%C3%BCn%C3%AFcode%20%231%3F.mov"]
    assert results[0]["message"]["text"] == "1204 61 s > 60 s"
    assert results[0]["properties"] == {"apiCode": 1204}
    assert "properties" not in results[5]


def test_sarif_message_adds_the_fix_only_when_it_is_not_the_rules_own() -> None:
    pointer = Report.from_findings("pointer.mp4", [Finding(
        rule="readable", code=1209, severity="error", message="a Git LFS pointer",
        hint="Run `git lfs pull`.")], None)
    [result] = sarif([pointer])["runs"][0]["results"]
    assert result["message"]["text"] == "1209 a Git LFS pointer\nFix: Run `git lfs pull`."


def test_sarif_fingerprints_are_stable_and_distinct() -> None:
    def fingerprints() -> list[str]:
        return [r["partialFingerprints"]["mediaPreflight/v1"]
                for r in sarif(RUN)["runs"][0]["results"]]

    first = fingerprints()
    assert first == fingerprints() and len(set(first)) == len(first)


def test_sarif_file_outside_the_current_folder_is_a_file_uri(tmp_path: Path) -> None:
    outside = tmp_path.parent / "elsewhere" / "clip.mp4"
    assert artifact_location(str(outside), cwd=str(tmp_path)) == {"uri": outside.as_uri()}
    log = sarif([Report.from_findings(str(Path(os.sep) / "clip 1.mp4"),
                                      [finding("max-duration", "61 s > 60 s")], None)])
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "file:///clip%201.mp4"}
    assert not list(sarif_validator().iter_errors(log))


# markdown

def test_markdown_is_the_table_of_failures_by_code() -> None:
    lines = render("markdown", [*RUN, WARNED], profile="a|b").splitlines()
    assert lines[:6] == [
        "### media-preflight (a&#124;b)", "",
        "5 files: 2 passed, 2 failed, 1 not checked, 1 with warnings", "",
        "| Code | Files | Failure | For example |", "|---:|---:|---|---|"]
    assert [line.split(" | ")[0] for line in lines[6:]] == [
        "| 1204", "| 1203", "| 1209", "| 1210"]


# junit

def junit(reports: list[Report]) -> ET.Element:
    return ET.fromstring(render("junit", reports))


def test_junit_one_testcase_per_file_and_failing_rule_an_error_per_unchecked_file() -> None:
    root = junit([*RUN, WARNED])
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("8", "5", "1")
    suite = root.find("testsuite")
    assert suite is not None and suite.get("name") == "media-preflight (akool)"
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert list(cases) == [
        "ok.mp4", f"{LONG_NAME} (max-duration)",
        *[f"{MANY_NAME} ({rule})"
          for rule in ("audio-present", "max-duration", "video-codec", "max-frame-rate")],
        "missing.mp4", "fast.mp4"]
    assert list(cases["ok.mp4"]) == []
    assert {case.get("file") for name, case in cases.items() if name.startswith(MANY_NAME)} \
        == {MANY_NAME}
    assert [f.get("type") for f in cases[f"{LONG_NAME} (max-duration)"].iter("failure")] \
        == ["1204"]
    many = [case for name, case in cases.items() if name.startswith(MANY_NAME)]
    assert [len(case.findall("failure")) for case in many] == [1, 1, 1, 1]
    failures = [case.find("failure") for case in many]
    assert [f.get("type") for f in failures if f is not None] == ["1203", "1204", "1209", "1210"]
    for failure in failures:
        assert failure is not None
        assert (failure.get("message") or "").startswith(failure.get("type") or "?")
        assert "Fix: " in (failure.text or "")
    missing = cases["missing.mp4"].find("error")
    assert missing is not None and missing.get("type") == "file-access"
    assert cases["missing.mp4"].find("failure") is None
    assert (missing.text or "").endswith(f"Fix: {SETUP_HINT}")
    out = cases["fast.mp4"].find("system-out")
    assert out is not None and (out.text or "").startswith("warning: lipsync-frame-rate: 30 fps")


def test_junit_survives_control_characters_and_undecodable_names() -> None:
    names = ["bell\x07.mp4", os.fsdecode(b"bad\xff.mp4")]
    root = junit([Report.from_findings(name, [finding("max-duration", "61 s > 60 s")], None)
                  for name in names])
    assert [case.get("name") for case in root.iter("testcase")] == [
        "bell\ufffd.mp4 (max-duration)", "bad\\xff.mp4 (max-duration)"]


# github

ANNOTATION = re.compile(r"^::(error|warning) file=([^,:]*),title=([^,:]*)::(.*)$")


def unescape(text: str) -> str:
    for code, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(code, char)
    return text


def test_github_one_annotation_per_finding_escaped(monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path) -> None:
    step_summary = tmp_path / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(step_summary))
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    lines = render("github", [*RUN, WARNED]).splitlines()
    annotations = [m for m in map(ANNOTATION.match, lines) if m]
    assert [(m.group(1), unescape(m.group(2))) for m in annotations] == [
        ("error", LONG_NAME), *[("error", MANY_NAME)] * 4, ("error", "missing.mp4"),
        ("warning", "fast.mp4")]
    long_take = annotations[0]
    assert unescape(long_take.group(3)) == "media-preflight 1204 (max-duration)"
    assert unescape(long_take.group(4)).startswith("61 s > 60 s\nFix: Trim it")
    assert "\n" not in long_take.group(4)
    assert unescape(annotations[5].group(4)) == \
        f"cannot read the file: no such file\nFix: {SETUP_HINT}"
    notice = unescape(next(line for line in lines if line.startswith("::notice ")))
    assert "5 files: 2 passed, 2 failed, 1 not checked, 1 with warnings" in notice
    assert "(1204)" in notice and f"1 file not checked: {SETUP_HINT}" in notice
    assert step_summary.read_text(encoding="utf-8") == "\n".join([
        "### media-preflight (akool)", "",
        "5 files: 2 passed, 2 failed, 1 not checked, 1 with warnings", "",
        "| Code | Files | Failure | For example |", "|---:|---:|---|---|",
        f"| 1204 | 2 | too long: video duration exceeds 60 s | <code>{LONG_NAME}</code>, "
        "<code>ünïcode &#35;1?.mov</code> |",
        "| 1203 | 1 | without audio: video should be with audio | "
        "<code>ünïcode &#35;1?.mov</code> |",
        "| 1209 | 1 | in a format the API does not take: upload a video in another encoding "
        "format | <code>ünïcode &#35;1?.mov</code> |",
        "| 1210 | 1 | over the frame-rate limit: video exceeds 60 fps | "
        "<code>ünïcode &#35;1?.mov</code> |", ""])


def test_github_paths_are_relative_to_the_workspace(monkeypatch: pytest.MonkeyPatch,
                                                    tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    [line] = [line for line in render("github", [TOO_LONG]).splitlines()
              if line.startswith("::error ")]
    match = ANNOTATION.match(line)
    assert match is not None and unescape(match.group(2)) == f"sub/{LONG_NAME}"


def test_github_escapes_control_characters_in_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    line = annotation("a\x1b[31m.mp4", finding("max-duration", "61 s > 60 s"))
    assert line.startswith("::error file=a\\x1b[31m.mp4,title=") and "\x1b" not in line


def test_github_an_unwritable_step_summary_is_left_out(monkeypatch: pytest.MonkeyPatch,
                                                       tmp_path: Path) -> None:
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "no" / "such" / "file.md"))
    assert render("github", RUN).splitlines()[-1].startswith("::notice title=")


def test_github_escaping_rules() -> None:
    assert escape_data("50% off\r\nnext: a,b") == "50%25 off%0D%0Anext: a,b"
    assert escape_property("50% off\r\nnext: a,b") == "50%25 off%0D%0Anext%3A a%2Cb"


def test_a_checked_url_is_named_as_a_url_not_as_a_file() -> None:
    url = "https://cdn.example.com/take%201.mp4?X-Amz-Signature=REDACTED"
    failure = Finding(rule="url-reachable", code=None, severity="error", message="HTTP 403")
    assert artifact_location(url) == {"uri": "url/cdn.example.com/take%201.mp4"}
    assert display_path(url) == url
    assert annotation(url, failure) == \
        f"::error title=media-preflight (url-reachable)::{escape_data(url)}: HTTP 403"


# --output

def test_an_interrupted_report_leaves_the_old_file_alone(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old")
    with pytest.raises(KeyboardInterrupt), atomic_text_file(str(target)) as handle:
        handle.write("half a rep")
        raise KeyboardInterrupt
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["report.json"]
