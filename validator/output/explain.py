"""Documentation generated from the rules' and profiles' own data: ``explain``, ``profiles``
and the README's tables."""

from __future__ import annotations

import re

from validator.profiles.profile import Profile, load_profile, shipped_profiles
from validator.records.codes import API_CODES
from validator.records.data import to_data
from validator.records.errors import UsageError
from validator.rules import RULES, Rule
from validator.rules.base import fmt_number


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


_MARKUP = re.compile(r"``([^`]+)``|`([^`]+)`")


def plain(text: str) -> str:
    """Text without its RST/Markdown code markup: ``max_fps`` and `max_fps` → max_fps."""
    return _MARKUP.sub(lambda match: match.group(1) or match.group(2), text)


def explain_rule(rule: Rule) -> str:
    """A rule's full explanation, in plain text: code, API words, severity, options, its
    docstring and its one "how to fix" text (the findings' hint)."""
    api = f'{rule.code} — the API says "{API_CODES[rule.code]}"' if rule.code in API_CODES \
        else "no API code (advice, a platform's limit, or a local problem)"
    return "\n".join([
        f"{rule.id}: {rule.summary}",
        f"  code:     {api}",
        f"  severity: {rule.severity} by default",
        f"  options:  {_defaults(rule)}",
        "",
        plain(rule.doc),
        "",
        f"Fix: {plain(rule.hint)}",
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


def _value(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return fmt_number(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, (list, tuple)):
        return "/".join(str(item) for item in value)
    return str(value)


def _limits(profile: Profile) -> str:
    """The rules a profile runs with their resolved options: 'max-duration (max_seconds 120)'."""
    parts = []
    for active in profile.rules:
        settings = ", ".join(f"{key} {_value(value)}"
                             for key, value in to_data(active.options).items()
                             if value is not None and value != [] and value != ())
        parts.append(f"`{active.rule.id}`" + (f" ({settings})" if settings else ""))
    return ", ".join(parts)


def profiles_listing() -> str:
    """``media-preflight profiles``: each shipped profile, its one-line description and source."""
    lines = []
    for name in shipped_profiles():
        profile = load_profile(name)
        lines += [f"{name}: {profile.description}", f"    source: {profile.source}"]
    return "\n".join(lines)


def profiles_table() -> str:
    """The README's profile table, in Markdown, generated from the profile files."""
    rows = ["| profile | inputs | what it checks | rules and their limits | source |",
            "|---|---|---|---|---|"]
    for name in shipped_profiles():
        profile = load_profile(name)
        cells = [f"`{name}`", ", ".join(profile.inputs), profile.description, _limits(profile),
                 profile.source]
        rows.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(rows)
