"""Whatever one file does to a prober, it becomes that file's finding: the run goes on and the
JSON output is complete and valid."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FFMPEG, HAS_FFPROBE, REPO, fixture_path
from validator import validate
from validator.probe.ffprobe import _last_line

CLIP = fixture_path("pass/h264_aac_25fps.mp4")
NOT_UTF8 = b"\xff\xfe\xc3(\xa0\xa1\xe2\x28\xa1\xf0\x90\x28"
PLACEHOLDER = b"T" * len(NOT_UTF8)
PROBES = ["auto", "libav", "mediainfo"] + (["ffprobe"] if HAS_FFPROBE else [])

# A stand-in ffprobe that answers every file with numbers no float or int can hold (and
# `-version` as ffprobe does, so the setup check takes it for a working ffprobe).
INF_FFPROBE = """#!/bin/sh
case "$1" in -version) echo "ffprobe version inf"; exit 0;; esac
cat <<'JSON'
{"format": {"format_name": "mov", "duration": "inf", "size": "1e999"},
 "streams": [{"index": "inf", "codec_type": "video", "codec_name": "h264", "width": "inf",
              "height": "nan", "avg_frame_rate": "1/0", "r_frame_rate": "9e999/1",
              "duration": "-inf", "tags": {"rotate": "inf"}},
             {"index": 1, "codec_type": "audio", "codec_name": "aac", "channels": "inf",
              "sample_rate": "1e400", "duration": "N/A"}]}
JSON
"""


def run_json(*args: str, env: dict[str, str] | None = None) -> tuple[int, dict[str, object]]:
    done = subprocess.run([sys.executable, "-m", "validator", "check", "--format", "json",
                           "--no-cache", *args], capture_output=True, text=True, cwd=REPO,
                          timeout=180, env=env or os.environ.copy())
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, json.loads(done.stdout)


def with_tag(folder: Path, name: str, *tag_args: str) -> Path:
    """A copy of CLIP (remuxed) whose tag holds bytes that are not UTF-8."""
    made = folder / ("made-" + name)
    subprocess.run([FFMPEG, "-v", "error", "-y", "-i", str(CLIP), "-c", "copy", *tag_args,
                    str(made)], check=True, timeout=60)
    data = made.read_bytes()
    assert PLACEHOLDER in data
    target = folder / name
    target.write_bytes(data.replace(PLACEHOLDER, NOT_UTF8))
    made.unlink()
    return target


@pytest.fixture
def hostile_tags(tmp_path: Path) -> list[Path]:
    title = "title=" + PLACEHOLDER.decode()
    return [with_tag(tmp_path, "a-title.mp4", "-metadata", title),
            with_tag(tmp_path, "b-stream-tag.mkv", "-metadata:s:v:0", title),
            with_tag(tmp_path, "c-audio-tag.mov", "-metadata:s:a:0", title)]


@pytest.mark.parametrize("probe", PROBES)
def test_tags_that_are_not_utf8_do_not_stop_the_run(tmp_path: Path, hostile_tags: list[Path],
                                                    probe: str) -> None:
    shutil.copy(CLIP, tmp_path / "d-plain.mp4")
    status, data = run_json("--probe", probe, str(tmp_path))
    results = data["results"]
    assert isinstance(results, list)
    assert [Path(r["path"]).name for r in results] == [
        "a-title.mp4", "b-stream-tag.mkv", "c-audio-tag.mov", "d-plain.mp4"]
    assert all(r["ok"] for r in results), results
    assert status == 0


@pytest.mark.skipif(not HAS_FFPROBE, reason="the stand-in is put where ffprobe would be")
def test_prober_values_no_number_can_hold_are_unknown(tmp_path: Path) -> None:
    script = tmp_path / "ffprobe-inf"
    script.write_text(INF_FFPROBE)
    script.chmod(0o755)
    shutil.copy(CLIP, tmp_path / "clip.mp4")
    shutil.copy(CLIP, tmp_path / "other.mp4")
    env = {**os.environ, "MEDIA_PREFLIGHT_FFPROBE": str(script)}
    status, data = run_json("--probe", "ffprobe", str(tmp_path / "clip.mp4"),
                            str(tmp_path / "other.mp4"), env=env)
    results = data["results"]
    assert isinstance(results, list) and len(results) == 2
    assert all(r["status"] != "not-checked" for r in results), results
    media = results[0]["media"]
    assert media["duration_s"] is None and media["size_bytes"] is None
    assert media["video"][0]["width"] is None and media["video"][0]["avg_fps"] is None
    assert media["audio"][0]["sample_rate"] is None
    assert status in (0, 1)


def corrupt_asf(folder: Path) -> Path:
    """An ASF cut inside its header, on which FFmpeg returns -1 (AVERROR(EPERM))."""
    whole = folder / "whole.asf"
    subprocess.run([FFMPEG, "-v", "error", "-y", "-f", "lavfi", "-i",
                    "testsrc=size=64x48:rate=10:d=1", "-f", "lavfi", "-i", "sine=d=1",
                    "-c:v", "wmv2", "-c:a", "wmav2", "-shortest", str(whole)],
                   check=True, timeout=60)
    target = folder / "corrupt.asf"
    target.write_bytes(whole.read_bytes()[:407])
    whole.unlink()
    return target


@pytest.mark.parametrize("probe", ["libav", "auto"])
def test_ffmpeg_error_minus_one_is_a_media_finding_not_permission_denied(
        tmp_path: Path, probe: str) -> None:
    report = validate(corrupt_asf(tmp_path), probe=probe, timeout=20)
    assert report.media is not None and report.media.problem_kind == "parse"
    assert "permission" not in (report.media.problem or "").lower()
    assert report.codes == [1208]   # FFmpeg cannot parse it: video parsing error


def test_a_file_we_cannot_read_is_still_permission_denied(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads every file")
    locked = tmp_path / "locked.mp4"
    shutil.copy(CLIP, locked)
    locked.chmod(0)
    report = validate(locked, probe="libav")
    assert report.media is not None and report.media.problem == "permission denied"


@pytest.mark.skipif(not HAS_FFPROBE, reason="reads ffprobe's own messages")
def test_ffprobe_messages_are_the_same_from_run_to_run(tmp_path: Path) -> None:
    cut = tmp_path / "cut.webm"
    cut.write_bytes(fixture_path("pass/vp9_opus.webm").read_bytes()[:1000])

    def message() -> str:
        done = subprocess.run(["ffprobe", "-v", "error", "-show_format", "-of", "json",
                               f"file:{cut}"], capture_output=True, timeout=30, check=False)
        assert b" @ 0x" in done.stderr   # FFmpeg names its context by heap address
        return _last_line(done.stderr)

    first, second = message(), message()
    assert first == second == "[matroska,webm] File ended prematurely"
