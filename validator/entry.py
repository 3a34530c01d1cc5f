"""The ``media-preflight`` executable: fork the probe worker early, then run the click CLI.

``check`` forks its probe worker (:mod:`validator.prefork`) before click and
the models are imported, so loading FFmpeg overlaps the parent's start-up.
``--help`` and ``--version`` (and every other command) import no probe backend.
"""

from __future__ import annotations

import sys


def wants_worker(args: list[str]) -> bool:
    """Whether these arguments run a ``check`` that may probe (not ``check --help``)."""
    if not args or args[0] != "check":
        return False
    options = args[1:args.index("--")] if "--" in args else args[1:]
    return not ({"-h", "--help"} & set(options))


def main() -> None:
    """Run the command line."""
    if wants_worker(sys.argv[1:]):
        from validator import prefork

        prefork.start()
    from validator.cli import main as cli

    cli()
