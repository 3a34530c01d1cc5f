"""Steps 3 and 4 of a fix: run FFmpeg into a hidden file, measure, correct once, publish.

FFmpeg writes a hidden temporary file in the output's folder, renamed to the
output name only when complete, so an interrupted run leaves no half file
under that name. A trimmed output's container duration is read back with
ffprobe (the API's prober); if it landed outside ``[limit - 0.1 s, limit]``
the cut is corrected by the measured overshoot and run once more. Likewise
the bitrate: single-pass x264 can overshoot (by 13 % on a short, noisy clip),
so an output over the size limit is encoded once more with the video
bitrate lowered by the measured overshoot.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from validator.repair.command import build_command
from validator.repair.errors import FfmpegFailed, FixError, Stopped
from validator.repair.picture import smaller
from validator.repair.plan import (
    MIN_VIDEO_BITRATE,
    SIZE_SAFETY,
    TRIM_MARGIN_S,
    FixPlan,
    exact_trim,
    revised,
)

TRIM_WINDOW_S = 0.1

Progress = Callable[[float], None]


class Stopper:
    """Stops the FFmpeg processes of a run (Ctrl-C): the running ones are killed, and none
    starts after."""

    def __init__(self) -> None:
        self.stopped = False
        self._running: set[subprocess.Popen[str]] = set()
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def running(self, proc: subprocess.Popen[str]) -> Iterator[None]:
        """Track ``proc`` for the block (killed at once if the run is already stopped)."""
        with self._lock:
            self._running.add(proc)
            if self.stopped:
                proc.kill()
        try:
            yield
        finally:
            with self._lock:
                self._running.discard(proc)

    def stop(self) -> None:
        with self._lock:
            self.stopped = True
            for proc in self._running:
                proc.kill()


def _progress_seconds(line: str) -> float | None:
    key, _, value = line.strip().partition("=")
    if key != "out_time_us":
        return None
    try:
        return max(0.0, int(value) / 1_000_000)
    except ValueError:
        return None


def _last_error(errors: IO[bytes]) -> str:
    errors.seek(0)
    lines = [line.strip() for line in errors.read().decode("utf-8", "replace").splitlines()]
    lines = [line for line in lines if line]
    return "; ".join(lines[-3:]) or "no error output"


def run_ffmpeg(command: list[str], duration_s: float | None = None,
               progress: Progress | None = None, stopper: Stopper | None = None) -> None:
    """Run one FFmpeg command, reporting the fraction done to ``progress``; raise on failure.

    FFmpeg runs in its own session, so a terminal's Ctrl-C reaches only this process,
    which kills it (as ``stopper.stop()`` does from another thread).
    """
    run_args = [*command[:-1], "-loglevel", "error", "-nostats", "-progress", "pipe:1",
                command[-1]]
    stopper = stopper or Stopper()
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(run_args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=errors, text=True, start_new_session=True)
        try:
            with stopper.running(proc):
                assert proc.stdout is not None
                for line in proc.stdout:
                    seconds = _progress_seconds(line)
                    if progress is not None and seconds is not None and duration_s:
                        progress(min(0.99, seconds / duration_s))
                status = proc.wait()
        except BaseException:
            proc.kill()
            proc.wait()
            raise
        finally:
            if proc.stdout is not None:
                proc.stdout.close()
        if stopper.stopped:
            raise Stopped("stopped")
        if status != 0:
            raise FfmpegFailed(f"ffmpeg failed (exit status {status}): {_last_error(errors)}")
    if progress is not None:
        progress(1.0)


@contextlib.contextmanager
def temporary_beside(output: Path) -> Iterator[Path]:
    """A hidden temporary file in the output's folder, removed unless it was renamed."""
    handle, name = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".part",
                                    dir=output.parent)
    os.close(handle)
    temp = Path(name)
    try:
        yield temp
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


def publish(temp: Path, output: Path, force: bool) -> None:
    """Give the finished file its name: replace with --force, else never clobber."""
    umask = os.umask(0)
    os.umask(umask)
    temp.chmod(0o666 & ~umask)
    if force:
        os.replace(temp, output)
        return
    try:
        os.link(temp, output)
    except FileExistsError:
        raise FixError(f"{output}: appeared while fixing (use --force to overwrite it)") from None
    except OSError:
        if output.exists():
            raise FixError(f"{output}: already exists (use --force to overwrite it)") from None
        os.replace(temp, output)
        return
    temp.unlink()


def measure_duration(path: str | os.PathLike[str]) -> float | None:
    """The container duration as ffprobe reads it (PyAV's reading without ffprobe)."""
    from validator.probe import BACKENDS, read_facts

    backend = BACKENDS["ffprobe"] if BACKENDS["ffprobe"].unavailable() is None \
        else BACKENDS["libav"]
    return read_facts(os.fspath(path), backend).duration_s


def keyframe_times(path: str | os.PathLike[str], until: float) -> list[float]:
    """The main video's keyframe times (s) up to ``until``, from its packets (nothing is
    decoded); none without ffprobe or when it cannot say."""
    from validator.probe.ffprobe import ffprobe_binary

    binary = ffprobe_binary()
    if binary is None:
        return []
    command = [binary, "-v", "error", "-select_streams", "v:0", "-read_intervals",
               f"%{until + 1:g}", "-show_entries", "packet=pts_time,flags", "-of", "csv=p=0",
               "file:" + os.path.abspath(path)]
    try:
        listed = subprocess.run(command, capture_output=True, text=True, timeout=60,
                                stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return []
    times = []
    for line in listed.stdout.splitlines():
        pts, _, flags = line.partition(",")
        with contextlib.suppress(ValueError):
            if "K" in flags:
                times.append(float(pts))
    return sorted(times)


def corrected_cut(cut: float, measured: float | None, limit: float) -> float | None:
    """A second cut when the first output's duration missed ``[limit - 0.1, limit]``, else None."""
    if measured is None or limit - TRIM_WINDOW_S <= measured <= limit:
        return None
    return round(cut + (limit - TRIM_MARGIN_S - measured), 3)


def corrected_bitrate(plan: FixPlan, size: int, duration: float | None) -> int | None:
    """A lower video bitrate when the first output came out over the size limit, else None.

    The bitrate drops by the measured overshoot past the aimed-at size, plus 10 %.
    """
    if plan.max_bytes is None or plan.video_bitrate is None or not duration \
            or size <= plan.max_bytes:
        return None
    overshoot = (size - plan.max_bytes * SIZE_SAFETY) * 8 / duration
    return max(MIN_VIDEO_BITRATE, int(plan.video_bitrate - overshoot * 1.1))


def encode(plan: FixPlan, source: Path, temp: Path, binary: str, progress: Progress | None,
           stopper: Stopper | None = None) -> tuple[FixPlan, float | None, int]:
    """Run the plan into ``temp``, then measure; re-run once with a corrected cut, and once
    with a corrected bitrate, when the output missed its duration window or size limit.

    A cut at copy speed is not corrected but, when it landed over the limit, replaced by
    the re-encoded cut. Returns the plan last run, the measured duration and the number of
    FFmpeg runs.
    """
    if plan.image is not None:
        return _encode_picture(plan, source, temp, binary, stopper)

    def attempt(current: FixPlan) -> float | None:
        run_ffmpeg(build_command(current, source, temp, binary, overwrite=True),
                   current.duration_s, progress, stopper)
        return measure_duration(temp)

    measured, runs = attempt(plan), 1
    if plan.copy_trim and plan.max_seconds is not None and (
            measured is None or measured > plan.max_seconds):
        plan = exact_trim(plan)
        measured, runs = attempt(plan), runs + 1
    if plan.trim_to is not None and plan.max_seconds is not None and not plan.copy_trim:
        cut = corrected_cut(plan.trim_to, measured, plan.max_seconds)
        if cut is not None:
            plan = revised(plan, trim_to=cut)
            measured, runs = attempt(plan), runs + 1
    bitrate = corrected_bitrate(plan, temp.stat().st_size, measured)
    if bitrate is not None:
        plan = revised(plan, video_bitrate=bitrate)
        measured, runs = attempt(plan), runs + 1
    return plan, measured, runs


def _encode_picture(plan: FixPlan, source: Path, temp: Path, binary: str,
                    stopper: Stopper | None) -> tuple[FixPlan, float | None, int]:
    """Write the picture; once more, smaller, when it came out over the byte limit."""
    assert plan.image is not None
    run_ffmpeg(build_command(plan, source, temp, binary, overwrite=True), None, None, stopper)
    shrunk = smaller(plan.image, temp.stat().st_size)
    if shrunk is None:
        return plan, None, 1
    plan = revised(plan, image=shrunk)
    run_ffmpeg(build_command(plan, source, temp, binary, overwrite=True), None, None, stopper)
    return plan, None, 2
