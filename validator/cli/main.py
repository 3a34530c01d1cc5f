"""The ``media-preflight`` command: a thin click layer over the Python API.

Options fill typed settings (:mod:`validator.cli.settings`); the lists of choices come
from the registries (probe backends, output formats). A :class:`UsageError` from any
command is exit status 2 with its message; anything else is a bug and keeps its traceback.

The commands import what they use when they run, so ``--help`` and
``--version`` load no probe backend; the executable's entry point
(:mod:`validator.cli.entry`) forks the probe worker for ``check`` before this
module is imported.
"""

from __future__ import annotations

import errno
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from validator._version import __version__
from validator.output import FORMATTERS
from validator.probe import PROBE_CHOICES
from validator.records.errors import UsageError, safe_message

FORMAT_CHOICES = ("auto", *FORMATTERS)
PROFILE_HELP = ("Profile: a shipped name (`media-preflight profiles` lists them) or a .toml "
                "file [default: akool; for pairs akool-lipsync with an audio, akool-character-swap "
                "with an image only].")
USAGE_ERROR = 2
MAX_TIMEOUT_S = 86_400.0
# Writing the report failed for want of room: the user's to fix, not a bug.
_NO_ROOM = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})

if TYPE_CHECKING:
    import logging


class Seconds(click.FloatRange):
    """A time limit: a number of seconds above 0, at most a day (not ``inf``, not ``nan``)."""

    def __init__(self) -> None:
        super().__init__(min=0, max=MAX_TIMEOUT_S, min_open=True)

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        seconds = super().convert(value, param, ctx)
        if math.isnan(seconds):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        return seconds


class Terminated(BaseException):
    """SIGTERM arrived (as CI sends to cancel a job): unwinds the run as Ctrl-C does."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


def _on_sigterm(unwind: bool) -> None:
    """While a run goes on, SIGTERM unwinds it, so its workers are killed and no temporary
    file is left; once it is over (``unwind`` false), SIGTERM just ends the process."""
    import signal

    signal.signal(signal.SIGTERM, _terminate if unwind else signal.SIG_DFL)


class Commands(click.Group):
    """The command group: turns a user's mistake into exit status 2 with its reason, and
    an interrupted run (Ctrl-C, SIGTERM) into 130 or 143."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            fail(str(exc))
        except KeyboardInterrupt:
            click.echo("media-preflight: interrupted", err=True)
            sys.exit(130)
        except Terminated:
            click.echo("media-preflight: terminated", err=True)
            sys.exit(143)
        except BrokenPipeError:
            sys.exit(1)
        except OSError as exc:
            if exc.errno not in _NO_ROOM:
                raise
            fail(f"cannot write the report: {exc.strerror}")


def fail(message: str) -> NoReturn:
    """Say why on stderr (names escaped) and exit with the usage status."""
    click.echo(f"media-preflight: error: {safe_message(message)}", err=True)
    sys.exit(USAGE_ERROR)


def _use_reference_ffprobe(context: click.Context, parameter: click.Parameter,
                           value: str | None) -> str | None:
    """``--reference-ffprobe``: every prober of the run uses that binary (the entry point
    has set it before forking the probe worker; this covers other callers)."""
    import os

    if value is None:
        return None
    if not os.access(value, os.X_OK):
        raise click.BadParameter(f"{value}: not an executable file", context, parameter)
    os.environ["MEDIA_PREFLIGHT_FFPROBE"] = os.path.abspath(value)
    return value


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


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="media-preflight")
def main() -> None:
    """Predict which Akool API error code each video would get, before you upload it."""


@main.command()
@click.argument("paths", nargs=-1)
@click.option("--profile", "-p", help=PROFILE_HELP)
@click.option("--probe", type=click.Choice(PROBE_CHOICES),
              help="How to read files [default: auto].")
@click.option("--audio", metavar="AUDIO",
              help="Lipsync: the audio input that goes with the one video named (file or URL).")
@click.option("--image", metavar="IMAGE",
              help="Character swap: the image input that goes with the one video named "
                   "(file or URL).")
@click.option("--pairs", "pairs_file", type=click.Path(dir_okay=False), metavar="FILE",
              help="Check the jobs a CSV or JSON manifest names: video,audio (lipsync) and/or "
                   "video,image (character swap).")
@click.option("--format", "output_format", type=click.Choice(FORMAT_CHOICES),
              help="Output format [default: auto: github in GitHub Actions, else text, "
                   "coloured on a terminal; with --output, from the file's extension].")
@click.option("--output", "-o", type=click.Path(dir_okay=False), metavar="FILE",
              help="Write the report to FILE (atomically); print the summary only.")
@click.option("--report-file", "report_files", multiple=True, metavar="FORMAT=FILE",
              help="Also write the report in FORMAT to FILE, from the same run (repeatable; "
                   "e.g. sarif=media.sarif html=report.html).")
@click.option("--progress/--no-progress", default=None,
              help="Progress bar on stderr [default: on a terminal, for more than 5 files].")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Worker processes [default: CPUs].")
@click.option("--scheduler", metavar="ADDRESS",
              help="Check on a Dask cluster: tcp://HOST:PORT, or local:N to start N local "
                   "workers (needs media-preflight[dask]; workers must see the same paths).")
@click.option("--cache-dir", type=click.Path(file_okay=False), metavar="DIR",
              help="Where to keep the result cache [default: the user cache directory].")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the result cache.")
@click.option("--timeout", type=Seconds(), metavar="SECONDS",
              help="Time limit for probing one file, in seconds (at most a day) [default: 30].")
@click.option("--max-memory", metavar="SIZE",
              help="Memory bound of each probe process, e.g. 2G, 512M; 0 for none [default: 2G].")
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
@click.option("--reference-ffprobe", type=click.Path(exists=True, dir_okay=False),
              metavar="PATH", callback=_use_reference_ffprobe,
              help="The ffprobe of the FFmpeg release the API runs: its reading decides "
                   "verdicts that depend on the release [default: ffprobe on PATH].")
@click.option("--allow-private-urls", is_flag=True,
              help="Fetch URLs whose host is a loopback, private or link-local address (the "
                   "API refuses them; for a local test server).")
def check(paths: tuple[str, ...], profile: str | None, probe: str | None, audio: str | None,
          image: str | None, pairs_file: str | None, output_format: str | None, output: str | None,
          report_files: tuple[str, ...], progress: bool | None, jobs: int | None,
          scheduler: str | None, cache_dir: str | None, no_cache: bool, timeout: float | None,
          max_memory: str | None, exclude: tuple[str, ...], include_hidden: bool,
          gitignore: bool | None, quiet: bool, fix_hints: bool,
          reference_ffprobe: str | None, allow_private_urls: bool, force_exclude: bool,
          select: tuple[str, ...], ignore: tuple[str, ...], strict: bool, exit_zero: bool,
          color: str | None) -> None:
    """Check videos, folders, URLs, lipsync pairs or character swaps.

    Folders are walked for video files (and images, under a profile that takes
    an image input). Exit status: 0 all pass (warnings
    allowed), 1 every file was checked and one would be rejected, 2 a usage or
    configuration error, or a file that was not checked (the setup's fault).
    """
    from validator.cli.check_run import run_check
    from validator.cli.settings import CheckOptions, build_settings

    options = CheckOptions(
        paths=paths, profile=profile, probe=probe, audio=audio, image=image,
        pairs_file=pairs_file,
        output_format=output_format, output=output, progress=progress, jobs=jobs,
        scheduler=scheduler, cache_dir=cache_dir, no_cache=no_cache, timeout=timeout,
        exclude=exclude, include_hidden=include_hidden, gitignore=gitignore, quiet=quiet,
        fix_hints=fix_hints, report_files=report_files, max_memory=max_memory,
        reference_ffprobe=reference_ffprobe, allow_private_urls=allow_private_urls,
        force_exclude=force_exclude, select=select, ignore=ignore, strict=strict,
        exit_zero=exit_zero, color=color)
    _notes_to_stderr()
    _on_sigterm(unwind=True)
    try:
        status = run_check(build_settings(options, Path.cwd()))
    finally:
        _on_sigterm(unwind=False)
    sys.exit(status)


@main.command()
@click.argument("topic", required=False)
@click.option("--table", is_flag=True, help="Print the Markdown table of all rules.")
def explain(topic: str | None, table: bool) -> None:
    """Explain an API code (like 1204) or a rule (like max-duration)."""
    from validator.output.explain import explain as explain_topic
    from validator.output.explain import rules_table

    if table:
        click.echo(rules_table())
    elif topic is None:
        fail("name an API code or a rule id (or use --table)")
    else:
        click.echo(explain_topic(topic))


@main.command()
@click.option("--show", metavar="NAME|FILE", help="Print the resolved profile as JSON.")
def profiles(show: str | None) -> None:
    """List the shipped profiles, or show one resolved."""
    import json

    from validator.output.explain import profiles_listing
    from validator.profiles.profile import load_profile

    if show:
        click.echo(json.dumps(load_profile(show).as_data(), indent=2))
        return
    click.echo(profiles_listing())


@main.command()
@click.argument("which", type=click.Choice(("profile", "pyproject")), default="profile")
def schema(which: str) -> None:
    """Print the JSON Schema of a profile file or of pyproject's table.

    WHICH is ``profile`` (a profile file) or ``pyproject`` (``[tool.media-preflight]``).
    Point an editor's TOML support at it (Taplo / Even Better TOML: see the README).
    """
    from validator.profiles.jsonschema import schema_text

    click.echo(schema_text(which), nl=False)


@main.command("fix")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--output", "-o", metavar="OUTPUT",
              help="With one input file: where to write it [default: INPUT's name + .fixed.mp4, "
                   "beside it].")
@click.option("--output-dir", metavar="DIR",
              help="Write the fixed files under DIR, mirroring the inputs' relative paths.")
@click.option("--profile", "-p", help=PROFILE_HELP)
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
def fix_command(paths: tuple[str, ...], output: str | None, output_dir: str | None,
                profile: str | None, dry_run: bool, force: bool, jobs: int | None,
                output_format: str, progress: bool | None, exclude: tuple[str, ...],
                include_hidden: bool, gitignore: bool | None, max_trim_loss: float,
                exact: bool, apply_advice: bool) -> None:
    """Write copies of failing videos that the API accepts.

    Each copy is made by one FFmpeg command (a character image rejected by
    `image-input` becomes an accepted PNG or JPEG).
    PATH is a file or a folder (walked as `check` walks it). Inputs are never
    changed. Exit status: 0 every output passes (or its input already did), 1
    some still fail or cannot be fixed, 2 usage error (such as an existing
    output without --force), 130 interrupted (no partial output is left).
    """
    from validator.cli.check_run import load_run_profile
    from validator.cli.fix_run import FixSettings, run_fix
    from validator.cli.settings import CheckOptions, build_settings
    from validator.repair.errors import FfmpegFailed
    from validator.repair.plan import FixOptions

    base = build_settings(CheckOptions(paths=paths, profile=profile, gitignore=gitignore,
                                       exclude=exclude), Path.cwd())
    settings = FixSettings(
        paths=paths, output=output, output_dir=output_dir, profile=load_run_profile(base),
        jobs=jobs, force=force, dry_run=dry_run, output_format=output_format,
        progress=progress, exclude=base.exclude, include_hidden=include_hidden,
        gitignore=base.gitignore,
        options=FixOptions(apply_advice=apply_advice, exact=exact, max_trim_loss=max_trim_loss))
    try:
        status = run_fix(settings, sys.stdout, sys.stderr)
    except FfmpegFailed as exc:
        click.echo(f"media-preflight: {safe_message(str(exc))}", err=True)
        sys.exit(1)
    sys.exit(status)
