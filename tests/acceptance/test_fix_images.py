"""`fix` on a character image that `image-input` rejects: re-encoded to an accepted format,
scaled up to the smallest side, padded to the accepted shape, kept under the byte limit; real
FFmpeg on the committed limits fixtures and generated pictures."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.conftest import fixture_path, needs_ffmpeg
from tests.helpers import cli, write_png
from validator.api import validate
from validator.repair.batch import fix_many
from validator.repair.fixer import fix

pytestmark = needs_ffmpeg
KLING = "akool-character-swap-kling"


def size_of(path: Path) -> tuple[int, int] | None:
    facts = validate(path).media
    main = facts.main_video if facts else None
    return main.displayed_size if main else None


@pytest.mark.parametrize(("name", "suffix", "size"), [
    ("face_298x300.png", ".png", (300, 303)),        # a side under 300 px: scaled up
    ("face_300x752.png", ".png", (301, 752)),        # narrower than 1:2.5: padded
    ("face_752x300.png", ".png", (752, 301)),        # wider than 2.5:1: padded
    ("face_300x300.bmp", ".png", (300, 300)),        # BMP: re-encoded as PNG
])
def test_a_rejected_character_image_is_fixed(tmp_path: Path, name: str, suffix: str,
                                             size: tuple[int, int]) -> None:
    source = tmp_path / name
    source.write_bytes(fixture_path(f"limits/{name}").read_bytes())
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    assert not validate(source, KLING).ok
    result = fix(source, profile=KLING)
    output = Path(result.output)
    assert result.status == "fixed" and result.ok, result.remaining
    assert output == source.with_name(f"{source.stem}.fixed{suffix}")
    assert validate(output, KLING).ok and size_of(output) == size
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before   # the input is untouched


def test_over_the_byte_limit_becomes_a_jpeg(tmp_path: Path) -> None:
    big = write_png(tmp_path / "face.png", 2000, 2000, noise=True)
    profile = tmp_path / "small.toml"
    profile.write_text(f'extends = "{KLING}"\n[rules.image-input]\nmax_bytes = 8_000_000\n')
    assert big.stat().st_size > 8_000_000
    result = fix(big, profile=profile)
    assert result.ok and result.output.endswith("face.fixed.jpg")
    assert validate(result.output, profile).media.main_video.codec == "mjpeg"   # type: ignore


def test_a_png_only_endpoint_gets_a_smaller_png(tmp_path: Path) -> None:
    big = write_png(tmp_path / "face.png", 1500, 1500, noise=True)
    profile = tmp_path / "png.toml"
    profile.write_text(f'extends = "{KLING}"\n[rules.image-input]\nformats = ["png"]\n'
                       "max_bytes = 2_000_000\n")
    result = fix(big, profile=profile)
    assert result.ok and result.attempts == 2, result.remaining
    width, height = size_of(Path(result.output))  # type: ignore[misc]
    assert 300 <= width < 1500 and width == height


@pytest.mark.parametrize(("content", "why"), [
    (b"\x89PNG\r\n\x1a\n" + b"not a picture" * 40, "picture size cannot be read"),
    (None, "a video (h264), not a still image"),
])
def test_what_is_no_readable_picture_cannot_be_fixed(tmp_path: Path, content: bytes | None,
                                                     why: str) -> None:
    source = tmp_path / "face.png"
    source.write_bytes(content if content is not None
                       else fixture_path("pass/h264_aac_25fps.mp4").read_bytes())
    result = fix(source, profile=KLING)
    if content is None:   # a video named .png is judged as a video, by the video rules
        assert result.status == "cannot-fix"
        return
    assert result.status == "cannot-fix" and why in result.remaining[0].message
    assert not list(tmp_path.glob("*.fixed.*"))


def test_a_batch_names_pictures_by_their_format(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("face_298x300.png", "face_300x300.bmp"):
        (folder / name).write_bytes(fixture_path(f"limits/{name}").read_bytes())
    write_png(folder / "ok.png", 400, 400)
    results = list(fix_many([folder], profile=KLING, output_dir=tmp_path / "out"))
    assert {Path(r.input).name: (r.status, Path(r.output).name if r.output else "")
            for r in results} == {"face_298x300.png": ("fixed", "face_298x300.png"),
                                  "face_300x300.bmp": ("fixed", "face_300x300.png"),
                                  "ok.png": ("passes", "ok.png")}
    run = cli("fix", "--profile", KLING, "--output-dir", str(tmp_path / "cli"), str(folder))
    assert run.returncode == 0, run.stdout + run.stderr
    assert sorted(p.name for p in (tmp_path / "cli" / "in").iterdir()) == [
        "face_298x300.png", "face_300x300.png"]


def test_check_names_the_fix_for_a_picture(tmp_path: Path) -> None:
    source = tmp_path / "face.bmp"
    source.write_bytes(fixture_path("limits/face_300x300.bmp").read_bytes())
    run = cli("check", "--no-cache", "--fix-hints", "--profile", KLING, str(source))
    assert run.returncode == 1
    assert f"  fix: media-preflight fix --profile {KLING} {source}" in run.stdout
