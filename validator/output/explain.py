"""Documentation generated from the rules' own metadata: ``explain`` and the README's table."""

from __future__ import annotations

from validator.records.codes import API_CODES
from validator.records.data import to_data
from validator.records.errors import UsageError
from validator.rules import RULES, Rule


class UnknownTopic(UsageError, LookupError):
    """Neither an API code nor a rule id."""


def rules_for(topic: str) -> list[Rule]:
    """The rules an API code or a rule id refers to."""
    if topic.isdigit():
        found = [rule for rule in RULES.values() if rule.code == int(topic)]
        if found:
            return found
    elif topic in RULES:
        return [RULES[topic]]
    codes = ", ".join(str(code) for code in API_CODES)
    raise UnknownTopic(f"unknown code or rule {topic!r} (codes: {codes}; "
                       f"rules: {', '.join(RULES)})")


def _defaults(rule: Rule) -> str:
    values = to_data(rule.options())
    return ", ".join(f"{key} = {value!r}" for key, value in values.items()) or "none"


def explain_rule(rule: Rule) -> str:
    """A rule's full explanation: code, API words, severity, options and its docstring."""
    api = f'{rule.code} — the API says "{API_CODES[rule.code]}"' if rule.code in API_CODES \
        else "no API code (advice or a local problem)"
    return "\n".join([
        f"{rule.id}: {rule.summary}",
        f"  code:     {api}",
        f"  severity: {rule.severity} by default",
        f"  options:  {_defaults(rule)}",
        "",
        rule.doc,
        "",
        f"Fix: {rule.hint}",
    ])


def explain(topic: str) -> str:
    """The explanation for an API code (every rule that predicts it) or a rule id."""
    return "\n\n".join(explain_rule(rule) for rule in rules_for(topic))


def rules_table() -> str:
    """The README's rule table, in Markdown."""
    rows = ["| code | rule | checks | default | how to fix |", "|---|---|---|---|---|"]
    for rule in RULES.values():
        code = str(rule.code) if rule.code is not None else "—"
        hint = rule.hint.replace("|", "\\|")
        rows.append(f"| {code} | `{rule.id}` | {rule.summary} | {rule.severity} | {hint} |")
    return "\n".join(rows)
