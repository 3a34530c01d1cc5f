"""SARIF 2.1.0, as GitHub code scanning takes it: one run, its rules, one result per finding.

Media files have no lines, so results carry no ``region`` (the alert is about
the whole file) and their own ``partialFingerprints``: a hash of the rule id
and the file's relative path, stable from run to run. Artifact URIs are
relative to the current directory when the file is inside it (resolved
against ``%SRCROOT%``), otherwise ``file:`` URIs; both are percent-encoded, a
name's undecodable bytes as those bytes.
Code scanning rejects any other URI scheme, so a checked URL is located at a
repository-relative path made of its host and path (``url/cdn.example.com/a.mp4``)
and named in full (redacted) in the message and the result's ``url`` property.

The run carries ``automationDetails`` (category ``media-preflight/<profile>``)
and at most :data:`MAX_RESULTS` results, the limit code scanning takes per run:
past it errors are kept before warnings, and a notification says how many
results were left out.
 A file that was not checked (the tool's setup failed on it) is also a tool
execution notification, and the run's invocation is then not successful.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path, PurePath
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from validator._version import __version__
from validator.output.base import Formatter
from validator.output.locations import display_path, original_name, printable, relative_path
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
URL_FOLDER = "url"
MAX_RESULTS = 25_000


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
        return {"uri": url_path(path)}
    path = original_name(path)
    relative = relative_path(path, cwd)
    if relative is not None:
        return {"uri": quote(os.fsencode(relative), safe="/"), "uriBaseId": SRCROOT}
    return {"uri": Path(os.path.abspath(path)).as_uri()}


def url_path(url: str) -> str:
    """A URL as a percent-encoded repository-relative path: ``url/HOST[_PORT]/PATH``."""
    parts = urlsplit(url)
    host = (parts.hostname or "unknown-host") + (f"_{parts.port}" if parts.port else "")
    segments = [segment for segment in parts.path.split("/") if segment not in ("", ".", "..")]
    path = "/".join([URL_FOLDER, host, *segments])
    return quote(unquote(path), safe="/")


def category(profile_name: str) -> str:
    """The code-scanning category of a run: ``media-preflight/<profile's file stem>``."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", PurePath(profile_name).stem).strip("-")
    return f"{TOOL_NAME}/{stem or 'profile'}"


def fingerprint(rule_id: str, path: str, occurrence: int = 0) -> str:
    """A stable identity for a finding: the rule, the file's relative path, its repeat number."""
    key = f"{rule_id}\0{display_path(path)}\0{occurrence}".encode("utf-8", "surrogateescape")
    return hashlib.sha256(key).hexdigest()


def result_message(finding: Finding, rule: Rule | None, path: str = "") -> str:
    """The code and what is wrong (a URL named first), plus the fix when it is not the rule's
    usual one."""
    text = f"{finding.code} {finding.message}" if finding.code is not None else finding.message
    if is_url(path):
        text = f"{path}: {text}"
    if finding.hint and (rule is None or finding.hint != rule.hint):
        text += f"\nFix: {finding.hint}"
    return printable(text)


def _notification(path: str, finding: Finding) -> dict[str, Any]:
    """A file the tool could not check, as a tool execution notification."""
    return {"level": "error", "descriptor": {"id": finding.rule},
            "message": {"text": printable(f"{finding.message}\nFix: {finding.hint}")},
            "locations": [{"physicalLocation": {"artifactLocation": artifact_location(path)}}]}


class SarifFormatter(Formatter):
    """The whole run as one SARIF log, written at the end (at most MAX_RESULTS results held)."""

    def begin(self, profile_name: str) -> None:
        self.profile_name = profile_name
        self.rules: dict[str, Rule] = dict(RULES)
        self.rule_index = {rule_id: index for index, rule_id in enumerate(self.rules)}
        self.kept: dict[str, list[dict[str, Any]]] = {"error": [], "warning": []}
        self.left_out = 0
        self.notifications: list[dict[str, Any]] = []

    def report(self, report: Report) -> None:
        if report.not_checked:
            self.notifications += [_notification(report.path, f) for f in report.errors]
        seen: dict[str, int] = {}
        for finding in report.findings:
            occurrence = seen.get(finding.rule, 0)
            seen[finding.rule] = occurrence + 1
            bucket = self.kept[finding.severity]
            if len(bucket) < MAX_RESULTS:
                bucket.append(self._result(report.path, finding, occurrence))
            else:
                self.left_out += 1

    def _result(self, path: str, finding: Finding, occurrence: int) -> dict[str, Any]:
        rule = self.rules.get(finding.rule)
        result: dict[str, Any] = {
            "ruleId": finding.rule,
            "level": finding.severity,
            "message": {"text": result_message(finding, rule, path)},
            "locations": [{"physicalLocation": {"artifactLocation": artifact_location(path)}}],
            "partialFingerprints": {FINGERPRINT_KEY: fingerprint(finding.rule, path, occurrence)},
        }
        if rule is not None:
            result["ruleIndex"] = self.rule_index[finding.rule]
        properties: dict[str, Any] = {"apiCode": finding.code} if finding.code is not None else {}
        if is_url(path):
            properties["url"] = path
        if properties:
            result["properties"] = properties
        return result

    def end(self, summary: Summary) -> None:
        json.dump(self.log(), self.stream, indent=2, ensure_ascii=False)
        self.stream.write("\n")
        self.stream.flush()

    def results(self) -> tuple[list[dict[str, Any]], int]:
        """The results to write (errors first, at most MAX_RESULTS) and how many were left out."""
        errors, warnings = self.kept["error"], self.kept["warning"]
        room = MAX_RESULTS - len(errors)
        return errors + warnings[:room], self.left_out + max(0, len(warnings) - room)

    def log(self) -> dict[str, Any]:
        """The SARIF log object."""
        driver = {
            "name": TOOL_NAME,
            "version": __version__,
            "semanticVersion": __version__,
            "rules": [rule_descriptor(rule) for rule in self.rules.values()],
        }
        results, left_out = self.results()
        run = {
            "tool": {"driver": driver},
            "automationDetails": {"id": f"{category(self.profile_name)}/"},
            "invocations": [invocation(left_out, self.notifications)],
            "originalUriBaseIds": {SRCROOT: {"uri": Path.cwd().as_uri().rstrip("/") + "/"}},
            "results": results,
            "properties": {"profile": printable(self.profile_name)},
        }
        return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def invocation(left_out: int, not_checked: list[dict[str, Any]]) -> dict[str, Any]:
    """The run's invocation: not successful when a file was not checked (one notification
    each), and a notification when results were left out."""
    notes = list(not_checked)
    if left_out:
        notes.append({
            "level": "warning",
            "descriptor": {"id": "results-left-out"},
            "message": {"text": f"{left_out} results left out: code scanning takes at most "
                                f"{MAX_RESULTS:,} per run (errors were kept first)"},
        })
    done: dict[str, Any] = {"executionSuccessful": not not_checked}
    if notes:
        done["toolExecutionNotifications"] = notes
    return done
