"""Step 2 of a fix: a :class:`~validator.repair.plan.FixPlan` becomes one FFmpeg argument list
(an MP4, or for an image input one picture).

The plan becomes one ffmpeg-python stream graph and so one command. Input
and output names go to FFmpeg as absolute ``file:`` URLs, so a name starting
with ``-`` is never an option and a name like ``http:x.mp4`` is never fetched.
"""

from __future__ import annotations

import os
import shutil
from fractions import Fraction

from validator.repair.errors import FixError
from validator.repair.picture import picture_graph
from validator.repair.plan import FixPlan

ENV_VAR = "MEDIA_PREFLIGHT_FFMPEG"
INSTALL_HINT = ("no ffmpeg found: install FFmpeg (e.g. `apt-get install ffmpeg`) or the "
                "bundled binary with `pip install 'media-preflight[fix]'`")
CRF = 18
PRESET = "fast"
SILENT_AUDIO = "anullsrc=channel_layout=stereo:sample_rate=48000"


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


def file_url(path: str | os.PathLike[str]) -> str:
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
    if plan.rate:
        options["r"] = _rate_text(plan.rate)
    if plan.video_bitrate:
        options.update({"b:v": plan.video_bitrate, "maxrate": plan.video_bitrate,
                        "bufsize": plan.video_bitrate})
    else:
        options["crf"] = CRF
    return stream, options


def _rate_text(rate: float) -> str:
    """A frame rate as FFmpeg takes it exactly: 25, 30000/1001."""
    exact = Fraction(rate).limit_denominator(1001)
    return str(exact.numerator) if exact.denominator == 1 else str(exact)


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

    inp = ffmpeg.input(file_url(source))
    head = [binary, "-hide_banner", "-nostdin", *(["-y"] if overwrite else [])]
    if plan.image is not None:
        picture, picture_options = picture_graph(plan.image, inp)
        out = ffmpeg.output(picture, file_url(target), f="image2", update=1,
                            **{"frames:v": 1}, **picture_options)
        return head + [str(arg) for arg in ffmpeg.get_args(out)]
    video, video_options = _video_graph(plan, inp)
    audio, audio_options = _audio_graph(plan, inp)
    cut = plan.trim_to
    timing: dict[str, object] = {"t": f"{cut:g}"} if cut is not None else {}
    if plan.add_silent and not plan.silent_audio_s:
        timing["shortest"] = None
    out = ffmpeg.output(video, *audio, file_url(target), f="mp4", movflags="+faststart",
                        **video_options, **audio_options, **timing)
    return head + [str(arg) for arg in ffmpeg.get_args(out)]
