"""The container must be one the platform takes (``allowed``), by what FFmpeg reads in it.

The format is read from the file's content, not its name: FFmpeg's demuxer,
with the MP4 brand telling QuickTime (mov) from MP4 and the Matroska DocType
telling WebM from Matroska. Names: mp4, mov, webm, matroska, avi, mpegts,
flv, ogg, and FFmpeg's demuxer name for anything else. Where a platform also
goes by the file name, ``extensions`` lists the accepted ones (empty: the name
is not checked).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import NamedTuple
from urllib.parse import urlsplit

from validator.records.facts import MediaFacts
from validator.rules.base import Rule, Violation, docstring

_MEDIAINFO = {"MPEG-4": "mp4", "QuickTime": "mov", "WebM": "webm", "Matroska": "matroska",
              "AVI": "avi", "MPEG-TS": "mpegts", "Flash Video": "flv", "Ogg": "ogg"}


class Options(NamedTuple):
    allowed: tuple[str, ...] = ("mp4", "mov")
    extensions: tuple[str, ...] = ()


def container_name(facts: MediaFacts) -> str | None:
    """The container as a platform names it: mp4, mov, webm, matroska, avi ..."""
    container, brand = facts.container, (facts.brand or "").strip()
    if container is None:
        return None
    if container.startswith("mov,mp4") or container in ("MPEG-4", "QuickTime"):
        return "mov" if brand == "qt" or container == "QuickTime" else "mp4"
    if container.startswith("matroska") or container in ("WebM", "Matroska"):
        return "webm" if brand == "webm" or container == "WebM" else "matroska"
    return _MEDIAINFO.get(container, container.split(",")[0].lower())


def extension(path: str) -> str:
    """The file name's extension, lower case without the dot ('' for none); URLs too."""
    name = urlsplit(path).path if "://" in path else path
    return PurePosixPath(name.replace("\\", "/")).suffix.lstrip(".").lower()


def check(facts: MediaFacts, options: Options) -> Iterator[Violation]:
    found = container_name(facts)
    allowed = [name.lower() for name in options.allowed]
    if found not in allowed:
        yield Violation(f"container {found or 'unknown'} is not accepted ({', '.join(allowed)})",
                        actual=found, limit=allowed)
    suffixes = [name.lower().lstrip(".") for name in options.extensions]
    if suffixes and extension(facts.path) not in suffixes:
        yield Violation(f"file name extension .{extension(facts.path)} is not accepted "
                        f"(.{', .'.join(suffixes)})",
                        actual=extension(facts.path), limit=suffixes)


def describe(facts: MediaFacts) -> str:
    return f"reads {container_name(facts)} ({facts.container}, brand {facts.brand})"


RULE = Rule(
    id="container-format",
    code=None,
    severity="error",
    summary="the container is one the profile accepts (by content; by name where required)",
    hint="Remux into MP4 without re-encoding: `ffmpeg -i in.mkv -c copy out.mp4` "
    "(re-encode with `-c:v libx264 -c:a aac` if the codecs do not fit MP4).",
    doc=docstring(__doc__),
    check=check,
    options=Options,
    constraints={"allowed": {"min_length": 1}},
    describe=describe,
)
