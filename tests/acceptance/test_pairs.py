"""Lipsync pairs: validate(video, audio=...), --audio and --pairs (CSV and JSON manifests)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import FFMPEG, HAS_FFMPEG, REPO, fixture_path
from tests.helpers import Run, cli
from validator import Report, validate
from validator.check.pairs import ManifestError, PairReport, read_manifest

VIDEO = str(fixture_path("pass/h264_aac_25fps.mp4"))          # 2 s, 25 fps
FAST_VIDEO = str(fixture_path("pass/fps_60.mp4"))             # 2 s, 60 fps
AUDIO = str(fixture_path("fail/audio_only.m4a"))              # 2 s of AAC, no video
LONG = str(fixture_path("fail/dur_61.mp4"))                   # 61 s, with audio
SILENT_VIDEO = str(fixture_path("fail/no_audio.mp4"))
NOT_MEDIA = str(fixture_path("fail/not_a_video.mp4"))

needs_ffmpeg = pytest.mark.skipif(not HAS_FFMPEG, reason="ffmpeg is needed to make audio")


@pytest.fixture(scope="module")
def voice_5s(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A 5 s AAC voice track: 3 s longer than the 2 s fixture videos."""
    if not HAS_FFMPEG:
        pytest.skip("ffmpeg is needed to make audio")
    target = tmp_path_factory.mktemp("pairs") / "voice_5s.m4a"
    subprocess.run([str(FFMPEG), "-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=500",
                    "-t", "5", "-c:a", "aac", str(target)], check=True)
    return str(target)


def rules(report: Report) -> list[tuple[str, str]]:
    return [(f.rule, f.severity) for f in report.findings]


def check(*args: str) -> Run:
    return cli("check", "--no-cache", *args)


def test_a_matching_pair_passes_with_two_reports() -> None:
    pair = validate(VIDEO, audio=AUDIO)
    assert isinstance(pair, PairReport) and pair.ok
    assert [r.path for r in pair.reports] == [VIDEO, AUDIO]
    assert pair.video.findings == [] and pair.audio.findings == []
    assert pair.audio.media is not None and pair.audio.media.partner is not None
    assert pair.audio.media.partner.path == VIDEO and pair.audio.media.partner.duration_s == 2.0


def test_validate_without_audio_still_returns_a_report() -> None:
    assert isinstance(validate(VIDEO), Report)


def test_durations_that_differ_warn_with_both(voice_5s: str) -> None:
    pair = validate(VIDEO, audio=voice_5s, profile="akool-lipsync")
    assert pair.ok and rules(pair.audio) == [("av-duration-match", "warning")]
    message = pair.audio.findings[0].message
    assert message.startswith("audio 5 s and video 2 s differ by 3 s (> 1 s")
    assert pair.audio.findings[0].actual == 3.0 and pair.audio.findings[0].limit == 1.0


def test_the_tolerance_is_the_profiles(tmp_path: Path, voice_5s: str) -> None:
    profile = tmp_path / "loose.toml"
    profile.write_text('extends = "akool-lipsync"\n[rules.av-duration-match]\ntolerance_s = 3.5\n')
    assert validate(VIDEO, audio=voice_5s, profile=profile).audio.findings == []


def test_a_pair_is_a_lipsync_job() -> None:
    pair = validate(FAST_VIDEO, audio=AUDIO)                    # default profile → akool-lipsync
    assert pair.ok and rules(pair.video) == [("lipsync-frame-rate", "warning")]


@pytest.mark.parametrize(("audio", "message"), [
    (SILENT_VIDEO, "no audio stream"),
    (NOT_MEDIA, "not readable as audio: FFmpeg cannot open it"),
    (LONG, "audio 61 s > 60 s"),
])
def test_bad_audio_fails_in_its_own_report(audio: str, message: str) -> None:
    pair = validate(VIDEO, audio=audio)
    assert pair.video.ok and not pair.audio.ok and not pair.ok
    assert pair.audio.path == audio
    assert [f.rule for f in pair.audio.errors] == ["audio-input"]
    assert pair.audio.errors[0].message.startswith(message)
    assert pair.audio.codes == []                   # no video rule judges the audio


def test_the_audio_limit_is_the_profiles(tmp_path: Path) -> None:
    profile = tmp_path / "long.toml"
    profile.write_text('extends = "akool-lipsync"\n[rules.audio-input]\nmax_seconds = 90\n')
    pair = validate(VIDEO, audio=LONG, profile=profile)
    assert pair.audio.ok and rules(pair.audio) == [("av-duration-match", "warning")]


def test_cli_audio_reports_video_then_audio(voice_5s: str) -> None:
    result = check(VIDEO, "--audio", voice_5s)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"✓ {VIDEO}"
    assert lines[1].startswith(f"! {voice_5s}  warning: av-duration-match: audio 5 s and video 2 s")
    assert "2 files: 2 passed, 0 failed, 1 with warnings" in result.stdout


def test_cli_bad_audio_fails_the_run() -> None:
    result = check("--format", "json", VIDEO, "--audio", SILENT_VIDEO)
    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert document["profile"] == "akool-lipsync"
    assert [r["path"] for r in document["results"]] == [VIDEO, SILENT_VIDEO]
    assert [r["ok"] for r in document["results"]] == [True, False]
    assert document["results"][1]["media"]["partner"] == {"path": VIDEO, "duration_s": 2.0}
    assert check(VIDEO, "--audio", "no/such/voice.m4a").returncode == 2


@needs_ffmpeg
def test_cli_pairs_csv_resolves_paths_against_the_manifest(tmp_path: Path,
                                                           voice_5s: str) -> None:
    folder = tmp_path / "job"
    folder.mkdir()
    os.symlink(voice_5s, folder / "voice.m4a")
    manifest = folder / "pairs.csv"
    manifest.write_text(f"id,video,audio\n1,{VIDEO},voice.m4a\n\n2,{FAST_VIDEO},{SILENT_VIDEO}\n")
    result = check("--format", "jsonl", "--pairs", str(manifest))
    assert result.returncode == 1, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r.get("path") for r in lines[:4]] == [VIDEO, str(folder / "voice.m4a"), FAST_VIDEO,
                                                   SILENT_VIDEO]
    assert [r["ok"] for r in lines[:4]] == [True, True, True, False]
    assert lines[4] == {"summary": {"files": 4, "passed": 3, "failed": 1, "not_checked": 0,
                                    "warnings": 2}}


def test_cli_pairs_json(tmp_path: Path) -> None:
    manifest = tmp_path / "pairs.json"
    manifest.write_text(json.dumps([{"video": VIDEO, "audio": AUDIO},
                                    {"video": VIDEO, "audio": LONG}]))
    result = check("--pairs", str(manifest))
    assert result.returncode == 1
    marks = [line.split(" ", 2)[:2] for line in result.stdout.splitlines()[:4]]
    assert marks == [["✓", VIDEO], ["✓", AUDIO], ["✓", VIDEO], ["✗", LONG]]
    assert "audio-input: audio 61 s > 60 s" in result.stdout


@pytest.mark.parametrize(("content", "error"), [
    ("video,voice\na.mp4,b.m4a\n", "line 1: expected a header with the columns video,audio"),
    ("audio,image\na.m4a,b.png\n", "line 1: expected a header with the columns video,audio"),
    ("video,audio\na.mp4,\n", 'line 2: "audio" is missing or empty'),
    ('[{"video": "a.mp4"}]', 'item 1: expected "audio" or "image" beside "video"'),
    ('[{"video": "a.mp4", "audio": ""}]', 'item 1: "audio" is missing or empty'),
    ('{"video": "a.mp4"}', "expected a list of"),
    ("[1]", 'item 1: expected an object like {"video": ..., "audio": ...}'),
    ("video,audio\n", "names no pairs"),
])
def test_bad_manifests_are_rejected_precisely(tmp_path: Path, content: str, error: str) -> None:
    manifest = tmp_path / ("pairs.json" if content.startswith(("[", "{")) else "pairs.csv")
    manifest.write_text(content)
    with pytest.raises(ManifestError, match="^" + str(manifest).replace(".", r"\.")) as caught:
        read_manifest(manifest)
    assert error in str(caught.value)
    result = check("--pairs", str(manifest))
    assert result.returncode == 2 and error in result.stderr and "Traceback" not in result.stderr


def test_manifest_urls_and_absolute_paths_are_kept(tmp_path: Path) -> None:
    manifest = tmp_path / "pairs.csv"
    manifest.write_text("video,audio\nhttps://cdn.example/v.mp4?sig=x,/abs/a.m4a\nv.mp4,a.m4a\n")
    pairs = read_manifest(manifest)
    assert (pairs[0].video, pairs[0].audio) == ("https://cdn.example/v.mp4?sig=x", "/abs/a.m4a")
    assert (pairs[1].video, pairs[1].audio) == (str(tmp_path / "v.mp4"), str(tmp_path / "a.m4a"))


@pytest.mark.parametrize(("args", "error"), [
    ((VIDEO, VIDEO, "--audio", AUDIO), "--audio goes with exactly one video"),
    (("--audio", AUDIO), "--audio goes with exactly one video"),
    ((VIDEO, "--pairs", "x.csv"), "--pairs takes no other paths"),
    (("--pairs", "x.csv", "--audio", AUDIO), "cannot be used together"),
    ((), "name a file, folder or URL to check"),
    ((str(REPO / "fixtures"), "--audio", AUDIO), "is a folder"),
])
def test_usage_errors(args: tuple[str, ...], error: str) -> None:
    result = check(*args)
    assert result.returncode == 2 and error in result.stderr, result.stderr
