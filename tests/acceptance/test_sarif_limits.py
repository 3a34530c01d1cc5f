"""SARIF as code scanning takes it: a category, at most 25,000 results (errors first), URL
locations that are repository paths; and ``--report-file`` writing it beside another format."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import fixture_path, sarif_errors
from validator.output import sarif
from validator.output.sarif import SarifFormatter, artifact_location, category
from validator.records.findings import Finding, Report, Summary

LONG = Finding("max-duration", 1204, "error", "61 s > 60 s", 61.0, 60.0)
SILENT = Finding("audio-present", 1203, "warning", "no audio stream")


def sarif_log(reports: list[Report], profile: str = "akool") -> dict[str, Any]:
    out = io.StringIO()
    formatter = SarifFormatter(out)
    formatter.begin(profile)
    for report in reports:
        formatter.report(report)
    formatter.end(Summary())
    log: dict[str, Any] = json.loads(out.getvalue())
    return log


def report(path: str, *findings: Finding) -> Report:
    return Report.from_findings(path, list(findings), None)


def test_past_the_limit_errors_are_kept_first_and_a_notification_counts_the_rest() -> None:
    reports = [report(f"w{n}.mp4", SILENT) for n in range(10_000)]
    reports += [report(f"e{n}.mp4", LONG) for n in range(20_000)]
    run = sarif_log(reports)["runs"][0]
    levels = [result["level"] for result in run["results"]]
    assert len(levels) == 25_000
    assert levels.count("error") == 20_000 and levels[:20_000] == ["error"] * 20_000
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert notes[0]["message"]["text"].startswith("5000 results left out")


def test_under_the_limit_nothing_is_left_out_and_the_log_is_valid(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sarif, "MAX_RESULTS", 3)
    full = sarif_log([report("a.mp4", LONG, SILENT), report("b.mp4", LONG)])
    assert "toolExecutionNotifications" not in full["runs"][0]["invocations"][0]
    cut = sarif_log([report("a.mp4", SILENT, LONG), report("b.mp4", LONG, SILENT)])
    assert [r["level"] for r in cut["runs"][0]["results"]] == ["error", "error", "warning"]
    assert sarif_errors(cut) == []


def test_the_run_has_a_category_per_profile() -> None:
    run = sarif_log([], profile="../conf/my lipsync.toml")["runs"][0]
    assert run["automationDetails"] == {"id": "media-preflight/my-lipsync/"}
    assert category("akool") == "media-preflight/akool"


def test_a_url_is_located_at_a_repository_path_and_named_in_the_message() -> None:
    url = "https://user:REDACTED@cdn.example.com:8443/a/../b%20c/take.mp4?sig=REDACTED"
    assert artifact_location(url) == {"uri": "url/cdn.example.com_8443/a/b%20c/take.mp4"}
    log = sarif_log([report(url, LONG)])
    result = log["runs"][0]["results"][0]
    assert result["message"]["text"].startswith("https://REDACTED@cdn.example.com:8443/a/")
    assert result["properties"]["url"].endswith("take.mp4?sig=REDACTED")
    assert sarif_errors(log) == []


def test_report_file_writes_sarif_and_html_from_the_same_run(tmp_path: Path) -> None:
    video = tmp_path / "long.mp4"
    video.write_bytes(fixture_path("fail/dur_61.mp4").read_bytes())
    done = subprocess.run(
        [sys.executable, "-m", "validator", "check", "--format", "json", "--report-file",
         "sarif=out.sarif", "--report-file", "markdown=summary.md", "long.mp4"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert json.loads(done.stdout)["results"][0]["codes"] == [1204]
    results = json.loads((tmp_path / "out.sarif").read_text())["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["max-duration"]
    assert "| 1204 | 1 | too long" in (tmp_path / "summary.md").read_text()


def test_a_bad_report_file_is_a_usage_error(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "validator", "check", "--report-file",
                           "pdf=x.pdf", "."], cwd=tmp_path, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2
    assert "FORMAT=FILE" in done.stderr and "Traceback" not in done.stderr


def test_a_report_file_that_cannot_be_written_is_a_usage_error(tmp_path: Path) -> None:
    video = tmp_path / "ok.mp4"
    video.write_bytes(fixture_path("pass/h264_aac_25fps.mp4").read_bytes())
    done = subprocess.run([sys.executable, "-m", "validator", "check", "--report-file",
                           "sarif=missing/x.sarif", "ok.mp4"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "cannot write --report-file missing/x.sarif" in done.stderr
    assert "Traceback" not in done.stderr
