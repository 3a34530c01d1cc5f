"""A rule is self-consistent: one module, its limit written once, one "how to fix" text."""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest

import validator.rules
from validator.check.engine import evaluate
from validator.output.explain import explain, rules_table
from validator.profiles.profile import load_profile, shipped_profiles
from validator.records.data import to_data
from validator.records.facts import AudioStream, MediaFacts, VideoStream
from validator.rules import RULES, Rule

RULE_MODULES = [info.name for info in pkgutil.iter_modules(validator.rules.__path__)
                if hasattr(importlib.import_module(f"validator.rules.{info.name}"), "RULE")]


def test_every_rule_lives_in_its_own_module_named_for_its_id() -> None:
    ids = {importlib.import_module(f"validator.rules.{name}").RULE.id for name in RULE_MODULES}
    assert ids == set(RULES)
    assert sorted(RULE_MODULES) == sorted(rule_id.replace("-", "_") for rule_id in RULES)


@pytest.mark.parametrize("rule", RULES.values(), ids=list(RULES))
def test_explain_is_plain_text_with_one_fix(rule: Rule) -> None:
    text = explain(rule.id)
    assert text.count("Fix:") == 1 and "`" not in text
    assert "Fix:" not in rule.doc


def _numeric_defaults(rule: Rule) -> list[str]:
    values = to_data(rule.options()).values()
    return [f"{v:g}" if isinstance(v, float) else f"{v:,}" for v in values
            if isinstance(v, (int, float)) and not isinstance(v, bool)]


LIMITED = [rule for rule in RULES.values()
           if _numeric_defaults(rule) and re.search(r"\d", rule.summary)]


@pytest.mark.parametrize("rule", LIMITED, ids=[rule.id for rule in LIMITED])
def test_a_summary_names_its_limit_as_the_options_hold_it(rule: Rule) -> None:
    assert any(value in rule.summary for value in _numeric_defaults(rule))


def test_the_readme_table_and_the_findings_share_the_hint() -> None:
    table = rules_table()
    facts = MediaFacts(path="x.mkv", source="test", size_bytes=400_000_000, container="matroska",
                       duration_s=61.0,
                       video=(VideoStream(index=0, codec="prores", avg_fps=61.0),),
                       audio=())
    findings = evaluate(load_profile("akool"), facts)
    assert {f.rule for f in findings} == {"audio-present", "max-duration", "max-size",
                                          "video-codec", "max-frame-rate"}
    for finding in findings:
        assert finding.hint == RULES[finding.rule].hint
        assert finding.hint.replace("|", "\\|") in table


def test_a_profile_limit_reaches_the_message() -> None:
    facts = MediaFacts(path="x.mp4", source="test", size_bytes=1000, container="mov,mp4",
                       duration_s=10.0, video=(VideoStream(index=0, codec="h264", avg_fps=45.0),),
                       audio=(AudioStream(index=1, codec="aac"),))
    overridden = load_profile("akool", overrides={"max-frame-rate": {"max_fps": 30}})
    [finding] = evaluate(overridden, facts)
    assert finding.message == "45 fps > 30 fps" and finding.limit == 30


def test_akool_profile_leaves_the_limits_to_the_rules() -> None:
    text = shipped_profiles()["akool"].read_text()
    assert not re.search(r"^(max_seconds|max_bytes|max_fps)\s*=", text, flags=re.M)
