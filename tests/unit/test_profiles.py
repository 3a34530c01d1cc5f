"""Profiles: shipped data, extends, overrides, and precise rejection of bad configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

from validator.profiles.profile import ProfileError, load_profile, shipped_profiles


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def rule_ids(profile_name: str | Path) -> list[str]:
    return [active.rule.id for active in load_profile(profile_name).rules]


def test_shipped_profiles() -> None:
    assert {"akool", "akool-lipsync"} <= set(shipped_profiles())
    assert rule_ids("akool") == ["file-access", "readable", "audio-present", "max-duration",
                                 "max-size", "video-codec", "max-frame-rate", "url-exists",
                                 "url-reachable", "url-content-type", "url-read-limit"]
    assert rule_ids("akool-lipsync")[-3:] == ["lipsync-frame-rate", "audio-input",
                                              "av-duration-match"]


def test_lipsync_extends_akool_with_a_warning() -> None:
    lipsync = {a.rule.id: a for a in load_profile("akool-lipsync").rules}
    assert lipsync["lipsync-frame-rate"].severity == "warning"
    assert lipsync["lipsync-frame-rate"].options.max_fps == 25
    assert lipsync["max-frame-rate"].options.max_fps == 60


def test_extends_by_path_override_and_disable(tmp_path: Path) -> None:
    write(tmp_path / "base.toml", 'extends = "akool"\n[rules.max-duration]\nmax_seconds = 30\n')
    (tmp_path / "sub").mkdir()
    child = write(tmp_path / "sub" / "child.toml", '''extends = "../base.toml"
[rules.max-size]
enabled = false
[rules.max-frame-rate]
severity = "warning"
''')
    profile = {a.rule.id: a for a in load_profile(child).rules}
    assert profile["max-duration"].options.max_seconds == 30
    assert "max-size" not in profile
    assert profile["max-frame-rate"].severity == "warning"


@pytest.mark.parametrize(("text", "message"), [
    ('extends = "akool"\ncolour = "red"\n', "colour: unknown key"),
    ('extends = "akool"\n[rules.no-such-rule]\n', "rules.no-such-rule: unknown rule"),
    ('[rules.max-duration]\nmax_seconds = "long"\n', "rules.max-duration.max_seconds: "),
    ('[rules.max-duration]\nmax_seconds = -1\n', "greater than 0"),
    ('[rules.max-duration]\nmax_minutes = 1\n', "rules.max-duration.max_minutes: unknown key"),
    ('[rules.max-duration]\nseverity = "fatal"\n', "rules.max-duration.severity: "),
    ('extends = "no-such-profile"\n', "unknown profile 'no-such-profile'"),
    ('extends = "missing.toml"\n', "profile file not found"),
    ('this is = = not toml', "not valid TOML"),
    ('extends = "bad.toml"\n', "cycle"),
])
def test_bad_profiles_name_file_key_and_reason(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path / "bad.toml", text)
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    assert message in str(caught.value)
    assert "bad.toml" in str(caught.value) or "no-such-profile" in str(caught.value)


def test_unknown_profile_name_lists_the_shipped_ones() -> None:
    with pytest.raises(ProfileError, match="shipped profiles: akool, .*akool-lipsync"):
        load_profile("akol")


def test_overrides_layer_on_top() -> None:
    profile = load_profile("akool", overrides={"max-duration": {"max_seconds": 45}})
    durations = [a for a in profile.rules if a.rule.id == "max-duration"]
    assert durations[0].options.max_seconds == 45
    assert profile.digest != load_profile("akool").digest


def test_resolved_profile_as_data() -> None:
    data = load_profile("akool-lipsync").as_data()
    assert data["rules"]["max-duration"] == {"code": 1204, "severity": "error", "max_seconds": 60.0}
    assert data["rules"]["video-codec"]["allowed"] == ["h264", "hevc", "vp8", "vp9", "av1"]
