"""Running the ``media-preflight`` command in tests: the one helper every CLI test uses.

By default the command runs in this process through click's ``CliRunner`` (the
click group ``validator.cli.main:main``): fast, and any exception the command
does not handle fails the test with its traceback. ``process=True`` starts
``python -m validator`` (the console entry, which forks the probe worker)
instead, for the tests whose subject is the process itself: start-up, signals,
worker processes, exit without teardown, a run that must not hang the suite.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from tests.conftest import REPO
from validator.cli.main import main

PROCESS_TIMEOUT_S = 120


@dataclass(frozen=True)
class Run:
    """What a command run left: its exit status and its two output streams."""

    returncode: int
    stdout_bytes: bytes
    stderr_bytes: bytes

    @property
    def stdout(self) -> str:
        return self.stdout_bytes.decode("utf-8", "replace")

    @property
    def stderr(self) -> str:
        return self.stderr_bytes.decode("utf-8", "replace")


def command(*args: str) -> list[str]:
    """The argument vector that starts the command as a user's shell would."""
    return [sys.executable, "-m", "validator", *args]


def environment(env: Mapping[str, str | None] | None = None) -> dict[str, str]:
    """This process's environment with ``env`` on top (a ``None`` value removes the key)."""
    merged = {**os.environ, **(env or {})}
    return {key: value for key, value in merged.items() if value is not None}


def cli(*args: str, cwd: Path | str | None = None, env: Mapping[str, str | None] | None = None,
        process: bool = False) -> Run:
    """Run ``media-preflight ARGS`` in ``cwd`` (default: the repository) with ``env`` on top
    of this environment; in this process unless ``process`` asks for a real one."""
    folder = Path(cwd or REPO)
    if process:
        return _in_a_process(args, folder, env)
    return _in_this_process(args, folder, env)


def _in_a_process(args: tuple[str, ...], cwd: Path,
                  env: Mapping[str, str | None] | None) -> Run:
    done = subprocess.run(command(*args), capture_output=True, cwd=cwd,
                          env=environment(env), timeout=PROCESS_TIMEOUT_S)
    return Run(done.returncode, done.stdout, done.stderr)


def _in_this_process(args: tuple[str, ...], cwd: Path,
                     env: Mapping[str, str | None] | None) -> Run:
    runner = CliRunner()
    with _working_directory(cwd), _fresh_notes():
        result = runner.invoke(main, list(args), env=dict(env or {}), catch_exceptions=False)
    return Run(result.exit_code, result.stdout_bytes, result.stderr_bytes or b"")


@contextmanager
def _working_directory(path: Path) -> Iterator[None]:
    previous = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


@contextmanager
def _fresh_notes() -> Iterator[None]:
    """The CLI adds a stderr handler to the library's logger at its first note; one run's
    handler (or its hook, if the run logged no note) would outlive its captured stream, so
    each run starts and ends without one."""
    from validator.run import discover

    logger = logging.getLogger("media-preflight")
    kept = list(logger.handlers)
    try:
        yield
    finally:
        discover._first_note_hooks.clear()
        for handler in logger.handlers[:]:
            if handler not in kept:
                logger.removeHandler(handler)
        logger.propagate = True


def write_png(path: Path, width: int, height: int, noise: bool = False) -> Path:
    """A real PNG of ``width``×``height`` pixels, written without FFmpeg: 8-bit grey, or with
    ``noise`` random RGB (incompressible, so large for its size)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    def row() -> bytes:
        return b"\x00" + (os.urandom(width * 3) if noise else b"\x80" * width)

    packer = zlib.compressobj(1 if noise else 6)
    pixels = b"".join(packer.compress(row()) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 2 if noise else 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
                     + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))
    return path


def ffprobe_standin(folder: Path, answer: str) -> Path:
    """An executable in ``folder`` that answers ``-version`` as FFmpeg 5.1's ffprobe does and
    runs the shell ``answer`` for anything else (hang, print a reading ...)."""
    binary = folder / "ffprobe"
    binary.write_text("#!/bin/sh\n"
                      'case "$*" in *-version*) echo "ffprobe version 5.1.9-0+deb12u1 '
                      'Copyright (c) 2007-2026 the FFmpeg developers"; exit 0;; esac\n'
                      f"{answer}\n")
    binary.chmod(0o755)
    return binary
