"""JUnit XML for CI test reports: one testcase per file and rule, at most one failure each.

A file that passes is one passing testcase named by its path. A file that
fails has one testcase per rule with an error (``path (rule)``), holding one
``failure`` whose ``type`` is the API code (the rule id when the rule has
none) and whose message starts with the code; several findings of one rule
share that failure. A file that was not checked (the setup's fault, exit
status 2) is one testcase with an ``error``. Warnings go to ``system-out``.
The document is written at the end of the run.
"""

from __future__ import annotations

import re
import socket
import time
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

from validator._version import __version__
from validator.output.base import Formatter
from validator.output.locations import display_path
from validator.records.findings import Finding, Report, Summary

SUITE_NAME = "media-preflight"
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """Text XML 1.0 can hold: undecodable bytes and control characters become U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def finding_label(finding: Finding) -> str:
    """'1204 max-duration: 61 s > 60 s'."""
    code = f"{finding.code} " if finding.code is not None else ""
    return xml_text(f"{code}{finding.rule}: {finding.message}")


def _case(report: Report, classname: str, rule: str | None = None) -> ET.Element:
    path = xml_text(display_path(report.path))
    name = f"{path} ({xml_text(rule)})" if rule is not None else path
    return ET.Element("testcase", name=name, classname=classname, file=path, time="0")


def _problem(case: ET.Element, tag: str, findings: list[Finding]) -> None:
    first = findings[0]
    element = ET.SubElement(case, tag, message=finding_label(first),
                            type=str(first.code or first.rule))
    element.text = "\n".join(xml_text(f"{finding_label(f)}\nFix: {f.hint}") for f in findings)


def _warnings(case: ET.Element, warnings: list[Finding]) -> None:
    if warnings:
        out = ET.SubElement(case, "system-out")
        out.text = "\n".join(f"warning: {finding_label(f)}" for f in warnings)


def testcases(report: Report, classname: str) -> list[ET.Element]:
    """The testcases for one file: one if it passed or was not checked, else one per rule
    with an error, each with one failure."""
    if report.ok or report.not_checked:
        case = _case(report, classname)
        if report.not_checked:
            _problem(case, "error", report.errors)
        _warnings(case, report.warnings)
        return [case]
    by_rule: dict[str, list[Finding]] = {}
    for finding in report.errors:
        by_rule.setdefault(finding.rule, []).append(finding)
    cases = []
    for rule, findings in by_rule.items():
        case = _case(report, classname, rule)
        _problem(case, "failure", findings)
        cases.append(case)
    _warnings(cases[0], report.warnings)
    return cases


class JunitFormatter(Formatter):
    """A ``testsuites`` document with one ``testsuite`` for the run's profile."""

    def begin(self, profile_name: str) -> None:
        self.profile_name = xml_text(profile_name)
        self.started = time.monotonic()
        self.timestamp = datetime.now(timezone.utc).replace(microsecond=0, tzinfo=None)
        self.cases: list[ET.Element] = []
        self.failures = 0

    def report(self, report: Report) -> None:
        cases = testcases(report, f"{SUITE_NAME}.{self.profile_name}")
        self.cases += cases
        self.failures += sum(case.find("failure") is not None for case in cases)

    def end(self, summary: Summary) -> None:
        counts = {"tests": str(len(self.cases)), "failures": str(self.failures),
                  "errors": str(summary.not_checked), "skipped": "0",
                  "time": f"{time.monotonic() - self.started:.3f}"}
        root = ET.Element("testsuites", {"name": SUITE_NAME, **counts})
        suite = ET.SubElement(root, "testsuite", {
            "name": f"{SUITE_NAME} ({self.profile_name})", "timestamp": self.timestamp.isoformat(),
            "hostname": xml_text(socket.gethostname()), **counts})
        properties = ET.SubElement(suite, "properties")
        ET.SubElement(properties, "property", name="profile", value=self.profile_name)
        ET.SubElement(properties, "property", name="version", value=__version__)
        suite.extend(self.cases)
        ET.indent(root)
        self.stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        self.stream.write(ET.tostring(root, encoding="unicode"))
        self.stream.write("\n")
        self.stream.flush()
