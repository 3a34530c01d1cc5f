"""The progress bar of big scans: on stderr when it is a terminal, never on stdout.

The CLI runs as a real process with stderr (and, where said, stdout) on a
pseudo-terminal, so rich sees what a user's shell would give it.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import REPO, fixture_path
from tests.helpers import command
from validator.cli.progress import NoProgress, ScanProgress, start_progress
from validator.records.findings import Report

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
PASSING = fixture_path("pass/h264_aac_25fps.mp4")
FAILING = fixture_path("fail/dur_61.mp4")
BAR_MARKS = ("files/s", "━")


@dataclass
class Run:
    status: int
    terminal: str  # what the pseudo-terminal shows at the end, escape codes removed
    raw_terminal: str
    stdout: str  # what went to the stdout pipe ("" when stdout was the terminal)
    stderr: str  # what went to the stderr pipe ("" when stderr was the terminal)


def scan_folder(tmp_path: Path, files: int, failing_every: int = 4) -> Path:
    """``files`` media files (links to two fixtures), every n-th one failing with 1204."""
    folder = tmp_path / "scan"
    folder.mkdir()
    for index in range(files):
        source = FAILING if index % failing_every == 0 else PASSING
        (folder / f"clip_{index:04d}.mp4").symlink_to(source)
    return folder


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("CI", "GITHUB_ACTIONS", "NO_COLOR", "FORCE_COLOR", "COLUMNS", "LINES")}
    return {**env, "TERM": "xterm-256color", **extra}


def run_cli(*args: str, stdout_on_terminal: bool = False, stderr_on_terminal: bool = True,
            env: dict[str, str] | None = None) -> Run:
    """The CLI with stderr (and maybe stdout) on a 120-column pseudo-terminal."""
    primary, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    process = subprocess.Popen(
        command(*args), cwd=REPO, env=env or environment(),
        stdin=subprocess.DEVNULL,
        stdout=secondary if stdout_on_terminal else subprocess.PIPE,
        stderr=secondary if stderr_on_terminal else subprocess.PIPE)
    os.close(secondary)
    chunks: list[bytes] = []
    reader = threading.Thread(target=_drain, args=(primary, chunks))
    reader.start()
    stdout, stderr = process.communicate(timeout=300)
    reader.join(timeout=30)
    os.close(primary)
    raw = b"".join(chunks).decode("utf-8", "replace")
    return Run(process.returncode, screen(raw), raw, (stdout or b"").decode(),
               (stderr or b"").decode())


def screen(raw: str) -> str:
    """What stays on a terminal: on each line, a carriage return starts it over."""
    lines = (line.rstrip("\r").rsplit("\r", 1)[-1] for line in raw.split("\n"))
    return "\n".join(ANSI.sub("", line) for line in lines)


def _drain(fd: int, chunks: list[bytes]) -> None:
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: every writer has closed the terminal
            return
        if not chunk:
            return
        chunks.append(chunk)


def has_bar(text: str) -> bool:
    return all(mark in text for mark in BAR_MARKS)


def test_bar_goes_to_the_terminal_and_never_to_stdout(tmp_path: Path) -> None:
    folder = scan_folder(tmp_path, 40)
    run = run_cli("check", str(folder))
    assert run.status == 1
    assert has_bar(run.terminal)
    final = [line for line in run.terminal.splitlines() if line.startswith("Checked")][-1]
    assert re.search(r"40/40 files +10 failed +[\d.]+ files/s +in \d:\d\d:\d\d$", final), final
    assert not has_bar(run.stdout) and "\x1b" not in run.stdout
    assert len([line for line in run.stdout.splitlines() if "clip_" in line]) == 40
    assert "40 files: 30 passed, 10 failed, 0 with warnings" in run.stdout
    assert "  10 files too long (1204)" in run.stdout


def test_report_lines_print_above_the_bar_on_a_shared_terminal(tmp_path: Path) -> None:
    folder = scan_folder(tmp_path, 40)
    run = run_cli("check", str(folder), stdout_on_terminal=True)
    lines = run.terminal.splitlines()
    for index in range(40):
        mark = "✗" if index % 4 == 0 else "✓"
        assert any(line.startswith(f"{mark} {folder}/clip_{index:04d}.mp4")
                   for line in lines), index
    bar = max(i for i, line in enumerate(lines) if line.startswith("Checked"))
    summary = lines.index("40 files: 30 passed, 10 failed, 0 with warnings")
    assert bar < summary  # the final bar stays, the summary comes after it
    assert "\x1b[3" in run.raw_terminal  # the text format is coloured on a terminal


def test_no_bar_for_a_handful_of_files(tmp_path: Path) -> None:
    run = run_cli("check", str(scan_folder(tmp_path, 5)))
    assert run.status == 1 and run.terminal == "" and "5 files" in run.stdout


def test_no_progress_turns_it_off(tmp_path: Path) -> None:
    run = run_cli("check", "--no-progress", str(scan_folder(tmp_path, 40)))
    assert run.terminal == ""


def test_not_in_ci_logs_unless_asked(tmp_path: Path) -> None:
    folder = scan_folder(tmp_path, 40)
    assert run_cli("check", str(folder), env=environment(CI="true")).terminal == ""
    assert has_bar(run_cli("check", "--progress", str(folder), env=environment(CI="true"))
                   .terminal)


def test_forced_on_a_pipe_it_prints_plain_lines_to_stderr(tmp_path: Path) -> None:
    run = run_cli("check", "--progress", "-q", str(scan_folder(tmp_path, 12)),
                  stderr_on_terminal=False)
    assert run.stderr.startswith("Checked ") and "\x1b" not in run.stderr
    assert "12/12 files" in run.stderr and "3 failed" in run.stderr
    assert not has_bar(run.stdout)


def test_nothing_on_stderr_by_default_when_piped(tmp_path: Path) -> None:
    run = run_cli("check", str(scan_folder(tmp_path, 40)), stderr_on_terminal=False)
    assert run.stderr == "" and "40 files" in run.stdout


def test_output_file_run_shows_the_bar_and_prints_only_the_summary(tmp_path: Path) -> None:
    folder = scan_folder(tmp_path, 40)
    run = run_cli("check", "--format", "junit", "-o", str(tmp_path / "r.xml"), str(folder),
                  stdout_on_terminal=True)
    assert has_bar(run.terminal)
    assert "clip_" not in run.terminal and "40 files: 30 passed, 10 failed" in run.terminal


class _Pipe:
    def isatty(self) -> bool:
        return False


def test_auto_choice_needs_a_terminal() -> None:
    assert isinstance(start_progress(None, _Pipe(), lambda: []), NoProgress)  # type: ignore[arg-type]
    assert isinstance(start_progress(False, sys.stderr, lambda: []), NoProgress)


def test_total_reads_n_plus_until_the_count_ahead_ends(tmp_path: Path) -> None:
    release = threading.Event()

    def slow_walk() -> Iterator[int]:
        yield from range(100)
        release.wait(10)
        yield from range(28)

    with (tmp_path / "progress.txt").open("w") as stream:
        progress = ScanProgress(stream, slow_walk, forced=True)
        progress.advance(Report(path="x.mp4", ok=True, codes=[], findings=[]))
        while progress.counted < 64:
            time.sleep(0.01)
        assert "1/64+ files" in _rendered(progress)
        release.set()
        progress._counter.join(10)
        assert "1/128 files" in _rendered(progress)
        progress.close()
    assert "Checked" in (tmp_path / "progress.txt").read_text()


def _rendered(progress: ScanProgress) -> str:
    with progress.console.capture() as capture:
        progress.console.print(progress.progress.get_renderable())
    return capture.get()


def test_rich_is_imported_only_when_a_bar_is_shown() -> None:
    code = ("import sys, validator.cli.main, validator.cli.check_run; "
            "print('rich' in ' '.join(sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=REPO, timeout=60)
    assert result.stdout.strip() == "False"
