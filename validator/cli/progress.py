"""A progress bar for big scans: on stderr only, never on stdout.

By default it shows when stderr is a terminal outside CI and more than a
handful of files are checked; ``--progress`` forces it and ``--no-progress``
turns it off. It reads: files done / total, failures so far, the rate and the
time left. The total is counted ahead by a background thread walking the same
paths, so probing starts at once; until that count ends the total reads "N+".

When stdout is the same terminal, report lines are printed above the bar
(through the bar's console) so the two never garble each other. Forced on a
stderr that is not a terminal (a CI log), the bar is printed as a plain line
every few seconds instead of being redrawn.
"""

from __future__ import annotations

import io
import os
import threading
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TextIO, cast

from validator.records.findings import Report

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, Task

HANDFUL = 5
LOG_INTERVAL_S = 10.0
_COUNT_EVERY = 64

Counter = Callable[[], Iterable[object]]


def in_ci() -> bool:
    """Whether the ``CI`` variable says this is a CI job."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def same_terminal(one: TextIO, other: TextIO) -> bool:
    """Whether two streams write to the same terminal device."""
    if not (_isatty(one) and _isatty(other)):
        return False
    try:
        return os.path.samestat(os.fstat(one.fileno()), os.fstat(other.fileno()))
    except (OSError, ValueError, io.UnsupportedOperation):
        return False


class NoProgress:
    """What runs without a progress bar use: does nothing."""

    def output(self, stream: TextIO) -> TextIO:
        return stream

    def advance(self, report: Report) -> None:
        pass

    def close(self) -> None:
        pass


def start_progress(flag: bool | None, stream: TextIO, count: Counter) -> NoProgress | ScanProgress:
    """A progress display on ``stream``: None = auto (a terminal outside CI), True/False forced."""
    if flag is False or (flag is None and (not _isatty(stream) or in_ci())):
        return NoProgress()
    return ScanProgress(stream, count, forced=flag is True)


class ScanProgress:
    """A rich progress bar fed one report at a time, its total counted in a thread."""

    def __init__(self, stream: TextIO, count: Counter, forced: bool) -> None:
        from rich.console import Console

        self.stream = stream
        self.console: Console = Console(file=stream, highlight=False)
        self.live = self.console.is_terminal and not self.console.is_dumb_terminal
        self.forced = forced
        self.progress: Progress = _make_progress(self.console)
        self.task = self.progress.add_task("Checking", total=None, failed=0, counted=0)
        self.done = self.failed = self.counted = 0
        self.shown = self.closed = False
        self.last_line = time.monotonic()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._counter = threading.Thread(target=self._count, args=(count,), daemon=True,
                                         name="media-preflight-count")
        self._counter.start()

    def _count(self, count: Counter) -> None:
        counted = 0
        for _ in count():
            if self._stop.is_set():
                return
            counted += 1
            if counted % _COUNT_EVERY == 0:
                self.counted = counted
                self.progress.update(self.task, counted=counted)
        with self._lock:
            if not self._stop.is_set():
                self.counted = counted
                self.progress.update(self.task, counted=counted, total=max(counted, self.done))

    def output(self, stream: TextIO) -> TextIO:
        """The stream to write reports to: above the bar when it shares the bar's terminal."""
        if self.live and same_terminal(stream, self.stream):
            return cast(TextIO, _AboveBar(stream, self))
        return stream

    def advance(self, report: Report) -> None:
        """Count one more checked file."""
        self.done += 1
        self.failed += not report.ok
        self.progress.update(self.task, advance=1, failed=self.failed)
        if not self.shown and (self.forced or max(self.done, self.counted) > HANDFUL):
            self.shown = True
            if self.live:
                self.progress.start()
        elif self.shown and not self.live and time.monotonic() - self.last_line >= LOG_INTERVAL_S:
            self._print_line()

    def _print_line(self) -> None:
        self.last_line = time.monotonic()
        self.console.print(self.progress.get_renderable())

    def close(self) -> None:
        """Stop counting and leave the final state of the bar (if it was shown); once."""
        if self.closed:
            return
        self.closed = True
        with self._lock:
            self._stop.set()
            self.progress.update(self.task, description="Checked", total=self.done,
                                 completed=self.done, counted=self.done)
        if self.shown and self.live:
            self.progress.stop()
        elif self.shown or self.forced:
            self._print_line()


class _AboveBar(io.TextIOBase):
    """A text stream whose lines are printed above a live bar on the same terminal."""

    def __init__(self, target: TextIO, owner: ScanProgress) -> None:
        self.target = target
        self.owner = owner
        self.pending = ""

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return _isatty(self.target)

    def write(self, text: str) -> int:
        if not self.owner.progress.live.is_started:
            self._drain()
            return self.target.write(text)
        from rich.text import Text

        *lines, self.pending = (self.pending + text).split("\n")
        for line in lines:
            self.owner.console.print(Text.from_ansi(line), soft_wrap=True)
        return len(text)

    def _drain(self) -> None:
        if self.pending:
            self.target.write(self.pending)
            self.pending = ""

    def flush(self) -> None:
        if not self.owner.progress.live.is_started:
            self._drain()
            self.target.flush()


def _make_progress(console: Console) -> Progress:
    from rich.progress import BarColumn, Progress, ProgressColumn, TextColumn
    from rich.text import Text

    class Count(ProgressColumn):
        def render(self, task: Task) -> Text:
            total = f"{task.total:.0f}" if task.total is not None else f"{task.fields['counted']}+"
            return Text(f"{task.completed:.0f}/{total} files")

    class Failed(ProgressColumn):
        def render(self, task: Task) -> Text:
            failed = task.fields["failed"]
            return Text(f"{failed} failed", style="red" if failed else "green")

    class Rate(ProgressColumn):
        def render(self, task: Task) -> Text:
            if task.finished and task.finished_time:
                speed: float | None = task.completed / task.finished_time  # the run's average
            else:
                speed = task.speed
            return Text(f"{speed:.1f} files/s" if speed else "- files/s", style="cyan")

    class Eta(ProgressColumn):
        def render(self, task: Task) -> Text:
            if task.finished:
                return Text(f"in {_clock(task.finished_time)}", style="yellow")
            remaining = task.time_remaining
            return Text(f"ETA {_clock(remaining) if remaining is not None else '-:--:--'}",
                        style="yellow")

    columns: list[Any] = [TextColumn("{task.description}"), BarColumn(), Count(), Failed(),
                          Rate(), Eta()]
    return Progress(*columns, console=console, redirect_stdout=False, redirect_stderr=False,
                    refresh_per_second=8)


def _clock(seconds: float | None) -> str:
    from datetime import timedelta

    return str(timedelta(seconds=round(seconds or 0)))
