"""SARIF 2.1.0, as GitHub code scanning takes it: one run, its rules, one result per finding.

Media files have no lines, so results carry no ``region`` (the alert is about
the whole file) and their own ``partialFingerprints``: a hash of the rule id
and the file's relative path, stable from run to run. Artifact URIs are
relative to the current directory when the file is inside it (resolved
against ``%SRCROOT%``), otherwise ``file:`` URIs; both are percent-encoded. A
checked URL is its own artifact URI. A file that was not checked (the tool's
setup failed on it) is also a tool execution notification, and the run's
invocation is then not successful.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from validator._version import __version__
from validator.output.base import Formatter
from validator.output.locations import display_path, printable, relative_path
from validator.records.codes import API_CODES
from validator.records.findings import Finding, Report, Summary
from validator.records.redact import is_url
from validator.rules import RULES, Rule

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = ("https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
                "sarif-schema-2.1.0.json")
TOOL_NAME = "media-preflight"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "mediaPreflight/v1"
_URI_CHARACTERS = ":/?#[]@!$&'()*+,;=%~"  # already meaningful (or escaped) in a URL: kept


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    """A rule as a SARIF reportingDescriptor: id, descriptions, the fix as help, default level."""
    short = rule.summary[:1].upper() + rule.summary[1:]
    if rule.code is not None:
        short += f" (Akool API code {rule.code}: {API_CODES.get(rule.code, 'rejected')})"
    return {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.split("-")),
        "shortDescription": {"text": short},
        "fullDescription": {"text": rule.doc or short},
        "help": {"text": rule.hint, "markdown": rule.hint},
        "defaultConfiguration": {"level": rule.severity},
        "properties": ({"tags": ["media", "akool-api"], "apiCode": rule.code}
                       if rule.code is not None else {"tags": ["media"]}),
    }


def artifact_location(path: str, cwd: str | None = None) -> dict[str, str]:
    """A percent-encoded URI: relative to %SRCROOT% inside the current directory, else file:."""
    if is_url(path):
        return {"uri": quote(path, safe=_URI_CHARACTERS)}
    relative = relative_path(path, cwd)
    if relative is not None:
        return {"uri": quote(os.fsencode(relative), safe="/"), "uriBaseId": SRCROOT}
    return {"uri": Path(os.path.abspath(path)).as_uri()}


def fingerprint(rule_id: str, path: str, occurrence: int = 0) -> str:
    """A stable identity for a finding: the rule, the file's relative path, its repeat number."""
    key = f"{rule_id}\0{display_path(path)}\0{occurrence}".encode("utf-8", "surrogateescape")
    return hashlib.sha256(key).hexdigest()


def result_message(finding: Finding, rule: Rule | None) -> str:
    """The code and what is wrong, plus the fix when it is not the rule's usual one."""
    text = f"{finding.code} {finding.message}" if finding.code is not None else finding.message
    if finding.hint and (rule is None or finding.hint != rule.hint):
        text += f"\nFix: {finding.hint}"
    return printable(text)


def _notification(path: str, finding: Finding) -> dict[str, Any]:
    """A file the tool could not check, as a tool execution notification."""
    return {"level": "error", "descriptor": {"id": finding.rule},
            "message": {"text": printable(f"{finding.message}\nFix: {finding.hint}")},
            "locations": [{"physicalLocation": {"artifactLocation": artifact_location(path)}}]}


class SarifFormatter(Formatter):
    """The whole run as one SARIF log, written at the end."""

    def begin(self, profile_name: str) -> None:
        self.profile_name = profile_name
        self.rules: dict[str, Rule] = dict(RULES)
        self.rule_index = {rule_id: index for index, rule_id in enumerate(self.rules)}
        self.results: list[dict[str, Any]] = []
        self.notifications: list[dict[str, Any]] = []

    def report(self, report: Report) -> None:
        if report.not_checked:
            self.notifications += [_notification(report.path, f) for f in report.errors]
        seen: dict[str, int] = {}
        for finding in report.findings:
            occurrence = seen.get(finding.rule, 0)
            seen[finding.rule] = occurrence + 1
            self.results.append(self._result(report.path, finding, occurrence))

    def _result(self, path: str, finding: Finding, occurrence: int) -> dict[str, Any]:
        rule = self.rules.get(finding.rule)
        result: dict[str, Any] = {
            "ruleId": finding.rule,
            "level": finding.severity,
            "message": {"text": result_message(finding, rule)},
            "locations": [{"physicalLocation": {"artifactLocation": artifact_location(path)}}],
            "partialFingerprints": {FINGERPRINT_KEY: fingerprint(finding.rule, path, occurrence)},
        }
        if rule is not None:
            result["ruleIndex"] = self.rule_index[finding.rule]
        if finding.code is not None:
            result["properties"] = {"apiCode": finding.code}
        return result

    def end(self, summary: Summary) -> None:
        json.dump(self.log(), self.stream, indent=2, ensure_ascii=False)
        self.stream.write("\n")
        self.stream.flush()

    def log(self) -> dict[str, Any]:
        """The SARIF log object."""
        driver = {
            "name": TOOL_NAME,
            "version": __version__,
            "semanticVersion": __version__,
            "rules": [rule_descriptor(rule) for rule in self.rules.values()],
        }
        run = {
            "tool": {"driver": driver},
            "invocations": [{"executionSuccessful": not self.notifications,
                             "toolExecutionNotifications": self.notifications}],
            "originalUriBaseIds": {SRCROOT: {"uri": Path.cwd().as_uri().rstrip("/") + "/"}},
            "results": self.results,
            "properties": {"profile": printable(self.profile_name)},
        }
        return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}
