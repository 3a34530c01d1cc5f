"""The rule registry: every rule a profile may name, by id."""

from __future__ import annotations

from validator.rules import access, audio, codec, duration, frame_rate, pair, readable, size, url
from validator.rules.base import Doubt, Rule, RuleOptions, Violation

RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        access.RULE,
        readable.RULE,
        audio.RULE,
        duration.RULE,
        size.RULE,
        codec.RULE,
        frame_rate.MAX_FRAME_RATE,
        frame_rate.LIPSYNC_FRAME_RATE,
        url.URL_EXISTS,
        url.URL_REACHABLE,
        url.URL_CONTENT_TYPE,
        url.URL_READ_LIMIT,
        pair.AUDIO_INPUT,
        pair.AV_DURATION_MATCH,
    )
}


class UnknownRule(KeyError):
    """A rule id that is not in the registry."""

    def __str__(self) -> str:
        return str(self.args[0])


def get_rule(rule_id: str) -> Rule:
    """The rule called ``rule_id``; an unknown id lists the valid ones."""
    try:
        return RULES[rule_id]
    except KeyError:
        raise UnknownRule(
            f"unknown rule {rule_id!r} (valid rules: {', '.join(RULES)})") from None


__all__ = ["RULES", "Doubt", "Rule", "RuleOptions", "UnknownRule", "Violation", "get_rule"]
