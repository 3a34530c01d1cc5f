"""Hostile profiles, settings tables, manifests, limits and output streams, through the
command line (in process with click's runner, or as a real process where the streams
matter): each is exit status 2 with one sentence naming the file and the key (or the
option), never a traceback, and a bad value is never remembered as validated."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest
from click.testing import CliRunner

from tests.conftest import REPO, fixture_path
from validator.cli.main import main

PASS = str(fixture_path("pass/h264_aac_25fps.mp4"))


class Run(NamedTuple):
    returncode: int
    stderr: str


def cli(*args: str) -> Run:
    """The command run in this process; an exception other than an exit is re-raised."""
    result = CliRunner().invoke(main, list(args))
    if not isinstance(result.exception, (SystemExit, type(None))):
        raise result.exception
    return Run(result.exit_code, result.stderr)


def process(*args: str, cwd: Path = REPO, stdout: int | None = subprocess.PIPE
            ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "validator", *args], stdout=stdout,
                          stderr=subprocess.PIPE, text=True, cwd=cwd, timeout=120)


def one_error(result: Run | subprocess.CompletedProcess[str]) -> str:
    """The run's single error sentence, after checking it was a clean exit 2."""
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    [line] = result.stderr.splitlines()
    return line


def profile(folder: Path, body: str, name: str = "hostile.toml") -> Path:
    path = folder / name
    path.write_text(f'extends = "akool"\n{body}\n')
    return path


@pytest.mark.parametrize(("body", "key", "reason"), [
    ("[rules.max-duration]\nmax_seconds = inf", "rules.max-duration.max_seconds", "finite"),
    ("[rules.max-duration]\nmax_seconds = 1e309", "rules.max-duration.max_seconds", "finite"),
    ("[rules.max-duration]\nmax_seconds = nan", "rules.max-duration.max_seconds", "finite"),
    ("[rules.max-frame-rate]\nmax_fps = -inf", "rules.max-frame-rate.max_fps", "finite"),
    ("[rules.max-size]\nmax_bytes = true", "rules.max-size.max_bytes", "valid integer"),
    ("[rules.max-size]\nmax_bytes = 3e8", "rules.max-size.max_bytes", "valid integer"),
    ("[rules.max-size]\nmax_bytes = 9223372036854775808", "rules.max-size.max_bytes",
     "less than or equal to 9223372036854775807"),
    ("[rules.max-duration]\nmax_seconds = false", "rules.max-duration.max_seconds",
     "valid number"),
    ("[rules.max-size]\nenabled = 1", "rules.max-size.enabled", "valid boolean"),
    ('[rules.video-codec]\nallowed = ["h264", 264]', "rules.video-codec.allowed.1",
     "valid string"),
    ("description = 7", "description", "valid string"),
])
def test_a_bad_profile_value_is_exit_2_naming_file_and_key_every_time(
        tmp_path: Path, body: str, key: str, reason: str) -> None:
    path = profile(tmp_path, body)
    for _ in range(2):   # the second run meets no remembered verdict: nothing was stored
        line = one_error(cli("check", "--cache-dir", str(tmp_path / "cache"), "-p", str(path),
                             PASS))
        assert line.startswith(f"media-preflight: error: {path}: {key}: ")
        assert reason in line
    assert not list((tmp_path / "cache").glob("validated-v1/*"))


def test_an_infinite_limit_never_reaches_a_later_run(tmp_path: Path) -> None:
    path = profile(tmp_path, "[rules.max-duration]\nmax_seconds = inf")
    cache = str(tmp_path / "cache")
    one_error(cli("check", "--cache-dir", cache, "-p", str(path), PASS))
    path.write_text('extends = "akool"\n[rules.max-duration]\nmax_seconds = 90\n')
    assert cli("check", "--cache-dir", cache, "-p", str(path), PASS).returncode == 0


def test_an_extends_chain_of_a_thousand_files_is_refused_at_the_limit(tmp_path: Path) -> None:
    for number in range(1000):
        parent = f"p{number + 1}.toml" if number < 999 else "akool"
        (tmp_path / f"p{number}.toml").write_text(f'extends = "{parent}"\n')
    line = one_error(cli("check", "-p", str(tmp_path / "p0.toml"), PASS))
    assert line == (f"media-preflight: error: {tmp_path / 'p63.toml'}: extends: more than 64 "
                    "profiles extend each other in a chain")


def test_a_chain_of_sixty_four_files_still_loads(tmp_path: Path) -> None:
    for number in range(63):   # and akool: 64 files
        parent = f"p{number + 1}.toml" if number < 62 else "akool"
        (tmp_path / f"p{number}.toml").write_text(f'extends = "{parent}"\n')
    assert cli("check", "-p", str(tmp_path / "p0.toml"), PASS).returncode == 0


@pytest.mark.parametrize("value", ["[" * 5000 + "]" * 5000, "{a = " * 5000 + "1" + "}" * 5000])
def test_deeply_nested_toml_is_exit_2(tmp_path: Path, value: str) -> None:
    path = tmp_path / "deep.toml"
    path.write_text(f"x = {value}\n")
    line = one_error(cli("check", "-p", str(path), PASS))
    assert line == (f"media-preflight: error: {path}: not valid TOML: arrays or tables nested "
                    "too deeply")


def test_a_deeply_nested_pyproject_is_exit_2(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.media-preflight]\nx = " + "[" * 5000
                                             + "]" * 5000 + "\n")
    line = one_error(cli("check", PASS))
    assert line.endswith("pyproject.toml: not valid TOML: arrays or tables nested too deeply")


def test_a_profile_that_is_not_utf8_is_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(b'description = "caf\xe9"\n')
    line = one_error(cli("check", "-p", str(path), PASS))
    assert line == f"media-preflight: error: {path}: not valid TOML: not UTF-8 text at byte 18"


@pytest.mark.parametrize(("table", "key", "reason"), [
    ("jobs = true", "tool.media-preflight.jobs", "valid integer"),
    ("jobs = 0", "tool.media-preflight.jobs", "greater than or equal to 1"),
    ("jobs = 1e309", "tool.media-preflight.jobs", "valid integer"),
    ("gitignore = 1", "tool.media-preflight.gitignore", "valid boolean"),
    ('probe = "vlc"', "tool.media-preflight.probe", "'auto', 'libav', 'mediainfo' or 'ffprobe'"),
    ('exclude = "*.mov"', "tool.media-preflight.exclude", "should be an array"),
    ('rules = 1', "tool.media-preflight.rules", "should be a table"),
])
def test_a_bad_settings_table_is_exit_2_naming_file_and_key(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, table: str, key: str,
        reason: str) -> None:
    monkeypatch.chdir(tmp_path)
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(f"[tool.media-preflight]\n{table}\n")
    line = one_error(cli("check", PASS))
    assert line.startswith(f"media-preflight: error: {pyproject}: {key}: ")
    assert reason in line


@pytest.mark.parametrize("value", ["inf", "1e309", "nan", "-inf", "0", "86401"])
def test_a_timeout_that_is_no_limit_is_exit_2_naming_the_option(value: str) -> None:
    result = cli("check", "--timeout", value, PASS)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "Invalid value for '--timeout'" in result.stderr


def test_a_day_is_the_longest_timeout() -> None:
    assert cli("check", "--timeout", "86400", PASS).returncode == 0


def test_a_huge_csv_field_is_exit_2_naming_the_manifest_and_line(tmp_path: Path) -> None:
    manifest = tmp_path / "pairs.csv"
    manifest.write_text("video,audio\nclip.mp4,voice.wav\n" + "v" * 200_000 + ",voice.wav\n")
    line = one_error(cli("check", "--pairs", str(manifest)))
    assert line == (f"media-preflight: error: {manifest}: line 3: not a CSV row: field larger "
                    "than field limit (131072)")


def test_a_deeply_nested_json_manifest_is_exit_2(tmp_path: Path) -> None:
    manifest = tmp_path / "pairs.json"
    manifest.write_text("[" * 100_000 + "]" * 100_000)
    line = one_error(cli("check", "--pairs", str(manifest)))
    assert line == f"media-preflight: error: {manifest}: not a manifest: nested too deeply"


def test_names_in_an_error_are_escaped(tmp_path: Path) -> None:
    path = profile(tmp_path, '[rules."x\\u001b]0;owned\\u0007\\nmedia-preflight: fine"]')
    line = one_error(cli("check", "-p", str(path), PASS))
    assert "\x1b" not in line and "\x07" not in line
    assert 'rules.x\\x1b]0;owned\\x07\\x0amedia-preflight: fine: unknown rule' in line


@pytest.mark.parametrize("args", [["check", PASS], ["check", "--format", "json", PASS],
                                  ["check", "--format", "sarif", PASS], ["explain", "--table"],
                                  ["profiles"],
                                  ["profiles", "--show", "akool"], ["explain", "1204"]])
def test_a_full_disk_is_exit_2_with_the_reason(args: list[str]) -> None:
    with open("/dev/full", "w") as full:
        result = process(*args, stdout=full.fileno())
    assert one_error(result) == ("media-preflight: error: cannot write the report: "
                                 "No space left on device")


@pytest.mark.parametrize("args", [["explain", "--table"], ["profiles", "--show", "akool"]])
def test_a_closed_stdout_gives_no_traceback(args: list[str]) -> None:
    process = subprocess.Popen([sys.executable, "-m", "validator", *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO)
    assert process.stdout is not None
    process.stdout.close()
    _, err = process.communicate(timeout=120)
    assert b"Traceback" not in err and process.returncode == 1


def test_an_infinite_override_in_pyproject_is_exit_2_every_time(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text("[tool.media-preflight.rules.max-duration]\nmax_seconds = inf\n")
    for _ in range(2):
        line = one_error(cli("check", "--cache-dir", str(tmp_path / "cache"), PASS))
        assert line == (f"media-preflight: error: {pyproject}: rules.max-duration.max_seconds: "
                        "Input should be a finite number")
