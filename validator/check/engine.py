"""Rules over facts: turn one MediaFacts into findings, and say where a verdict is in doubt."""

from __future__ import annotations

from validator.profiles.profile import ActiveRule, Profile
from validator.records.facts import MediaFacts
from validator.records.findings import Finding, Report
from validator.rules import RULES, Doubt, Violation


def to_finding(active: ActiveRule, violation: Violation) -> Finding:
    """A violation with the profile's severity, the rule's code and hint."""
    rule = active.rule
    return Finding(
        rule=rule.id,
        code=active.code,
        severity="warning" if violation.advisory else active.severity,
        message=violation.message,
        actual=violation.actual,
        limit=violation.limit,
        hint=violation.hint or rule.hint,
    )


def findings_of(active: ActiveRule, facts: MediaFacts) -> list[Finding]:
    """One rule's findings for one reading."""
    return [to_finding(active, v) for v in active.rule.run(facts, active.options)]


def evaluate(profile: Profile, facts: MediaFacts) -> list[Finding]:
    """Every active rule's findings, in profile order."""
    return [finding for active in profile.takes(facts) for finding in findings_of(active, facts)]


def doubts(profile: Profile, facts: MediaFacts) -> list[tuple[ActiveRule, Doubt]]:
    """The rules whose verdict on this reading might differ under FFmpeg's prober, and why."""
    found = []
    for active in profile.takes(facts):
        reason = active.rule.doubt_about(facts, active.options)
        if reason is not None:
            found.append((active, reason))
    return found


def fails(active: ActiveRule, facts: MediaFacts) -> bool:
    """Whether the rule gives an error for this reading."""
    return any(f.severity == "error" for f in findings_of(active, facts))


def _named(finding: Finding, names: tuple[str, ...]) -> bool:
    return finding.rule in names or (finding.code is not None and str(finding.code) in names)


def select_findings(report: Report, select: tuple[str, ...] = (),
                    ignore: tuple[str, ...] = ()) -> Report:
    """The report with only the findings of the rules (ids or API codes) ``select`` names, less
    those ``ignore`` names (``--select``/``--ignore``). The rules about reading the file always
    stay: a file that cannot be read as media never passes."""
    if not select and not ignore:
        return report

    def kept(finding: Finding) -> bool:
        rule = RULES.get(finding.rule)
        if rule is not None and rule.always:
            return True
        return (not select or _named(finding, select)) and not _named(finding, ignore)

    findings = [f for f in report.findings if kept(f)]
    if len(findings) == len(report.findings):
        return report
    return Report.from_findings(report.path, findings, report.media)
