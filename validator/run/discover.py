"""Which files a run looks at: named files always, videos found under named folders (and
images, when the profile's endpoint takes an image).

Each file is given once, however often it is named or reached (``check a a/b``).
With ``force_exclude`` (ruff's ``--force-exclude``), ``exclude`` applies to the
files named too, as pre-commit names every file it passes. Folders are walked
lazily (the first file is probed before the walk ends), sorted for stable
output, hidden entries skipped unless asked, symlinked folders followed once
(a link loop is walked only once). With ``gitignore``,
in a git repository, what git would ignore is skipped too: the ``.gitignore``
files met on the way down, those above the walked folder up to the
repository's root, and its ``.git/info/exclude`` (not the user's global
excludes file); ``.git`` folders are never walked then.
"""

from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, NamedTuple

from validator.records.extensions import VIDEO_EXTENSIONS, extension

if TYPE_CHECKING:
    import logging

    from pathspec import GitIgnoreSpec

MEDIA_EXTENSIONS = VIDEO_EXTENSIONS


class WalkError(NamedTuple):
    """A folder that could not be listed; reported like an unreadable file."""

    path: str
    reason: str


def is_media_name(name: str, extensions: frozenset[str] = VIDEO_EXTENSIONS) -> bool:
    """Whether a folder walk takes a file of this name (case-insensitive): a video's, or
    one of ``extensions``."""
    return extension(name) in extensions


def excluded(path: str, root: str, patterns: tuple[str, ...]) -> bool:
    """Whether a glob matches the path, its name, or its path relative to the walk's root."""
    if not patterns:
        return False
    relative = os.path.relpath(path, root) if root else path
    candidates = (path, relative, os.path.basename(path))
    return any(fnmatch.fnmatch(c, p) for p in patterns for c in candidates)


# Ignore files in force for a folder, outermost first: (the folder they apply to, patterns).
IgnoreRules = tuple[tuple[str, "GitIgnoreSpec"], ...]


def read_ignore_file(path: str) -> GitIgnoreSpec | None:
    """The patterns of one .gitignore-style file, or None when it is absent or unreadable."""
    from pathspec import GitIgnoreSpec

    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return GitIgnoreSpec.from_lines(handle.read().splitlines())
    except OSError:
        return None


def _with_ignore_file(rules: IgnoreRules, base: str, path: str) -> IgnoreRules:
    spec = read_ignore_file(path)
    return (*rules, (base, spec)) if spec is not None else rules


def enclosing_ignore_rules(folder: str) -> IgnoreRules | None:
    """The ignore files above ``folder`` in its git repository; None outside a repository."""
    chain = [os.path.abspath(folder)]
    while not os.path.exists(os.path.join(chain[-1], ".git")):
        parent = os.path.dirname(chain[-1])
        if parent == chain[-1]:
            return None
        chain.append(parent)
    top = chain[-1]
    rules = _with_ignore_file((), top, os.path.join(top, ".git", "info", "exclude"))
    for above in reversed(chain[1:]):
        rules = _with_ignore_file(rules, above, os.path.join(above, ".gitignore"))
    return rules


def git_ignored(path: str, is_dir: bool, rules: IgnoreRules) -> bool:
    """Whether git would ignore ``path``: the deepest ignore file with a pattern for it decides."""
    verdict: bool | None = None
    absolute = os.path.abspath(path)
    for base, spec in rules:
        relative = os.path.relpath(absolute, base).replace(os.sep, "/")
        found = spec.check_file(relative + "/" if is_dir else relative).include
        verdict = found if found is not None else verdict
    return bool(verdict)


def _git_skips(name: str, path: str, kind: str, rules: IgnoreRules) -> bool:
    return name == ".git" or git_ignored(path, kind == "dir", rules)


def discover(paths: Iterable[str], exclude: tuple[str, ...] = (),
             include_hidden: bool = False, gitignore: bool = False,
             force_exclude: bool = False, once: bool = True,
             extensions: frozenset[str] = VIDEO_EXTENSIONS) -> Iterator[str | WalkError]:
    """Yield files to check, each once: every named path that is not a folder (unless
    ``force_exclude`` and excluded), and the videos (files of ``extensions``) under named
    folders.

    One folder's walk never gives a path twice, so only a run of several paths keeps
    the set of paths given so far (by absolute path). Without ``once`` (lipsync pairs,
    where one video may go with two voices) a path named twice is given twice.
    """
    paths = list(paths)
    found = _found(paths, exclude, include_hidden, gitignore, force_exclude, extensions)
    if len(paths) < 2 or not once:
        yield from found
        return
    seen: set[str] = set()
    for item in found:
        key = os.path.abspath(item if isinstance(item, str) else item.path)
        if key not in seen:
            seen.add(key)
            yield item


def _found(paths: Iterable[str], exclude: tuple[str, ...], include_hidden: bool,
           gitignore: bool, force_exclude: bool,
           extensions: frozenset[str]) -> Iterator[str | WalkError]:
    for path in paths:
        if os.path.isdir(path):
            rules = enclosing_ignore_rules(path) if gitignore else None
            yield from _walk(path, exclude, include_hidden, rules, extensions)
        elif not (force_exclude and excluded(path, os.curdir, exclude)):
            yield path


def _walk(root: str, exclude: tuple[str, ...], include_hidden: bool,
          ignore: IgnoreRules | None,
          extensions: frozenset[str] = VIDEO_EXTENSIONS) -> Iterator[str | WalkError]:
    """Walk one folder; ``ignore`` is None when .gitignore files do not count."""
    seen: set[tuple[int, int]] = set()
    stack: list[tuple[str, IgnoreRules | None]] = [(root, ignore)]
    while stack:
        folder, rules = stack.pop()
        try:
            st = os.stat(folder)
        except OSError as exc:
            yield WalkError(folder, exc.strerror or str(exc))
            continue
        if (st.st_dev, st.st_ino) in seen:
            continue
        seen.add((st.st_dev, st.st_ino))
        try:
            names = sorted(os.listdir(folder))   # names only: a 100,000-entry folder stays small
        except OSError as exc:
            yield WalkError(folder, exc.strerror or str(exc))
            continue
        if rules is not None:
            rules = _with_ignore_file(rules, folder, os.path.join(folder, ".gitignore"))
        subfolders = []
        for name in names:
            if not include_hidden and name.startswith("."):
                continue
            path = os.path.join(folder, name)
            if excluded(path, root, exclude):
                continue
            kind = _kind(folder, name)
            if kind == "too-deep":
                yield WalkError(path, "its path is longer than the system allows (PATH_MAX)")
                continue
            if kind in _SKIP_REASONS and is_media_name(name, extensions):
                _note_skipped(path, kind)
                continue
            wanted = kind == "dir" or (kind == "file" and is_media_name(name, extensions))
            if not wanted or (rules is not None and _git_skips(name, path, kind, rules)):
                continue
            if kind == "dir":
                subfolders.append((path, rules))
            else:
                yield path
        stack.extend(reversed(subfolders))


_SKIP_REASONS = {"special": "not a regular file (a FIFO, socket or device): not opened",
                 "broken": "a dangling symbolic link or a link loop"}
_first_note_hooks: list[Callable[[logging.Logger], None]] = []


def on_first_note(hook: Callable[[logging.Logger], None]) -> None:
    """Run ``hook`` on the ``media-preflight`` logger before the first note is logged (the
    CLI adds its stderr handler so; ``logging`` is imported only once there is a note)."""
    if hook not in _first_note_hooks:
        _first_note_hooks.append(hook)


def note(message: str, *args: object) -> None:
    """Log a note on the ``media-preflight`` logger (stderr for the CLI)."""
    import logging

    logger = logging.getLogger("media-preflight")
    while _first_note_hooks:
        _first_note_hooks.pop(0)(logger)
    logger.warning(message, *args)


def _note_skipped(path: str, kind: str) -> None:
    """Say on the log (stderr for the CLI) that a media-named entry was passed over, and why."""
    from validator.records.data import display_text

    shown = display_text(path)
    note("skipped %s: %s", shown, _SKIP_REASONS[kind])


def _kind(folder: str, name: str) -> str:
    """``dir``, ``file``, ``special``, ``broken`` (a dangling link or a loop), or ``too-deep``
    (a folder whose path is over PATH_MAX). An entry deleted since its folder was listed is a
    ``file``, so that it is reported as gone rather than passed over."""
    try:
        mode = _stat_in(folder, name)
    except FileNotFoundError:
        return "file"
    except OSError:
        return "broken"
    if stat.S_ISDIR(mode):
        return "too-deep" if _too_long(os.path.join(folder, name)) else "dir"
    return "file" if stat.S_ISREG(mode) else "special"


def _stat_in(folder: str, name: str) -> int:
    """The mode of ``name`` (followed if a link) in a folder, looked up from the folder, so
    that a path over PATH_MAX is still seen; FileNotFoundError only if it is not there."""
    path = os.path.join(folder, name)
    try:
        return os.stat(path).st_mode
    except FileNotFoundError:
        if os.path.lexists(path):   # a dangling link, not a deleted entry
            raise OSError(path) from None
        raise
    except OSError as exc:
        if not _too_long(path):
            raise
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            return os.stat(name, dir_fd=fd).st_mode
        except FileNotFoundError:
            raise OSError(exc.errno, exc.strerror) from None
        finally:
            os.close(fd)


def _too_long(path: str) -> bool:
    return len(os.fsencode(path)) >= _PATH_MAX


def _path_max() -> int:
    try:
        return os.pathconf("/", "PC_PATH_MAX")
    except (OSError, ValueError, AttributeError):
        return 4096


_PATH_MAX = _path_max()
