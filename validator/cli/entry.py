"""The ``media-preflight`` executable: fork the probe worker early, run the click CLI, and
leave without tearing the interpreter down.

``check`` forks its probe worker (:mod:`validator.run.prefork`) before anything
else is imported, so loading FFmpeg overlaps the parent's start-up.
``--help`` and ``--version`` (and every other command) import no probe backend.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NoReturn

# Modules whose exit handlers (thread joins, pool shutdown) must run: their presence means
# a normal interpreter exit.
_NEEDS_FULL_EXIT = ("multiprocessing", "concurrent.futures.process", "distributed", "dask")


def wants_worker(args: list[str]) -> bool:
    """Whether these arguments run a ``check`` that may probe (not ``check --help``)."""
    if not args or args[0] != "check":
        return False
    options = args[1:args.index("--")] if "--" in args else args[1:]
    return not ({"-h", "--help"} & set(options))


def reference_ffprobe(args: list[str]) -> str | None:
    """The ``--reference-ffprobe PATH`` of a ``check`` command line, or None."""
    options = args[1:args.index("--")] if "--" in args else args[1:]
    for index, arg in enumerate(options):
        if arg == "--reference-ffprobe" and index + 1 < len(options):
            return options[index + 1]
        if arg.startswith("--reference-ffprobe="):
            return arg.partition("=")[2]
    return None


def main() -> None:
    """Run the command line."""
    reference = reference_ffprobe(sys.argv[1:]) if sys.argv[1:2] == ["check"] else None
    if reference:   # before the probe worker forks: every prober process sees it
        os.environ["MEDIA_PREFLIGHT_FFPROBE"] = os.path.abspath(reference)
    if wants_worker(sys.argv[1:]):
        from validator.run import prefork

        prefork.start()
    from validator.cli.main import main as cli

    try:
        cli()
    except SystemExit as done:
        leave(done.code)


def leave(code: str | int | None) -> NoReturn:
    """Exit with ``code`` as ``sys.exit`` would, but skip the interpreter's teardown (freeing
    every module: about 10 ms, an eighth of a one-file check) when nothing else needs it:
    no other thread runs and no pool or cluster client was used. Output is flushed, the
    probe worker killed and logging shut down first, as a normal exit would."""
    if any(name in sys.modules for name in _NEEDS_FULL_EXIT) or _other_threads():
        sys.exit(code)
    from validator.run import prefork

    prefork.discard()
    if "logging" in sys.modules:
        import logging

        logging.shutdown()
    status = _status(code)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):   # a closed pipe: as Python's own exit would say
            status = status or 120
    os._exit(status)


def _other_threads() -> bool:
    if "threading" not in sys.modules:
        return False
    import threading

    return threading.active_count() > 1


def _status(code: str | int | None) -> int:
    """The exit status ``sys.exit(code)`` gives (a message is printed to stderr, status 1)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1
