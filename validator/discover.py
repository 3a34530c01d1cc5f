"""Which files a run looks at: named files always, media files found under named folders.

Folders are walked lazily (the first file is probed before the walk ends),
sorted for stable output, hidden entries skipped unless asked, symlinked
folders followed once (a link loop is walked only once).
"""

from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

MEDIA_EXTENSIONS = frozenset({
    ".mp4", ".m4v", ".mov", ".qt", ".mkv", ".webm", ".avi", ".flv", ".f4v", ".wmv", ".asf",
    ".mpg", ".mpeg", ".mpe", ".m1v", ".m2v", ".vob", ".ts", ".mts", ".m2ts", ".m2t", ".3gp",
    ".3g2", ".ogv", ".ogg", ".ogm", ".gif", ".mxf", ".dv", ".divx", ".rm", ".rmvb", ".y4m",
    ".h264", ".h265", ".hevc", ".264", ".265", ".ivf", ".nut", ".m4a", ".mj2",
})


@dataclass(frozen=True)
class WalkError:
    """A folder that could not be listed; reported like an unreadable file."""

    path: str
    reason: str


def is_media_name(name: str) -> bool:
    """Whether a file name has a media extension (case-insensitive)."""
    return os.path.splitext(name)[1].lower() in MEDIA_EXTENSIONS


def excluded(path: str, root: str, patterns: tuple[str, ...]) -> bool:
    """Whether a glob matches the path, its name, or its path relative to the walk's root."""
    if not patterns:
        return False
    relative = os.path.relpath(path, root) if root else path
    candidates = (path, relative, os.path.basename(path))
    return any(fnmatch.fnmatch(c, p) for p in patterns for c in candidates)


def discover(paths: Iterable[str], exclude: tuple[str, ...] = (),
             include_hidden: bool = False) -> Iterator[str | WalkError]:
    """Yield files to check: each named path that is not a folder, and media under folders."""
    for path in paths:
        if os.path.isdir(path):
            yield from _walk(path, exclude, include_hidden)
        else:
            yield path


def _walk(root: str, exclude: tuple[str, ...], include_hidden: bool) -> Iterator[str | WalkError]:
    seen: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            st = os.stat(folder)
        except OSError as exc:
            yield WalkError(folder, exc.strerror or str(exc))
            continue
        if (st.st_dev, st.st_ino) in seen:
            continue
        seen.add((st.st_dev, st.st_ino))
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            yield WalkError(folder, exc.strerror or str(exc))
            continue
        subfolders = []
        for entry in entries:
            if not include_hidden and entry.name.startswith("."):
                continue
            if excluded(entry.path, root, exclude):
                continue
            kind = _kind(entry)
            if kind == "dir":
                subfolders.append(entry.path)
            elif kind == "file" and is_media_name(entry.name):
                yield entry.path
        stack.extend(reversed(subfolders))


def _kind(entry: os.DirEntry[str]) -> str:
    try:
        mode = entry.stat(follow_symlinks=True).st_mode
    except OSError:
        return "broken"
    if stat.S_ISDIR(mode):
        return "dir"
    return "file" if stat.S_ISREG(mode) else "special"
