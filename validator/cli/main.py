"""The ``media-preflight`` command: a thin click layer over the Python API.

The commands import what they use when they run, so ``--help`` and
``--version`` load no probe backend; the executable's entry point
(:mod:`validator.cli.entry`) forks the probe worker for ``check`` before this
module is imported.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from validator._version import __version__

PROBES = ("auto", "libav", "mediainfo", "ffprobe")
FORMATS = ("auto", "text", "json", "jsonl", "sarif", "junit", "github")
USAGE_ERROR = 2

if TYPE_CHECKING:
    import logging


def _notes_to_stderr() -> None:
    """Notes the library logs (e.g. a FIFO skipped in a folder) go to stderr, one line each
    (set up at the first note: most runs have none, and need not import ``logging``)."""
    from validator.run.discover import on_first_note

    on_first_note(_stderr_handler)


def _stderr_handler(logger: logging.Logger) -> None:
    import logging

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("media-preflight: note: %(message)s"))
    logger.addHandler(handler)
    logger.propagate = False


def _fail(message: str) -> None:
    click.echo(f"media-preflight: error: {message}", err=True)
    sys.exit(USAGE_ERROR)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="media-preflight")
def main() -> None:
    """Predict which Akool API error code each video would get, before you upload it."""


@main.command()
@click.argument("paths", nargs=-1)
@click.option("--profile", "-p", help="Profile name (akool, akool-lipsync) or a .toml file.")
@click.option("--probe", type=click.Choice(PROBES), help="How to read files [default: auto].")
@click.option("--audio", metavar="AUDIO",
              help="Lipsync: the audio input that goes with the one video named (file or URL).")
@click.option("--pairs", "pairs_file", type=click.Path(dir_okay=False), metavar="FILE",
              help="Lipsync: check the video,audio pairs a CSV or JSON manifest names.")
@click.option("--format", "output_format", type=click.Choice(FORMATS),
              help="Output format [default: auto: github in GitHub Actions, else text, "
                   "coloured on a terminal; with --output, from the file's extension].")
@click.option("--output", "-o", type=click.Path(dir_okay=False), metavar="FILE",
              help="Write the report to FILE (atomically); print the summary only.")
@click.option("--progress/--no-progress", default=None,
              help="Progress bar on stderr [default: on a terminal, for more than 5 files].")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Worker processes [default: CPUs].")
@click.option("--scheduler", metavar="ADDRESS",
              help="Check on a Dask cluster: tcp://HOST:PORT, or local:N to start N local "
                   "workers (needs media-preflight[dask]; workers must see the same paths).")
@click.option("--cache-dir", type=click.Path(file_okay=False), metavar="DIR",
              help="Where to keep the result cache [default: the user cache directory].")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the result cache.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), metavar="SECONDS",
              help="Time limit for probing one file [default: 30].")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Skip matching paths (repeatable).")
@click.option("--force-exclude", is_flag=True,
              help="Apply --exclude (and pyproject's exclude) to files named too, as "
                   "pre-commit names them.")
@click.option("--select", multiple=True, metavar="RULES",
              help="Report only these rules (ids or API codes, comma-separated or repeated).")
@click.option("--ignore", multiple=True, metavar="RULES",
              help="Do not report these rules (ids or API codes, comma-separated or repeated).")
@click.option("--strict", is_flag=True, help="Warnings fail the run too (exit status 1).")
@click.option("--exit-zero", is_flag=True,
              help="Exit 0 even when a file fails (2 still when a file was not checked).")
@click.option("--color", type=click.Choice(("auto", "always", "never")),
              help="Colour text output [default: auto: on a terminal; NO_COLOR and "
                   "FORCE_COLOR are honoured].")
@click.option("--hidden", "include_hidden", is_flag=True, help="Walk hidden files/folders too.")
@click.option("--gitignore/--no-gitignore", default=None,
              help="In folders, skip what git ignores (.gitignore, .git/info/exclude).")
@click.option("--quiet", "-q", is_flag=True, help="Text: print failing files and the summary only.")
@click.option("--fix-hints", is_flag=True,
              help="Text: under each fixable failing file, the `fix` command that repairs it.")
def check(paths: tuple[str, ...], **flags: object) -> None:
    """Check videos, folders, URLs or lipsync pairs.

    Folders are walked for video files. Exit status: 0 all pass (warnings
    allowed), 1 every file was checked and one would be rejected, 2 a usage or
    configuration error, or a file that was not checked (the setup's fault).
    """
    from validator.cli.check_run import run_check
    from validator.cli.settings import build_settings
    from validator.probe import UnknownBackend
    from validator.profiles.profile import ProfileError

    _notes_to_stderr()
    try:
        settings = build_settings(paths, Path.cwd(), **flags)
        status = run_check(settings)
    except (ProfileError, UnknownBackend, ValueError) as exc:
        _fail(str(exc))
    except KeyboardInterrupt:
        click.echo("media-preflight: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(1)
    sys.exit(status)


@main.command()
@click.argument("topic", required=False)
@click.option("--table", is_flag=True, help="Print the Markdown table of all rules.")
def explain(topic: str | None, table: bool) -> None:
    """Explain an API code (like 1204) or a rule (like max-duration)."""
    from validator.output.explain import UnknownTopic, rules_table
    from validator.output.explain import explain as explain_topic

    if table:
        click.echo(rules_table())
        return
    if topic is None:
        _fail("name an API code or a rule id (or use --table)")
    try:
        click.echo(explain_topic(str(topic)))
    except UnknownTopic as exc:
        _fail(str(exc))


@main.command()
@click.option("--show", metavar="NAME|FILE", help="Print the resolved profile as JSON.")
def profiles(show: str | None) -> None:
    """List the shipped profiles, or show one resolved."""
    import json

    from validator.profiles.profile import ProfileError, load_profile, shipped_profiles

    try:
        if show:
            click.echo(json.dumps(load_profile(show).as_data(), indent=2))
            return
        for name in shipped_profiles():
            click.echo(f"{name:16} {load_profile(name).description}")
    except ProfileError as exc:
        _fail(str(exc))


@main.command("fix")
@click.argument("input_path", metavar="INPUT")
@click.option("--output", "-o", metavar="OUTPUT",
              help="Where to write the fixed file [default: INPUT's name + .fixed.mp4, beside it].")
@click.option("--profile", "-p", help="Profile name (akool, akool-lipsync) or a .toml file.")
@click.option("--dry-run", is_flag=True, help="Print the FFmpeg command; run and write nothing.")
@click.option("--force", "-f", is_flag=True, help="Overwrite OUTPUT if it exists.")
def fix_command(input_path: str, output: str | None, profile: str | None, dry_run: bool,
                force: bool) -> None:
    """Write a copy of INPUT that the API accepts.

    The copy is made by one FFmpeg command; the input is never changed. Exit
    status: 0 the output passes (or INPUT already did), 1 it still fails or
    cannot be fixed, 2 usage error (such as an existing OUTPUT without --force).
    """
    from validator.cli.check_run import load_run_profile
    from validator.cli.settings import build_settings
    from validator.profiles.profile import ProfileError
    from validator.repair.fixer import (
        FfmpegFailed,
        FixError,
        exit_status,
        fix,
        result_lines,
        terminal_progress,
    )

    try:
        settings = build_settings((input_path,), Path.cwd(), profile=profile)
        progress = terminal_progress(sys.stderr) if sys.stderr.isatty() else None
        result = fix(input_path, output, profile=load_run_profile(settings), dry_run=dry_run,
                     force=force, progress=progress)
    except (FixError, ProfileError) as exc:
        _fail(str(exc))
    except FfmpegFailed as exc:
        click.echo(f"media-preflight: {exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("media-preflight: interrupted", err=True)
        sys.exit(130)
    for line in result_lines(result):
        click.echo(line)
    sys.exit(exit_status(result))
