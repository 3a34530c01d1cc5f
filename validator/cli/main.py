"""The ``media-preflight`` command: a thin click layer over the Python API.

The commands import what they use when they run, so ``--help`` and
``--version`` load no probe backend; the executable's entry point
(:mod:`validator.cli.entry`) forks the probe worker for ``check`` before this
module is imported.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
@click.option("--hidden", "include_hidden", is_flag=True, help="Walk hidden files/folders too.")
@click.option("--gitignore/--no-gitignore", default=None,
              help="In folders, skip what git ignores (.gitignore, .git/info/exclude).")
@click.option("--quiet", "-q", is_flag=True, help="Text: print failing files and the summary only.")
@click.option("--fix-hints", is_flag=True,
              help="Text: under each fixable failing file, the `fix` command that repairs it.")
@click.option("--allow-private-urls", is_flag=True,
              help="Fetch URLs whose host is a loopback, private or link-local address (the "
                   "API refuses them; for a local test server).")
def check(paths: tuple[str, ...], **flags: object) -> None:
    """Check video files and folders (walked for media files), URLs, or lipsync pairs.

    Exit status: 0 all pass (warnings allowed), 1 a file would be rejected,
    2 usage, configuration or file-access error.
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
    """Explain an API code (e.g. 1204) or a rule (e.g. max-duration)."""
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
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--output", "-o", metavar="OUTPUT",
              help="With one input file: where to write it [default: INPUT's name + .fixed.mp4, "
                   "beside it].")
@click.option("--output-dir", metavar="DIR",
              help="Write the fixed files under DIR, mirroring the inputs' relative paths.")
@click.option("--profile", "-p", help="Profile name (akool, akool-lipsync) or a .toml file.")
@click.option("--dry-run", is_flag=True, help="Print the FFmpeg commands; run and write nothing.")
@click.option("--force", "-f", is_flag=True, help="Overwrite outputs that exist.")
@click.option("--jobs", "-j", type=click.IntRange(min=1),
              help="Encodes at once [default: one per four CPUs].")
@click.option("--format", "output_format", type=click.Choice(("text", "json", "jsonl")),
              default="text", show_default=True, help="Output format.")
@click.option("--progress/--no-progress", default=None,
              help="Progress on stderr [default: on a terminal].")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Skip matching paths (repeatable).")
@click.option("--hidden", "include_hidden", is_flag=True, help="Walk hidden files/folders too.")
@click.option("--gitignore/--no-gitignore", default=None,
              help="In folders, skip what git ignores (.gitignore, .git/info/exclude).")
@click.option("--max-trim-loss", type=click.FloatRange(min=0), default=2.0, show_default=True,
              metavar="SECONDS",
              help="A too-long file is cut at copy speed at a keyframe at most this far below "
                   "the limit (else re-encoded).")
@click.option("--exact", is_flag=True, help="Trim by re-encoding, exactly at the limit.")
@click.option("--apply-advice", is_flag=True,
              help="Also follow advice-level findings (akool-lipsync's 25 fps).")
def fix_command(paths: tuple[str, ...], **flags: Any) -> None:
    """Write copies of failing videos that the API accepts, each made by one FFmpeg command.

    PATH is a file or a folder (walked as `check` walks it). Inputs are never
    changed. Exit status: 0 every output passes (or its input already did), 1
    some still fail or cannot be fixed, 2 usage error (such as an existing
    output without --force), 130 interrupted (no partial output is left).
    """
    from validator.cli.check_run import load_run_profile
    from validator.cli.fix_run import FixSettings, run_fix
    from validator.cli.settings import build_settings
    from validator.profiles.profile import ProfileError
    from validator.repair.errors import FfmpegFailed, FixError
    from validator.repair.plan import FixOptions

    try:
        base = build_settings(paths, Path.cwd(), profile=flags["profile"],
                              gitignore=flags["gitignore"], exclude=flags["exclude"])
        options = FixOptions(apply_advice=flags["apply_advice"], exact=flags["exact"],
                             max_trim_loss=flags["max_trim_loss"])
        settings = FixSettings(
            paths=paths, output=flags["output"], output_dir=flags["output_dir"],
            profile=load_run_profile(base), jobs=flags["jobs"], force=flags["force"],
            dry_run=flags["dry_run"], output_format=flags["output_format"],
            progress=flags["progress"], exclude=base.exclude,
            include_hidden=flags["include_hidden"], gitignore=base.gitignore, options=options)
        status = run_fix(settings, sys.stdout, sys.stderr)
    except (FixError, ProfileError) as exc:
        _fail(str(exc))
    except FfmpegFailed as exc:
        click.echo(f"media-preflight: {exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("media-preflight: interrupted", err=True)
        sys.exit(130)
    sys.exit(status)
