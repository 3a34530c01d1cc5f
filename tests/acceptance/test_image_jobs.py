"""Character swap jobs: a video with its image (validate(video, image=...), --image, manifests
with an image column), and images picked by folder walks under a profile that takes one."""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import fixture_path
from tests.helpers import Run, cli, write_png
from validator import Report, validate, validate_many
from validator.check.pairs import ManifestError, Pair, PairReport, read_manifest
from validator.profiles.profile import shipped_profiles
from validator.records.errors import UsageError

VIDEO = str(fixture_path("pass/h264_aac_25fps.mp4"))          # 2 s H.264 + AAC in MP4
AUDIO = str(fixture_path("fail/audio_only.m4a"))              # 2 s of AAC, no video
NOT_MEDIA = str(fixture_path("fail/not_a_video.mp4"))
WEBM = str(fixture_path("pass/vp9_opus.webm"))
KLING_VIDEO = str(fixture_path("pass/vfr_phone_style.mp4"))   # 3.0 s: Kling takes 3-30 s


@pytest.fixture(scope="module")
def face(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A 300×300 PNG: a character image every character swap model takes."""
    return str(write_png(tmp_path_factory.mktemp("faces") / "face.png", 300, 300))


def check(*args: str) -> Run:
    return cli("check", "--no-cache", *args)


def rules(report: Report) -> list[tuple[str, str]]:
    return [(f.rule, f.severity) for f in report.findings]


def test_a_video_and_its_image_pass_as_a_character_swap(face: str) -> None:
    job = validate(VIDEO, image=face)
    assert isinstance(job, PairReport) and job.ok
    assert job.audio is None and job.image is not None
    assert [r.path for r in job.reports] == [VIDEO, face]
    assert job.video.findings == [] and job.image.findings == []


def test_the_image_is_judged_by_the_profiles_image_rules(tmp_path: Path) -> None:
    small = str(write_png(tmp_path / "small.png", 299, 400))
    job = validate(KLING_VIDEO, image=small, profile="akool-character-swap-kling")
    assert job.video.ok and not job.image.ok and not job.ok
    [finding] = job.image.findings
    assert (finding.rule, finding.code) == ("image-input", None)
    assert finding.message == "299×400 px: a side is under 300 px"
    assert validate(VIDEO, image=small, profile="akool-character-swap").ok


@pytest.mark.parametrize(("image", "message"), [
    (VIDEO, "a video (h264), not a still image"),
    (AUDIO, "no picture in the file (it holds audio only)"),
    (NOT_MEDIA, "not readable as an image: "),
])
def test_what_is_no_image_fails_in_the_images_report(image: str, message: str) -> None:
    job = validate(VIDEO, image=image)
    assert job.video.ok and not job.image.ok
    assert [f.rule for f in job.image.errors] == ["image-input"]
    assert job.image.errors[0].message.startswith(message)
    assert job.image.codes == []                # no video rule judges the image


def test_a_damaged_png_is_not_a_readable_picture(tmp_path: Path) -> None:
    damaged = tmp_path / "face.png"
    damaged.write_bytes(b"\x89PNG\r\n\x1a\n" + b"not a picture" * 40)
    [finding] = validate(VIDEO, image=damaged).image.errors
    assert finding.message == ("a png image whose picture size cannot be read (damaged, not "
                               "what its name says, or too large for FFmpeg to decode)")
    assert not validate(damaged, profile="akool-character-swap").ok   # named alone, too


def test_a_picture_too_large_for_ffmpeg_fails_within_the_memory_bound(tmp_path: Path) -> None:
    """A 17,000 × 17,000 PNG of about 300 kB (a decompression bomb: 289 MB of pixels):
    FFmpeg's libraries will not decode a picture that size, so no size is read, and the check
    ends quickly, within the memory bound, with the image's finding."""
    bomb = write_png(tmp_path / "bomb.png", 17_000, 17_000)
    assert bomb.stat().st_size < 1_000_000
    report = validate(bomb, profile="akool-character-swap-kling")
    assert report.status == "failed"
    assert [f.message.split(" (")[0] for f in report.errors] == [
        "a png image whose picture size cannot be read"]


def test_a_missing_image_is_not_checked(tmp_path: Path) -> None:
    job = validate(VIDEO, image=tmp_path / "gone.png")
    assert job.image.status == "not-checked" and [f.rule for f in job.image.errors] == \
        ["file-access"]


def test_the_video_input_is_judged_as_a_video_whatever_it_is(face: str) -> None:
    job = validate(face, image=face)
    assert not job.video.ok and job.image.ok
    assert "container-format" in {f.rule for f in job.video.errors}
    voice = validate(AUDIO, image=face)            # an audio file is no video either
    assert [(f.rule, f.message) for f in voice.video.errors] == [
        ("video-present", "no video stream (audio only)")]


@pytest.mark.parametrize("profile", sorted(set(shipped_profiles()) - {"runway"}))
def test_a_soundtrack_is_no_video_under_any_profile(profile: str, tmp_path: Path) -> None:
    """An MP4 holding only audio (a voice memo) passes no container rule's test of a video:
    1209 under the Akool API limits, ``video-present`` elsewhere (runway judges URLs only)."""
    memo = shutil.copy(AUDIO, tmp_path / "memo.mp4")
    report = validate(memo, profile=profile)
    assert not report.ok
    assert {f.rule for f in report.errors} & {"video-codec", "video-present"}


def test_a_profile_that_takes_no_image_is_refused(face: str) -> None:
    with pytest.raises(UsageError, match=r"^profile akool-lipsync takes no image input "
                                         r"\(profiles that do: akool-character-swap, "
                                         r"akool-character-swap-kling, runway\)$"):
        validate(VIDEO, image=face, profile="akool-lipsync")
    with pytest.raises(UsageError, match="^profile akool-character-swap takes no audio input"):
        validate(VIDEO, audio=AUDIO, profile="akool-character-swap")
    with pytest.raises(UsageError, match="^profile tiktok takes no audio input"):
        validate(VIDEO, audio=AUDIO, profile="tiktok")


def test_a_job_of_three_inputs_reports_video_audio_image(tmp_path: Path, face: str) -> None:
    profile = tmp_path / "all.toml"
    profile.write_text('extends = "akool-character-swap"\ninputs = ["video", "audio", "image"]\n'
                       "[rules.audio-input]\n")
    job = validate(VIDEO, audio=AUDIO, image=face, profile=profile)
    assert [r.path for r in job.reports] == [VIDEO, AUDIO, face] and job.ok
    assert job.audio is not None and job.audio.media is not None
    assert job.audio.media.partner is not None and job.audio.media.partner.path == VIDEO


def test_cli_image_reports_video_then_image(face: str, tmp_path: Path) -> None:
    result = check(VIDEO, "--image", face)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[:2] == [f"✓ {VIDEO}", f"✓ {face}"]
    assert "2 files: 2 passed, 0 failed" in result.stdout
    small = str(write_png(tmp_path / "small.png", 300, 800))
    failed = check("--format", "json", "--profile", "akool-character-swap-kling", KLING_VIDEO,
                   "--image", small)
    assert failed.returncode == 1, failed.stderr
    document = json.loads(failed.stdout)
    assert document["profile"] == "akool-character-swap-kling"
    assert [(r["path"], r["ok"]) for r in document["results"]] == [(KLING_VIDEO, True),
                                                                    (small, False)]
    [finding] = document["results"][1]["findings"]
    assert finding["rule"] == "image-input" and finding["message"].startswith("300×800 px")


@pytest.mark.parametrize(("args", "error"), [
    (("--profile", "akool-lipsync", VIDEO, "--image", "face.png"),
     "profile akool-lipsync takes no image input"),
    ((VIDEO, VIDEO, "--image", "face.png"), "--image goes with exactly one video"),
    (("--image", "face.png"), "--image goes with exactly one video"),
    ((VIDEO, "--audio", AUDIO, "--image", "face.png"),
     "profile akool-lipsync takes no image input"),
    (("--pairs", "x.csv", "--image", "face.png"), "--image and --pairs cannot be used together"),
    ((VIDEO, "--image", str(fixture_path("pass"))), "is a folder"),
])
def test_cli_usage_errors(args: tuple[str, ...], error: str) -> None:
    result = check(*args)
    assert result.returncode == 2 and error in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_a_missing_image_exits_2_from_the_cli(tmp_path: Path) -> None:
    result = check(VIDEO, "--image", str(tmp_path / "gone.png"))
    assert result.returncode == 2
    assert "cannot read the file: no such file or directory" in result.stdout


def test_manifest_with_an_image_column(tmp_path: Path, face: str) -> None:
    shutil.copy(face, tmp_path / "face.png")
    write_png(tmp_path / "wide.png", 800, 300)
    manifest = tmp_path / "jobs.csv"
    manifest.write_text(f"video,image\n{KLING_VIDEO},face.png\n{WEBM},wide.png\n")
    assert read_manifest(manifest) == [Pair(KLING_VIDEO, image=str(tmp_path / "face.png")),
                                       Pair(WEBM, image=str(tmp_path / "wide.png"))]
    result = check("--format", "jsonl", "--profile", "akool-character-swap-kling",
                   "--pairs", str(manifest))
    assert result.returncode == 1, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["path"], r["ok"]) for r in lines[:4]] == [
        (KLING_VIDEO, True), (str(tmp_path / "face.png"), True), (WEBM, False),
        (str(tmp_path / "wide.png"), False)]
    assert [f["rule"] for f in lines[2]["findings"]] == ["container-format", "min-duration"]
    assert lines[3]["findings"][0]["message"].startswith("800×300 px: aspect ratio")
    assert lines[4]["summary"]["files"] == 4


def test_an_image_only_manifest_is_a_character_swap_job(tmp_path: Path, face: str) -> None:
    manifest = tmp_path / "jobs.json"
    manifest.write_text(json.dumps([{"video": VIDEO, "image": face}]))
    result = check("--format", "json", "--pairs", str(manifest))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["profile"] == "akool-character-swap"


def test_a_mixed_manifest_keeps_each_jobs_inputs_in_order(tmp_path: Path, face: str) -> None:
    profile = tmp_path / "all.toml"
    profile.write_text('extends = "akool-character-swap"\ninputs = ["video", "audio", "image"]\n'
                       "[rules.audio-input]\n")
    manifest = tmp_path / "jobs.json"
    manifest.write_text(json.dumps([{"video": VIDEO, "image": face},
                                    {"video": VIDEO, "audio": AUDIO},
                                    {"video": VIDEO, "audio": AUDIO, "image": face}]))
    result = check("--format", "jsonl", "--profile", str(profile), "--pairs", str(manifest))
    assert result.returncode == 0, result.stderr
    paths = [json.loads(line).get("path") for line in result.stdout.splitlines()]
    assert paths == [VIDEO, face, VIDEO, AUDIO, VIDEO, AUDIO, face, None]
    lipsync = check("--pairs", str(manifest))       # the default: akool-lipsync takes no image
    assert lipsync.returncode == 2 and "akool-lipsync takes no image input" in lipsync.stderr


@pytest.mark.parametrize(("content", "error"), [
    ("video,face\na.mp4,b.png\n", "line 1: expected a header with the columns video,audio or "
                                  "video,image"),
    ("video,image\na.mp4,\n", 'line 2: "image" is missing or empty'),
    ('[{"video": "a.mp4", "image": 3}]', 'item 1: "image" is missing or empty'),
    ('[{"video": "a.mp4", "face": "b.png"}]', 'item 1: expected "audio" or "image" beside'),
])
def test_bad_image_manifests_are_rejected_precisely(tmp_path: Path, content: str,
                                                    error: str) -> None:
    manifest = tmp_path / ("jobs.json" if content.startswith("[") else "jobs.csv")
    manifest.write_text(content)
    with pytest.raises(ManifestError) as caught:
        read_manifest(manifest)
    assert str(caught.value).startswith(str(manifest)) and error in str(caught.value)


def test_folder_walks_pick_images_where_the_endpoint_takes_one(tmp_path: Path,
                                                               face: str) -> None:
    shutil.copy(KLING_VIDEO, tmp_path / "clip.mp4")
    shutil.copy(face, tmp_path / "Face.PNG")
    write_png(tmp_path / "icon.png", 16, 16)
    (tmp_path / "notes.txt").write_text("not media")
    swap = {Path(r.path).name: r.ok
            for r in validate_many(tmp_path, "akool-character-swap-kling")}
    assert swap == {"Face.PNG": True, "clip.mp4": True, "icon.png": False}
    assert [Path(r.path).name for r in validate_many(tmp_path)] == ["clip.mp4"]   # akool
    result = check("--profile", "akool-character-swap-kling", str(tmp_path))
    assert result.returncode == 1 and "3 files: 2 passed, 1 failed" in result.stdout


@pytest.fixture(scope="module")
def image_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 serving a folder with a character image."""
    folder = tmp_path_factory.mktemp("served")
    write_png(folder / "face.png", 400, 400)
    (folder / "page.png").write_text("<html>a page about the picture</html>")

    class Handler(SimpleHTTPRequestHandler):
        extensions_map = {".png": "image/png"}

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(folder), **kwargs)

        def guess_type(self, path: str | os.PathLike[str]) -> str:
            return "text/html" if str(path).endswith("page.png") else "image/png"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - silence
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.mark.parametrize(("name", "rule"), [("face.png", None), ("gone.png", "url-exists"),
                                            ("page.png", "url-content-type")])
def test_an_image_url_is_checked_as_the_api_fetches_it(image_server: str, name: str,
                                                       rule: str | None) -> None:
    job = validate(VIDEO, image=f"{image_server}/{name}", allow_private_urls=True)
    assert job.video.ok
    assert [f.rule for f in job.image.errors] == ([rule] if rule else [])
    if rule is None:
        assert job.image.media is not None and job.image.media.main_video is not None
        assert job.image.media.main_video.displayed_size == (400, 400)
