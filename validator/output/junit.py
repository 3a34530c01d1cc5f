"""JUnit XML for CI test reports: one testcase per file, one failure per error finding.

A failure's ``type`` is the API code (the rule id when the rule has none) and
its message starts with the code. A file that could not be read from disk is
an ``error`` rather than a failure (exit status 2); warnings go to the
testcase's ``system-out``. The document is written at the end of the run.
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


def testcase(report: Report, classname: str) -> ET.Element:
    """The testcase for one file: failures (or errors) for its error findings."""
    path = display_path(report.path)
    case = ET.Element("testcase", name=xml_text(path), classname=classname,
                      file=xml_text(path), time="0")
    tag = "error" if report.io_failed else "failure"
    for finding in report.errors:
        element = ET.SubElement(case, tag, message=finding_label(finding),
                                type=str(finding.code or finding.rule))
        element.text = xml_text(f"{finding_label(finding)}\nFix: {finding.hint}")
    if report.warnings:
        out = ET.SubElement(case, "system-out")
        out.text = "\n".join(f"warning: {finding_label(f)}" for f in report.warnings)
    return case


class JunitFormatter(Formatter):
    """A ``testsuites`` document with one ``testsuite`` for the run's profile."""

    def begin(self, profile_name: str) -> None:
        self.profile_name = xml_text(profile_name)
        self.started = time.monotonic()
        self.timestamp = datetime.now(timezone.utc).replace(microsecond=0, tzinfo=None)
        self.cases: list[ET.Element] = []
        self.errors = 0

    def report(self, report: Report) -> None:
        self.cases.append(testcase(report, f"{SUITE_NAME}.{self.profile_name}"))
        self.errors += report.io_failed

    def end(self, summary: Summary) -> None:
        counts = {"tests": str(summary.files), "failures": str(summary.failed - self.errors),
                  "errors": str(self.errors), "skipped": "0",
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
