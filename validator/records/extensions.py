"""Which file names are videos, audio or images, by extension (any case).

Folder walks and the pre-commit hooks pick video containers, and images too
under a profile whose endpoint takes an image input (character swap); audio
files (a lipsync voice track) are not videos. The lipsync hook also takes
audio files, and checks them as the lipsync endpoint's audio input.
"""

from __future__ import annotations

import os

VIDEO_EXTENSIONS = frozenset({
    ".mp4", ".m4v", ".mov", ".qt", ".mkv", ".webm", ".avi", ".flv", ".f4v", ".wmv", ".asf",
    ".mpg", ".mpeg", ".mpe", ".m1v", ".m2v", ".vob", ".ts", ".mts", ".m2ts", ".m2t", ".3gp",
    ".3g2", ".ogv", ".ogm", ".gif", ".mxf", ".dv", ".divx", ".rm", ".rmvb", ".y4m",
    ".h264", ".h265", ".hevc", ".264", ".265", ".ivf", ".nut", ".mj2",
})
AUDIO_EXTENSIONS = frozenset({
    ".m4a", ".aac", ".mp3", ".wav", ".ogg", ".oga", ".opus", ".flac", ".wma", ".aif", ".aiff",
})

IMAGE_EXTENSIONS = frozenset({
    ".png", ".jpg", ".jpeg", ".jpe", ".jfif", ".webp", ".bmp", ".tif", ".tiff", ".jp2",
    ".heic", ".heif", ".avif",
})


def walked_extensions(inputs: tuple[str, ...]) -> frozenset[str]:
    """The extensions a folder walk picks for an endpoint taking ``inputs``: videos, and
    images when it takes an image."""
    return VIDEO_EXTENSIONS | IMAGE_EXTENSIONS if "image" in inputs else VIDEO_EXTENSIONS


def extension(name: str) -> str:
    """A file name's extension, lower-case, with its dot."""
    return os.path.splitext(name)[1].lower()


def is_video_name(name: str) -> bool:
    """Whether a file name has a video container's extension (case-insensitive)."""
    return extension(name) in VIDEO_EXTENSIONS


def is_audio_name(name: str) -> bool:
    """Whether a file name has an audio file's extension (case-insensitive)."""
    return extension(name) in AUDIO_EXTENSIONS
