"""``media-preflight fix``: one FFmpeg command that turns a rejected video into one that passes.

Four steps, one function each:

1. **plan** (:func:`plan_fix`): the input's error findings and the profile's
   limits become a :class:`FixPlan`, a record of decisions (trim to 59.95 s,
   resample to 60 fps, re-encode the video to H.264, add a silent AAC track,
   aim at a bitrate ...). Nothing is decided later.
2. **build** (:func:`build_command`): the plan becomes one ffmpeg-python
   stream graph and so one FFmpeg argument list. Input names go to FFmpeg as
   absolute ``file:`` URLs, so a name starting with ``-`` is never an option.
3. **run** (:func:`run_ffmpeg`): FFmpeg writes a hidden temporary file in the
   output's folder, which is renamed to the output name only when complete,
   so an interrupted run leaves no half file under that name.
4. **verify**: a trimmed output's container duration is read back with
   ffprobe (the API's prober); if it landed outside ``[limit - 0.1 s, limit]``
   the cut is corrected by the measured overshoot and run once more (likewise
   the bitrate, for an output over the size limit). The output is then
   validated with the same profile; ``FixResult.remaining`` lists what still
   fails.

Decisions, and why:

- 1204: every stream longer than the cut is re-encoded with FFmpeg's
  ``-t``: a copied stream can only be cut on packet boundaries (an AAC packet
  at 16 kHz is 64 ms) and, with B-frames, in decode order. The cut is the
  limit minus 50 ms, since ffprobe's container duration counts the last
  video frame's and audio packet's full length past the cut.
- 1210: the ``fps`` filter drops or repeats frames on the original
  timestamps, so audio stays in sync. The target is the profile's limit, or
  the lipsync advice (25 fps) when the profile has that rule and the file
  exceeds it.
- 1209: video to H.264 (``yuv420p``, dimensions rounded down to even), audio
  that MP4 cannot carry to AAC, MP4 with ``+faststart``.
- 1203: a silent stereo AAC track as long as the video.
- 1207: video re-encoded at the bitrate that fills 90 % of the size limit
  over the (new) duration, audio at 128 kb/s. Single-pass x264 can overshoot
  its bitrate (by 13 % on a short, noisy clip); an output over the limit is
  encoded once more with the video bitrate lowered by the measured overshoot.
- Everything else is copied: a stream no rule needs changed is not re-encoded.

Files that are not media, and files with no video stream, cannot be fixed.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal

from pydantic import BaseModel, ConfigDict

from validator.profiles.profile import DEFAULT_PROFILE, Profile
from validator.records.errors import UsageError
from validator.records.facts import MediaFacts
from validator.records.findings import Finding, Report

ENV_VAR = "MEDIA_PREFLIGHT_FFMPEG"
INSTALL_HINT = ("no ffmpeg found: install FFmpeg (e.g. `apt-get install ffmpeg`) or the "
                "bundled binary with `pip install 'media-preflight[fix]'`")
TRIM_MARGIN_S = 0.05
TRIM_WINDOW_S = 0.1
SIZE_SAFETY = 0.9
AUDIO_BITRATE = 128_000
MIN_VIDEO_BITRATE = 50_000
CRF = 18
PRESET = "fast"
SILENT_AUDIO = "anullsrc=channel_layout=stereo:sample_rate=48000"
MP4_VIDEO_COPY = frozenset({"h264", "hevc", "av1", "vp9"})
MP4_AUDIO_COPY = frozenset({"aac", "mp3", "ac3", "eac3", "alac"})
NO_COPY_CONTAINERS = ("avi", "flv")
FIXABLE_RULES = frozenset({"max-duration", "max-frame-rate", "video-codec", "audio-present",
                           "max-size"})

Action = Literal["copy", "encode"]
Progress = Callable[[float], None]


class FixError(UsageError):
    """A fix that cannot start (bad paths, no FFmpeg); the CLI exits 2."""


class FfmpegFailed(RuntimeError):
    """FFmpeg ran and failed; the message is the end of its error output."""


class AudioPlan(BaseModel):
    """What happens to one input audio stream (``position`` counts audio streams only)."""

    model_config = ConfigDict(frozen=True)

    position: int
    action: Action
    codec: str | None = None


class FixPlan(BaseModel):
    """Every decision the fix makes, before any command is built."""

    model_config = ConfigDict(frozen=True)

    fixes: list[Finding] = []
    unfixable: list[Finding] = []
    steps: list[str] = []
    video_position: int = 0
    video: Action = "copy"
    video_codec: str | None = None
    fps: float | None = None
    audio: list[AudioPlan] = []
    add_silent: bool = False
    silent_audio_s: float | None = None
    trim_to: float | None = None
    video_bitrate: int | None = None
    audio_bitrate: int | None = None
    duration_s: float | None = None
    max_seconds: float | None = None
    max_bytes: int | None = None

    @property
    def needed(self) -> bool:
        """True when there is something to fix and nothing in the way."""
        return bool(self.fixes) and not self.unfixable


class FixResult(BaseModel):
    """What ``fix`` did: the command, whether it ran, and a report.

    ``report`` is the output's report when FFmpeg ran, else the input's;
    ``remaining`` lists the error findings still standing (for a dry run: the
    input's, which the command would fix). ``ok`` is true only when the output
    passes, or when the input passed already and nothing was written.
    """

    input: str
    output: str
    command: list[str]
    ran: bool
    report: Report | None
    ok: bool
    remaining: list[Finding]
    plan: FixPlan | None = None
    measured_duration_s: float | None = None
    attempts: int = 0

    @property
    def shell_command(self) -> str:
        """The command, quoted for a POSIX shell."""
        return shlex.join(self.command)


@dataclass(frozen=True)
class Limits:
    """The limits a fix aims at, read from the resolved profile (None: rule not active)."""

    max_seconds: float | None = None
    max_fps: float | None = None
    advice_fps: float | None = None
    max_bytes: int | None = None


def ffmpeg_binary() -> str:
    """$MEDIA_PREFLIGHT_FFMPEG, else ``ffmpeg`` on PATH, else imageio-ffmpeg's binary.

    Set the variable to an empty string to skip PATH. Raises :class:`FixError`
    naming how to get one when there is none.
    """
    configured = os.environ.get(ENV_VAR)
    found = (shutil.which(configured) if configured else None) if configured is not None \
        else shutil.which("ffmpeg")
    return found or _bundled_ffmpeg()


def _bundled_ffmpeg() -> str:
    try:
        import imageio_ffmpeg
    except ImportError:
        raise FixError(INSTALL_HINT) from None
    try:
        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except (RuntimeError, OSError):
        raise FixError(INSTALL_HINT) from None


def default_output(path: str | os.PathLike[str]) -> Path:
    """``<stem>.fixed.mp4`` beside the input."""
    source = Path(path)
    return source.with_name(f"{source.stem}.fixed.mp4")


def profile_limits(profile: Profile) -> Limits:
    """The duration, frame-rate, advice and size limits of a resolved profile."""
    options = {active.rule.id: active.options for active in profile.rules}

    def option(rule_id: str, name: str) -> float | None:
        value = getattr(options.get(rule_id), name, None)
        return float(value) if value is not None else None

    max_bytes = option("max-size", "max_bytes")
    return Limits(max_seconds=option("max-duration", "max_seconds"),
                  max_fps=option("max-frame-rate", "max_fps"),
                  advice_fps=option("lipsync-frame-rate", "max_fps"),
                  max_bytes=int(max_bytes) if max_bytes is not None else None)


def unfixable_findings(report: Report) -> list[Finding]:
    """The error findings no re-encode can repair (not media, no video stream)."""
    no_video = report.media is None or report.media.main_video is None
    return [f for f in report.errors
            if f.rule not in FIXABLE_RULES or (f.rule == "video-codec" and no_video)]


def fixable(report: Report) -> bool:
    """True when the report fails and ``fix`` can repair every error it has (a local file:
    ``fix`` does not download URLs)."""
    from validator.records.redact import is_url

    return not report.ok and not is_url(report.path) and not unfixable_findings(report)


def fix_hint(path: str, profile_name: str | None = None) -> str:
    """The ``media-preflight fix`` command for a file (with ``--profile`` unless the default)."""
    shown = f"./{path}" if path.startswith("-") else path
    named = profile_name not in (None, DEFAULT_PROFILE)
    profile = f" --profile {shlex.quote(str(profile_name))}" if named else ""
    return f"media-preflight fix{profile} {shlex.quote(shown)}"


def _errors_of(report: Report, rule_id: str) -> list[Finding]:
    return [f for f in report.errors if f.rule == rule_id]


def _target_fps(report: Report, facts: MediaFacts, limits: Limits) -> float | None:
    """The frame rate to resample to, or None to keep the rate."""
    main = facts.main_video
    avg = main.avg_fps if main else None
    over_limit = bool(_errors_of(report, "max-frame-rate")) and limits.max_fps is not None
    over_advice = limits.advice_fps is not None and avg is not None and avg > limits.advice_fps
    if over_advice:
        assert limits.advice_fps is not None
        return min(limits.advice_fps, limits.max_fps or limits.advice_fps)
    return limits.max_fps if over_limit else None


def _trim_point(report: Report, limits: Limits) -> float | None:
    if not _errors_of(report, "max-duration") or limits.max_seconds is None:
        return None
    return round(limits.max_seconds - TRIM_MARGIN_S, 3)


def _longer_than(duration: float | None, cut: float | None) -> bool:
    return cut is not None and (duration is None or duration > cut)


def _video_action(report: Report, facts: MediaFacts, fps: float | None,
                  trim_to: float | None, resize: bool) -> Action:
    main = facts.main_video
    assert main is not None
    copyable = main.codec in MP4_VIDEO_COPY and not any(
        name in (facts.container or "") for name in NO_COPY_CONTAINERS)
    needs_change = (bool(_errors_of(report, "video-codec")) or fps is not None or resize
                    or _longer_than(main.duration_s, trim_to))
    return "encode" if needs_change or not copyable else "copy"


def _audio_plans(facts: MediaFacts, trim_to: float | None, resize: bool) -> list[AudioPlan]:
    return [AudioPlan(position=n, codec=stream.codec,
                      action="encode" if (resize or stream.codec not in MP4_AUDIO_COPY
                                          or _longer_than(stream.duration_s, trim_to))
                      else "copy")
            for n, stream in enumerate(facts.audio)]


def _output_duration(facts: MediaFacts, trim_to: float | None) -> float | None:
    main = facts.main_video
    length = facts.duration_s or (main.duration_s if main else None)
    if trim_to is None:
        return length
    return trim_to if length is None else min(length, trim_to)


def _bitrates(duration: float | None, max_bytes: int | None,
              audio_streams: int) -> tuple[int | None, int | None]:
    """Video and per-stream audio bitrates (bit/s) that fill SIZE_SAFETY of the size limit."""
    if max_bytes is None or not duration:
        return None, None
    budget = max_bytes * 8 * SIZE_SAFETY / duration
    video = int(budget - AUDIO_BITRATE * audio_streams)
    return max(video, MIN_VIDEO_BITRATE), AUDIO_BITRATE


def _steps(plan: FixPlan) -> list[str]:
    """What the plan does, in words, for the CLI."""
    steps = []
    if plan.trim_to is not None:
        steps.append(f"trim to {plan.trim_to:g} s")
    if plan.video == "encode":
        rate = f" at {plan.fps:g} fps" if plan.fps else ""
        bitrate = f", {plan.video_bitrate // 1000} kb/s" if plan.video_bitrate else ""
        steps.append(f"re-encode the video ({plan.video_codec}) to H.264{rate}{bitrate}")
    else:
        steps.append(f"copy the video ({plan.video_codec})")
    for audio in plan.audio:
        verb = "re-encode" if audio.action == "encode" else "copy"
        target = " to AAC" if audio.action == "encode" else ""
        steps.append(f"{verb} audio stream {audio.position + 1} ({audio.codec}){target}")
    if plan.add_silent:
        steps.append("add a silent AAC track")
    return steps


def plan_fix(report: Report, profile: Profile) -> FixPlan:
    """Decide, from a file's report and the profile's limits, everything the fix will do."""
    unfixable = unfixable_findings(report)
    facts = report.media
    if unfixable or facts is None or facts.main_video is None:
        return FixPlan(unfixable=unfixable)
    limits = profile_limits(profile)
    fps = _target_fps(report, facts, limits)
    fixes = [f for f in report.errors if f.rule in FIXABLE_RULES]
    if not fixes and fps is None:
        return FixPlan()
    if not fixes:
        fixes = [f for f in report.warnings if f.rule == "lipsync-frame-rate"][:1]
    trim_to = _trim_point(report, limits)
    resize = bool(_errors_of(report, "max-size"))
    add_silent = bool(_errors_of(report, "audio-present")) and not facts.audio
    duration = _output_duration(facts, trim_to)
    audio = _audio_plans(facts, trim_to, resize)
    video_bitrate, audio_bitrate = _bitrates(duration, limits.max_bytes if resize else None,
                                             max(1, len(audio)))
    main = facts.main_video
    plan = FixPlan(
        fixes=fixes,
        video_position=facts.video.index(main),
        video=_video_action(report, facts, fps, trim_to, resize),
        video_codec=main.codec,
        fps=fps,
        audio=audio,
        add_silent=add_silent,
        silent_audio_s=(main.duration_s or facts.duration_s) if add_silent else None,
        trim_to=trim_to,
        video_bitrate=video_bitrate,
        audio_bitrate=audio_bitrate,
        duration_s=duration,
        max_seconds=limits.max_seconds if trim_to is not None else None,
        max_bytes=limits.max_bytes if resize else None,
    )
    return revised(plan)


def revised(plan: FixPlan, **changes: object) -> FixPlan:
    """The plan with some decisions changed and its steps described anew."""
    changed = plan.model_copy(update=changes)
    return changed.model_copy(update={"steps": _steps(changed)})


def _file_url(path: str | os.PathLike[str]) -> str:
    """An absolute ``file:`` URL: never read as an option or another protocol."""
    return "file:" + os.path.abspath(path)


def _video_graph(plan: FixPlan, source: object) -> tuple[object, dict[str, object]]:
    """The video stream node and its output options."""
    stream = source[f"v:{plan.video_position}"]  # type: ignore[index]
    if plan.video == "copy":
        tag = {"tag:v": "hvc1"} if plan.video_codec == "hevc" else {}
        return stream, {"c:v": "copy", **tag}
    if plan.fps is not None:
        stream = stream.filter("fps", fps=f"{plan.fps:g}")
    stream = stream.filter("scale", "trunc(iw/2)*2", "trunc(ih/2)*2").filter("format", "yuv420p")
    options: dict[str, object] = {"c:v": "libx264", "preset": PRESET}
    if plan.video_bitrate:
        options.update({"b:v": plan.video_bitrate, "maxrate": plan.video_bitrate,
                        "bufsize": plan.video_bitrate})
    else:
        options["crf"] = CRF
    return stream, options


def _audio_graph(plan: FixPlan, source: object) -> tuple[list[object], dict[str, object]]:
    """The audio stream nodes (a silent source when there is none) and their options."""
    import ffmpeg

    if plan.add_silent:
        length = {"t": f"{plan.silent_audio_s:g}"} if plan.silent_audio_s else {}
        silent = ffmpeg.input(SILENT_AUDIO, f="lavfi", **length)
        return [silent["a"]], {"c:a:0": "aac", **_audio_bitrate(plan, 0)}
    streams: list[object] = []
    options: dict[str, object] = {}
    for n, audio in enumerate(plan.audio):
        streams.append(source[f"a:{audio.position}"])  # type: ignore[index]
        options[f"c:a:{n}"] = "aac" if audio.action == "encode" else "copy"
        if audio.action == "encode":
            options.update(_audio_bitrate(plan, n))
    return streams, options


def _audio_bitrate(plan: FixPlan, n: int) -> dict[str, object]:
    return {f"b:a:{n}": plan.audio_bitrate} if plan.audio_bitrate else {}


def build_command(plan: FixPlan, source: str | os.PathLike[str], target: str | os.PathLike[str],
                  binary: str = "ffmpeg", overwrite: bool = False) -> list[str]:
    """The one FFmpeg invocation that carries out ``plan``."""
    import ffmpeg

    inp = ffmpeg.input(_file_url(source))
    video, video_options = _video_graph(plan, inp)
    audio, audio_options = _audio_graph(plan, inp)
    cut = plan.trim_to
    timing: dict[str, object] = {"t": f"{cut:g}"} if cut is not None else {}
    if plan.add_silent and not plan.silent_audio_s:
        timing["shortest"] = None
    out = ffmpeg.output(video, *audio, _file_url(target), f="mp4", movflags="+faststart",
                        **video_options, **audio_options, **timing)
    head = [binary, "-hide_banner", "-nostdin", *(["-y"] if overwrite else [])]
    return head + [str(arg) for arg in ffmpeg.get_args(out)]


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
               progress: Progress | None = None) -> None:
    """Run one FFmpeg command, reporting the fraction done to ``progress``; raise on failure."""
    run_args = [*command[:-1], "-loglevel", "error", "-nostats", "-progress", "pipe:1",
                command[-1]]
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(run_args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=errors, text=True)
        try:
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
        if status != 0:
            raise FfmpegFailed(f"ffmpeg failed (exit status {status}): {_last_error(errors)}")
    if progress is not None:
        progress(1.0)


def _check_paths(source: Path, output: Path, force: bool) -> None:
    """Refuse to start when the input is missing or the output would clobber something."""
    if not source.is_file():
        reason = "is a directory" if source.is_dir() else "no such file"
        raise FixError(f"{source}: {reason}")
    if output.exists() and output.resolve() == source.resolve():
        raise FixError(f"{output}: the output would overwrite the input")
    if os.path.abspath(output) == os.path.abspath(source):
        raise FixError(f"{output}: the output would overwrite the input")
    if output.exists() and not force:
        raise FixError(f"{output}: already exists (use --force to overwrite it)")
    if output.is_dir():
        raise FixError(f"{output}: is a directory")
    if not output.parent.is_dir():
        raise FixError(f"{output.parent}: no such folder")


@contextlib.contextmanager
def _temporary_beside(output: Path) -> Iterator[Path]:
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


def _publish(temp: Path, output: Path, force: bool) -> None:
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


def _encode(plan: FixPlan, source: Path, temp: Path, binary: str,
            progress: Progress | None) -> tuple[FixPlan, float | None, int]:
    """Run the plan into ``temp``, then measure; re-run once with a corrected cut, and once
    with a corrected bitrate, when the output missed its duration window or size limit.

    Returns the plan last run, the measured duration and the number of FFmpeg runs.
    """
    def attempt(current: FixPlan) -> float | None:
        run_ffmpeg(build_command(current, source, temp, binary, overwrite=True),
                   current.duration_s, progress)
        return measure_duration(temp)

    measured, runs = attempt(plan), 1
    if plan.trim_to is not None and plan.max_seconds is not None:
        cut = corrected_cut(plan.trim_to, measured, plan.max_seconds)
        if cut is not None:
            plan = revised(plan, trim_to=cut)
            measured, runs = attempt(plan), runs + 1
    bitrate = corrected_bitrate(plan, temp.stat().st_size, measured)
    if bitrate is not None:
        plan = revised(plan, video_bitrate=bitrate)
        measured, runs = attempt(plan), runs + 1
    return plan, measured, runs


def fix(path: str | os.PathLike[str], out: str | os.PathLike[str] | None = None,
        profile: str | os.PathLike[str] | Profile = DEFAULT_PROFILE, probe: str = "auto",
        dry_run: bool = False, force: bool = False,
        progress: Progress | None = None) -> FixResult:
    """Write a copy of ``path`` that the API accepts (default ``<stem>.fixed.mp4``).

    The input is never modified. With ``dry_run`` nothing runs and nothing is
    written; ``result.command`` is what would run. Raises :class:`FixError` when
    the fix cannot start, :class:`FfmpegFailed` when FFmpeg fails.
    """
    from validator.api import resolve_profile, validate

    source = Path(path)
    output = Path(out) if out is not None else default_output(source)
    _check_paths(source, output, force)
    resolved = resolve_profile(profile if isinstance(profile, Profile) else os.fspath(profile))
    report = validate(source, resolved, probe)
    plan = plan_fix(report, resolved)
    result = FixResult(input=str(source), output=str(output), command=[], ran=False,
                       report=report, ok=not plan.unfixable, remaining=plan.unfixable, plan=plan)
    if not plan.needed:
        return result
    binary = _binary_for(dry_run)
    command = build_command(plan, source, output, binary, overwrite=force)
    if dry_run:
        return result.model_copy(update={"command": command, "ok": False,
                                         "remaining": report.errors})
    with _temporary_beside(output) as temp:
        final, measured, attempts = _encode(plan, source, temp, binary, progress)
        _publish(temp, output, force)
    checked = validate(output, resolved, probe)
    return result.model_copy(update={
        "command": build_command(final, source, output, binary, overwrite=force), "plan": final,
        "ran": True, "report": checked, "ok": checked.ok, "remaining": checked.errors,
        "measured_duration_s": measured, "attempts": attempts})


def _binary_for(dry_run: bool) -> str:
    """The FFmpeg binary; a dry run without one still shows the command, as plain ``ffmpeg``."""
    try:
        return ffmpeg_binary()
    except FixError:
        if dry_run:
            return "ffmpeg"
        raise


def result_lines(result: FixResult) -> list[str]:
    """What the CLI prints for a result (a dry run prints only the command)."""
    if not result.command:
        if result.remaining:
            reasons = "; ".join(_finding_text(f) for f in result.remaining)
            return [f"✗ {result.input}  cannot fix: {reasons}"]
        return [f"✓ {result.input}  passes already: nothing to fix"]
    if not result.ran:
        return [result.shell_command]
    steps = "; ".join(result.plan.steps) if result.plan else ""
    lines = [f"fixed {result.input} -> {result.output}: {steps}"]
    duration = (f"  ({result.measured_duration_s:g} s)"
                if result.measured_duration_s is not None else "")
    if result.ok:
        return [*lines, f"✓ {result.output}{duration}"]
    reasons = "; ".join(_finding_text(f) for f in result.remaining)
    return [*lines, f"✗ {result.output}  still fails: {reasons}"]


def _finding_text(finding: Finding) -> str:
    prefix = f"{finding.code} " if finding.code is not None else f"{finding.rule}: "
    return prefix + finding.message


def exit_status(result: FixResult) -> int:
    """0 when the output (or the untouched input) passes or a dry run planned a fix, else 1."""
    if result.command and not result.ran:
        return 0
    return 0 if result.ok else 1


def terminal_progress(stream: IO[str]) -> Progress:
    """A progress callback that redraws one percentage line on a terminal."""
    def show(fraction: float) -> None:
        stream.write(f"\rencoding {fraction:4.0%}")
        if fraction >= 1.0:
            stream.write("\n")
        stream.flush()

    return show
