"""The wiring: click options fill typed settings, each list of names is written once, a user's
mistake is exit 2 while a bug keeps its traceback, and validated configuration is
remembered exactly."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any, get_args

import click
import pytest
from click.testing import CliRunner

from validator.check.pairs import ManifestError, Pair
from validator.cli import main as cli_main
from validator.cli.check_run import FILE_FORMATS
from validator.cli.settings import CheckOptions, Settings, build_settings
from validator.output import FORMATTERS, UnknownFormat, get_formatter
from validator.output.explain import UnknownTopic
from validator.probe import _MODULES, PROBE_CHOICES, BackendName, UnknownBackend
from validator.profiles.profile import (
    DEFAULT_PROFILE,
    LIPSYNC_PROFILE,
    Profile,
    ProfileError,
    load_profile,
    shipped_profiles,
)
from validator.profiles.snapshots import validated
from validator.profiles.tool_table import ToolTable, read_tool_table
from validator.records.errors import UsageError, safe_message
from validator.repair.fixer import FixError
from validator.run.cluster import ClusterError


def option(command: click.Command, name: str) -> click.Parameter:
    [found] = [param for param in command.params if param.name == name]
    return found


class TestTypedOptions:
    def test_every_check_option_is_one_field_of_check_options(self) -> None:
        params = {param.name for param in cli_main.check.params}
        assert params == {field.name for field in dataclasses.fields(CheckOptions)}

    def test_an_option_given_reaches_the_settings_and_one_not_given_is_the_default(
            self, tmp_path: Path) -> None:
        given = CheckOptions(paths=("a.mp4",), probe="ffprobe", jobs=3, timeout=5.0,
                             exclude=("*.mov",), quiet=True, no_cache=True,
                             cache_dir=str(tmp_path))
        settings = build_settings(given, tmp_path)
        assert (settings.probe, settings.jobs, settings.timeout, settings.exclude) == (
            "ffprobe", 3, 5.0, ("*.mov",))
        assert settings.quiet and settings.cache_dir is None
        assert settings.snapshot_dir == tmp_path
        assert build_settings(CheckOptions(paths=("a.mp4",)), tmp_path).timeout == 30.0

    def test_pyproject_fills_what_the_command_line_left_out(self, tmp_path: Path) -> None:
        (tmp_path / "pyproject.toml").write_text(
            '[tool.media-preflight]\nprobe = "mediainfo"\njobs = 2\nexclude = ["*.avi"]\n'
            'gitignore = true\n[tool.media-preflight.rules.max-duration]\nmax_seconds = 30\n')
        options = CheckOptions(paths=("a.mp4",), jobs=4, exclude=("*.mov",),
                               cache_dir=str(tmp_path / "cache"))
        settings = build_settings(options, tmp_path)
        assert settings == Settings(
            paths=("a.mp4",), probe="mediainfo", jobs=4, exclude=("*.avi", "*.mov"),
            gitignore=True, cache_dir=tmp_path / "cache", snapshot_dir=tmp_path / "cache",
            rule_overrides={"max-duration": {"max_seconds": 30}},
            overrides_source=str(tmp_path / "pyproject.toml"))

    def test_a_pair_makes_the_default_profile_the_lipsync_one(self, tmp_path: Path) -> None:
        options = CheckOptions(paths=("v.mp4",), audio="a.wav", cache_dir=str(tmp_path))
        settings = build_settings(options, tmp_path)
        assert settings.profile == LIPSYNC_PROFILE and settings.pairs == (Pair("v.mp4", "a.wav"),)

    def test_an_image_pair_makes_the_default_profile_the_character_swap_one(
            self, tmp_path: Path) -> None:
        options = CheckOptions(paths=("v.mp4",), image="i.png", cache_dir=str(tmp_path))
        settings = build_settings(options, tmp_path)
        assert settings.profile == "akool-character-swap"
        assert settings.pairs == (Pair("v.mp4", image="i.png"),)
        given = CheckOptions(paths=("v.mp4",), image="i.png", profile="tiktok")
        assert build_settings(given, tmp_path).profile == "tiktok"   # refused when it runs

    @pytest.mark.parametrize(("options", "reason"), [
        (CheckOptions(), r"name a file, folder or URL to check \(or --pairs FILE\)"),
        (CheckOptions(paths=("a", "b"), audio="x.wav"), "--audio goes with exactly one video"),
        (CheckOptions(paths=("a",), pairs_file="p.csv"), "--pairs takes no other paths"),
        (CheckOptions(audio="x.wav", pairs_file="p.csv"), "cannot be used together"),
        (CheckOptions(paths=("a", "b"), image="x.png"), "--image goes with exactly one video"),
        (CheckOptions(image="x.png", pairs_file="p.csv"),
         "--image and --pairs cannot be used together"),
        (CheckOptions(audio="x.wav", image="x.png"),
         "--audio and --image go with exactly one video"),
    ])
    def test_options_that_do_not_go_together_are_a_usage_error(
            self, tmp_path: Path, options: CheckOptions, reason: str) -> None:
        with pytest.raises(UsageError, match=reason):
            build_settings(dataclasses.replace(options, cache_dir=str(tmp_path)), tmp_path)


class TestNamesDefinedOnce:
    def test_probe_choices_are_auto_and_the_registry(self) -> None:
        assert ("auto", *get_args(BackendName)) == PROBE_CHOICES
        assert tuple(_MODULES) == get_args(BackendName)
        probe = option(cli_main.check, "probe").type
        assert isinstance(probe, click.Choice) and tuple(probe.choices) == PROBE_CHOICES

    def test_format_choices_are_auto_and_the_registry(self) -> None:
        fmt = option(cli_main.check, "output_format").type
        assert isinstance(fmt, click.Choice) and tuple(fmt.choices) == ("auto", *FORMATTERS)
        assert set(FILE_FORMATS.values()) <= set(FORMATTERS)

    def test_the_profiles_named_in_code_are_shipped(self) -> None:
        assert {DEFAULT_PROFILE, LIPSYNC_PROFILE} <= set(shipped_profiles())

    def test_the_settings_table_takes_the_same_probe_names(self, tmp_path: Path) -> None:
        for name in PROBE_CHOICES:
            (tmp_path / "pyproject.toml").write_text(f'[tool.media-preflight]\nprobe = "{name}"\n')
            assert read_tool_table(tmp_path / "pyproject.toml").probe == name


class TestUsageErrors:
    @pytest.mark.parametrize("error", [ProfileError, UnknownBackend, UnknownTopic, UnknownFormat,
                                       FixError, ClusterError, ManifestError])
    def test_every_user_mistake_is_a_usage_error(self, error: type[Exception]) -> None:
        assert issubclass(error, UsageError)

    def test_an_unknown_format_lists_the_valid_ones(self) -> None:
        with pytest.raises(UnknownFormat, match="choose from: text, json"):
            get_formatter("yaml")

    def test_a_usage_error_is_exit_2_with_its_message_and_a_bug_keeps_its_traceback(
            self) -> None:
        @click.group(cls=cli_main.Commands)
        def group() -> None:
            """A stand-in group with the real error handling."""

        @group.command()
        @click.argument("kind")
        def fail(kind: str) -> None:
            raise (UsageError if kind == "usage" else ValueError)("bad\nname")

        usage = CliRunner().invoke(group, ["fail", "usage"])
        assert usage.exit_code == 2
        assert usage.stderr == "media-preflight: error: bad\\x0aname\n"
        bug = CliRunner().invoke(group, ["fail", "bug"])
        assert isinstance(bug.exception, ValueError) and bug.exit_code == 1

    @pytest.mark.parametrize("args", [["explain", "9999"], ["profiles", "--show", "nope"],
                                      ["explain"], ["check"]])
    def test_every_exit_2_says_why(self, args: list[str]) -> None:
        result = CliRunner().invoke(cli_main.main, args)
        assert result.exit_code == 2
        assert result.stderr.startswith("media-preflight: error: ")
        assert len(result.stderr.strip()) > len("media-preflight: error: ")

    @pytest.mark.parametrize(("text", "shown"), [
        ("plain name.mp4", "plain name.mp4"), ("a\nb", "a\\x0ab"),
        ("\x1b]0;x\x07", "\\x1b]0;x\\x07"), ("caf\udce9.mp4", "caf\\xe9.mp4"),
        ("tab\there", "tab\\x09here"), ("café", "café"), ("\u202egnp.mp4", "\\u202egnp.mp4")])
    def test_a_message_shows_control_characters_escaped(self, text: str, shown: str) -> None:
        assert safe_message(text) == shown


class TestSnapshots:
    @pytest.mark.parametrize("name", sorted(shipped_profiles()))
    def test_a_remembered_profile_is_the_validated_one(self, tmp_path: Path, name: str) -> None:
        validated_now = load_profile(name, cache_dir=tmp_path)
        remembered = load_profile(name, cache_dir=tmp_path)
        assert remembered == validated_now == load_profile(name)
        assert list((tmp_path / "validated-v1").glob("*.json"))

    def test_an_edited_entry_is_validated_again(self, tmp_path: Path) -> None:
        load_profile("akool", cache_dir=tmp_path)
        [entry] = (tmp_path / "validated-v1").glob("*.json")
        digest, _, text = entry.read_text().partition("\n")
        entry.write_text(f"{digest}\n{text.replace('error', 'fatal')}")
        profile = load_profile("akool", cache_dir=tmp_path)
        assert profile == load_profile("akool")
        assert {active.severity for active in profile.rules} <= {"error", "warning"}

    def test_a_value_that_does_not_load_back_equal_is_not_remembered(
            self, tmp_path: Path) -> None:
        calls: list[int] = []

        def build() -> dict[str, Any]:
            calls.append(1)
            return {"limit": 60.0}

        def lossy(value: dict[str, Any]) -> dict[str, Any]:
            return {"limit": None}

        for _ in range(2):
            assert validated("test", {"x": 1}, build, lossy, dict, tmp_path) == {"limit": 60.0}
        assert len(calls) == 2 and not list(tmp_path.rglob("*.json"))

    def test_a_value_json_cannot_carry_is_not_remembered(self, tmp_path: Path) -> None:
        def build() -> dict[str, float]:
            return {"limit": float("inf")}

        assert validated("test", {}, build, dict, dict, tmp_path) == {"limit": float("inf")}
        assert not list(tmp_path.rglob("*.json"))

    def test_a_remembered_settings_table_is_the_validated_one(self, tmp_path: Path) -> None:
        pyproject = tmp_path / "pyproject.toml"
        pyproject.write_text('[tool.media-preflight]\nexclude = ["*.mov"]\njobs = 2\n'
                             '[tool.media-preflight.rules.video-codec]\nallowed = ["h264"]\n')
        first = read_tool_table(pyproject, tmp_path / "cache")
        assert first == read_tool_table(pyproject, tmp_path / "cache") == read_tool_table(pyproject)
        assert first == ToolTable(exclude=("*.mov",), jobs=2,
                                  rules={"video-codec": {"allowed": ["h264"]}})

    def test_a_profile_snapshot_round_trips_through_json(self) -> None:
        for name in shipped_profiles():
            profile = load_profile(name)
            data = json.loads(json.dumps(profile.to_snapshot()))
            assert Profile.from_snapshot(data) == profile
