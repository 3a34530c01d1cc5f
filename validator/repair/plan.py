"""Step 1 of a fix: a file's error findings and the profile's limits become a :class:`FixPlan`.

A plan is a record of decisions (trim to 59.95 s, resample to 60 fps,
re-encode the video to H.264, add a silent AAC track, aim at a bitrate ...);
nothing is decided later. Why each decision:

- 1204: when the duration is the only error, the file is cut at copy speed
  (no re-encode) at its last keyframe at least 0.1 s and at most
  ``max_trim_loss`` seconds below the limit (:func:`with_copy_trim`; the 0.1 s
  leaves room for the last audio packet). Otherwise, or with ``exact``, every
  stream longer than the cut is re-encoded with FFmpeg's ``-t``: a copied
  stream can only be cut on packet boundaries (an AAC packet at 16 kHz is
  64 ms) and, with B-frames, in decode order. That cut is the limit minus
  50 ms, since ffprobe's container duration counts the last video frame's and
  audio packet's full length past the cut.
- 1210: the ``fps`` filter drops or repeats frames on the original
  timestamps, so audio stays in sync. The target is the profile's limit, or,
  with ``apply_advice``, the lipsync advice (25 fps) when the profile has that
  rule and the file exceeds it. A re-encoded video always gets its output
  frame rate explicitly (``-r``: the target, else the input's average rate).
- 1209: video to H.264 (``yuv420p``, dimensions rounded down to even), audio
  that MP4 cannot carry to AAC, MP4 with ``+faststart``.
- A container that records no duration (a browser's pipe-written WebM) is
  re-encoded into MP4, which records one, cut at the limit in case its content
  runs past it (the re-check then reads the real length).
- 1203: a silent stereo AAC track as long as the video.
- 1207: video re-encoded at the bitrate that fills 90 % of the size limit
  over the (new) duration, audio at 128 kb/s.
- Everything else is copied: a stream no rule needs changed is not re-encoded.
- ``image-input``: a picture is planned by :mod:`~validator.repair.picture`
  (format, scale, padding to the accepted shape).

Files that are not media, and files with no video stream, cannot be fixed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict

from validator.check.fixable import FIXABLE_RULES, unfixable_findings
from validator.profiles.profile import Profile
from validator.records.facts import MediaFacts
from validator.records.findings import Finding, Report
from validator.repair.picture import ImagePlan, image_options, plan_image
from validator.repair.picture import steps as picture_steps
from validator.rules.image_input import Options as ImageOptions

TRIM_MARGIN_S = 0.05
COPY_TRIM_MARGIN_S = 0.1
SIZE_SAFETY = 0.9
AUDIO_BITRATE = 128_000
MIN_VIDEO_BITRATE = 50_000
MP4_VIDEO_COPY = frozenset({"h264", "hevc", "av1", "vp9"})
MP4_AUDIO_COPY = frozenset({"aac", "mp3", "ac3", "eac3", "alac"})
NO_COPY_CONTAINERS = ("avi", "flv")

Action = Literal["copy", "encode"]


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
    rate: float | None = None
    audio: list[AudioPlan] = []
    add_silent: bool = False
    silent_audio_s: float | None = None
    trim_to: float | None = None
    copy_trim: bool = False
    video_bitrate: int | None = None
    audio_bitrate: int | None = None
    duration_s: float | None = None
    max_seconds: float | None = None
    max_bytes: int | None = None
    image: ImagePlan | None = None

    @property
    def needed(self) -> bool:
        """True when there is something to fix and nothing in the way."""
        return bool(self.fixes) and not self.unfixable


@dataclass(frozen=True)
class FixOptions:
    """How a fix may go about it.

    ``apply_advice``: also follow advice-level findings (the lipsync profile's
    25 fps); errors are always repaired. ``exact``: trim a too-long file by
    re-encoding even where a keyframe close below the limit would allow a cut
    at copy speed; ``max_trim_loss``: how far below the limit (seconds) that
    keyframe may lie.
    """

    apply_advice: bool = False
    exact: bool = False
    max_trim_loss: float = 2.0


@dataclass(frozen=True)
class Limits:
    """The limits a fix aims at, read from the resolved profile (None: rule not active)."""

    max_seconds: float | None = None
    max_fps: float | None = None
    advice_fps: float | None = None
    max_bytes: int | None = None


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


def _errors_of(report: Report, rule_id: str) -> list[Finding]:
    return [f for f in report.errors if f.rule == rule_id]


def _target_fps(report: Report, facts: MediaFacts, limits: Limits,
                apply_advice: bool) -> float | None:
    """The frame rate to resample to, or None to keep the rate."""
    main = facts.main_video
    avg = main.avg_fps if main else None
    over_limit = bool(_errors_of(report, "max-frame-rate")) and limits.max_fps is not None
    over_advice = apply_advice and limits.advice_fps is not None and avg is not None \
        and avg > limits.advice_fps
    if over_advice:
        assert limits.advice_fps is not None
        return min(limits.advice_fps, limits.max_fps or limits.advice_fps)
    return limits.max_fps if over_limit else None


def _trim_point(report: Report, limits: Limits, unrecorded: bool) -> float | None:
    if limits.max_seconds is None or not (_errors_of(report, "max-duration") or unrecorded):
        return None
    return round(limits.max_seconds - TRIM_MARGIN_S, 3)


def _unrecorded_length(report: Report, facts: MediaFacts, limits: Limits) -> Finding | None:
    """The max-duration warning of a container that records no duration (a browser's
    pipe-written WebM), which a remux repairs; else None."""
    main = facts.main_video
    if limits.max_seconds is None or facts.duration_s is not None or \
            (main is not None and main.duration_s is not None):
        return None
    return next((f for f in report.warnings if f.rule == "max-duration"), None)


def _fixes(report: Report, fps: float | None, unrecorded: Finding | None) -> list[Finding]:
    """The findings the fix answers: the fixable errors, else the advice it follows, else
    an unrecorded duration."""
    errors = [f for f in report.errors if f.rule in FIXABLE_RULES]
    if errors:
        return errors
    if fps is not None:
        return [f for f in report.warnings if f.rule == "lipsync-frame-rate"][:1]
    return [unrecorded] if unrecorded is not None else []


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
    if plan.image is not None:
        return picture_steps(plan.image)
    steps = []
    if plan.copy_trim:
        steps.append(f"cut at the keyframe at {plan.trim_to:g} s (no re-encode)")
    elif plan.trim_to is not None:
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


def plan_fix(report: Report, profile: Profile, options: FixOptions | None = None) -> FixPlan:
    """Decide, from a file's report and the profile's limits, everything the fix will do."""
    options = options or FixOptions()
    unfixable = unfixable_findings(report)
    facts = report.media
    if unfixable or facts is None or facts.main_video is None:
        return FixPlan(unfixable=unfixable)
    picture_options = image_options(profile) if facts.is_image else None
    if picture_options is not None:
        return _picture_plan(report, facts, picture_options)
    limits = profile_limits(profile)
    fps = _target_fps(report, facts, limits, options.apply_advice)
    unrecorded = _unrecorded_length(report, facts, limits)
    fixes = _fixes(report, fps, unrecorded)
    if not fixes:
        return FixPlan()
    trim_to = _trim_point(report, limits, unrecorded is not None)
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
        rate=fps or main.avg_fps,
        audio=audio,
        add_silent=add_silent,
        silent_audio_s=(main.duration_s or facts.duration_s) if add_silent else None,
        trim_to=trim_to,
        video_bitrate=video_bitrate,
        audio_bitrate=audio_bitrate,
        duration_s=duration,
        max_seconds=limits.max_seconds if trim_to is not None and unrecorded is None else None,
        max_bytes=limits.max_bytes if resize else None,
    )
    return revised(plan)


def _picture_plan(report: Report, facts: MediaFacts, options: ImageOptions) -> FixPlan:
    """The plan for an image input: re-encoded, scaled and padded until accepted."""
    fixes = [f for f in report.errors if f.rule == "image-input"]
    if not fixes:
        return FixPlan()
    image = plan_image(facts, options)
    if image is None:
        return FixPlan(unfixable=fixes)
    codec = facts.main_video.codec if facts.main_video else None
    return revised(FixPlan(fixes=fixes, video="encode", video_codec=codec, image=image))


def revised(plan: FixPlan, **changes: object) -> FixPlan:
    """The plan with some decisions changed and its steps described anew."""
    changed = plan.model_copy(update=changes)
    return changed.model_copy(update={"steps": _steps(changed)})


def _copyable_video(facts: MediaFacts) -> bool:
    main = facts.main_video
    return main is not None and main.codec in MP4_VIDEO_COPY and not any(
        name in (facts.container or "") for name in NO_COPY_CONTAINERS)


def copy_trim_candidate(report: Report, plan: FixPlan, options: FixOptions) -> bool:
    """Whether a cut at copy speed may do: the duration is the only error and the video can
    be copied into MP4 (the keyframes then decide, :func:`with_copy_trim`)."""
    return (not options.exact and plan.needed and plan.max_seconds is not None
            and plan.fps is None and report.media is not None
            and all(f.rule == "max-duration" for f in report.errors)
            and _copyable_video(report.media))


def with_copy_trim(plan: FixPlan, keyframes: list[float], options: FixOptions) -> FixPlan:
    """The plan cut at the last keyframe in ``[limit - max_trim_loss, limit - 0.1 s]``,
    copying every stream MP4 can carry; the plan unchanged when no keyframe lies there."""
    assert plan.max_seconds is not None
    top = plan.max_seconds - COPY_TRIM_MARGIN_S
    bottom = plan.max_seconds - options.max_trim_loss
    usable = [k for k in keyframes if 0 < k <= top and k >= bottom]
    if not usable:
        return plan
    cut = round(max(usable), 6)
    audio = [a.model_copy(update={"action": "copy" if a.codec in MP4_AUDIO_COPY else "encode"})
             for a in plan.audio]
    return revised(plan, video="copy", audio=audio, trim_to=cut, duration_s=cut, copy_trim=True)


def exact_trim(plan: FixPlan) -> FixPlan:
    """A copy-trim plan turned into the re-encoded cut just below the limit."""
    assert plan.max_seconds is not None
    audio = [a.model_copy(update={"action": "encode"}) for a in plan.audio]
    cut = round(plan.max_seconds - TRIM_MARGIN_S, 3)
    return revised(plan, video="encode", audio=audio, trim_to=cut, duration_s=cut,
                   copy_trim=False)
