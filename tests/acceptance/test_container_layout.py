"""The container header walk (brand, moov order, edit lists, rotation) on real and hostile files:
it reads what is there and never raises."""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from tests.conftest import FFMPEG, HAS_FFMPEG
from validator.probe.mp4 import Layout, layout

pytestmark = pytest.mark.skipif(not HAS_FFMPEG, reason="ffmpeg is not installed")
SYSTEM_FFMPEG_ROTATES = pytest.mark.skipif(
    shutil.which("ffmpeg") is None,
    reason="the rotated clip is made with `-metadata:s:v:0 rotate=…`, which only the system "
           "FFmpeg (5.x) turns into a display matrix; imageio-ffmpeg's (7.x) ignores it")


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    folder = tmp_path_factory.mktemp("layout")
    plain, out = folder / "plain.mp4", folder / "clip.mp4"
    subprocess.run([FFMPEG, "-v", "error", "-y", "-f", "lavfi", "-t", "0.5", "-i",
                    "testsrc=s=32x16:r=25", "-c:v", "libx264", "-pix_fmt", "yuv420p",
                    str(plain)], check=True, timeout=60)
    subprocess.run([FFMPEG, "-v", "error", "-y", "-i", str(plain), "-c", "copy",
                    "-metadata:s:v:0", "rotate=90", "-movflags", "+faststart", str(out)],
                   check=True, timeout=60)
    return out.read_bytes()


def write(tmp_path: Path, data: bytes) -> str:
    path = tmp_path / "x.mp4"
    path.write_bytes(data)
    return str(path)


@SYSTEM_FFMPEG_ROTATES
def test_a_real_clip(tmp_path: Path, clip: bytes) -> None:
    found = layout(write(tmp_path, clip))
    assert found._replace(header_duration_s=None) == Layout(
        brand="isom", moov_first=True, edit_lists=True, rotation=90.0, fragmented=False)
    assert found.header_duration_s == pytest.approx(0.52, abs=0.05)


@pytest.mark.parametrize("cut", [0, 7, 8, 20, 40, 100, 400, 800, -200, -8])
def test_truncated_files_never_raise(tmp_path: Path, clip: bytes, cut: int) -> None:
    found = layout(write(tmp_path, clip[:cut]))
    assert isinstance(found, Layout)


@pytest.mark.parametrize("data", [
    b"",
    b"\x00" * 64,
    struct.pack(">I4s", 1, b"ftyp") + struct.pack(">Q", 2**63) + b"isom",      # 64-bit size
    struct.pack(">I4s4s", 16, b"ftyp", b"isom") + struct.pack(">I4s", 2**31, b"moov"),
    struct.pack(">I4s4s", 16, b"ftyp", b"qt  ") + struct.pack(">I4s", 4, b"moov"),  # size < 8
    b"\x1a\x45\xdf\xa3" + b"\x42\x82\xff",                                     # bad DocType size
    b"\x1a\x45\xdf\xa3\x42\x82",                                               # cut DocType
], ids=["empty", "zeros", "huge-64-bit", "moov-past-eof", "tiny-moov", "bad-doctype",
        "cut-doctype"])
def test_hostile_headers_never_raise(tmp_path: Path, data: bytes) -> None:
    found = layout(write(tmp_path, data))
    assert isinstance(found, Layout) and found.edit_lists is None


def test_a_fragmented_clip(tmp_path: Path) -> None:
    out = tmp_path / "frag.mp4"
    subprocess.run([FFMPEG, "-v", "error", "-y", "-f", "lavfi", "-t", "0.5", "-i",
                    "testsrc=s=32x16:r=25", "-c:v", "libx264", "-movflags",
                    "frag_keyframe+empty_moov", str(out)], check=True, timeout=60)
    assert layout(str(out)).fragmented is True
