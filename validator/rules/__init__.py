"""The rule registry: every rule a profile may name, by id (one module per rule)."""

from __future__ import annotations

from validator.rules import (
    aspect_ratio,
    audio_format,
    audio_input,
    audio_present,
    av_duration_match,
    container_format,
    faststart,
    file_access,
    image_input,
    lipsync_frame_rate,
    max_duration,
    max_frame_rate,
    max_size,
    min_duration,
    min_frame_rate,
    no_edit_lists,
    picture_size,
    pixel_format,
    progressive,
    readable,
    url_content_type,
    url_exists,
    url_policy,
    url_reachable,
    url_read_limit,
    video_codec,
    video_present,
)
from validator.rules.base import Doubt, Rule, RuleOptions, Violation

RULES: dict[str, Rule] = {
    module.RULE.id: module.RULE
    for module in (
        file_access,
        readable,
        audio_present,
        max_duration,
        max_size,
        video_codec,
        max_frame_rate,
        lipsync_frame_rate,
        url_exists,
        url_reachable,
        url_content_type,
        url_read_limit,
        audio_input,
        av_duration_match,
        min_duration,
        min_frame_rate,
        picture_size,
        aspect_ratio,
        container_format,
        audio_format,
        progressive,
        pixel_format,
        faststart,
        no_edit_lists,
        image_input,
        url_policy,
        video_present,
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
