"""Where ``--output`` writes: a regular file replaced atomically (through a symlink, its
target), a FIFO or a character device written through, anything else refused; a write that
fails is an :class:`OutputError` (exit 2 with the reason), the old report kept."""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, TextIO

from validator.records.data import display_text
from validator.records.errors import UsageError
from validator.records.findings import printable_path

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer


class OutputError(UsageError):
    """``--output`` cannot be written (a usage error: exit 2 with the reason)."""


@contextmanager
def output_file(path: str, option: str = "--output") -> Iterator[TextIO]:
    """Where ``--output`` (or ``option``) writes: a regular file (or the one a symlink
    names) replaced atomically, a FIFO or a character device (``/dev/null``) written
    through; anything else is refused. A failed write is an :class:`OutputError`, the old
    report kept."""
    if _writes_through(path, option):
        with _open_sink(path, lambda: os.open(path, os.O_WRONLY), option) as handle:
            yield handle
    else:
        with atomic_text_file(os.path.realpath(path), shown=path, option=option) as handle:
            yield handle


def _writes_through(path: str, option: str) -> bool:
    """True for a FIFO or a character device, False for a regular or a new file; refuses the
    rest (a socket, a block device, a link loop)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise _cannot_write(path, exc, option) from None
    if stat.S_ISREG(mode):
        return False
    if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
        return True
    raise OutputError(f"{option} {_shown(path)}: not a regular file, a FIFO or a "
                      "character device; not replaced")


def _cannot_write(path: str, exc: OSError, option: str) -> OutputError:
    return OutputError(f"cannot write {option} {_shown(path)}: {exc.strerror or exc}")


def _shown(path: str) -> str:
    """The name for a message: on one line, with no control character reaching a terminal."""
    return display_text(printable_path(path))


class _Sink(io.FileIO):
    """The raw file under ``--output``: a write that fails says which file and why."""

    def __init__(self, fd: int, shown: str, option: str) -> None:
        super().__init__(fd, "w")
        self.shown, self.option = shown, option

    def write(self, data: ReadableBuffer) -> int:
        try:
            return super().write(data) or 0
        except OSError as exc:
            raise _cannot_write(self.shown, exc, self.option) from None


@contextmanager
def _open_sink(shown: str, opener: Callable[[], int], option: str) -> Iterator[TextIO]:
    """A UTF-8 text stream on the file ``opener`` opens, its write errors OutputErrors."""
    try:
        fd = opener()
    except OSError as exc:
        raise _cannot_write(shown, exc, option) from None
    sink = _Sink(fd, shown, option)
    with io.TextIOWrapper(io.BufferedWriter(sink), encoding="utf-8") as handle:
        yield handle


@contextmanager
def atomic_text_file(target: str, shown: str | None = None,
                     option: str = "--output") -> Iterator[TextIO]:
    """A UTF-8 file that appears whole or not at all: written beside it, then renamed over it
    (``shown``: its name in messages, if not ``target``)."""
    import tempfile

    shown = shown or target
    made: list[str] = []

    def create() -> int:
        fd, temp = tempfile.mkstemp(dir=os.path.dirname(target), suffix=".tmp",
                                    prefix=f".{os.path.basename(target)}.")
        made.append(temp)
        return fd

    try:
        with _open_sink(shown, create, option) as handle:
            yield handle
            handle.flush()
            _fsync(handle, shown, option)
        os.chmod(made[0], _new_file_mode(target))
        os.replace(made[0], target)
    except BaseException:
        for temp in made:
            with suppress(OSError):
                os.unlink(temp)
        raise


def _fsync(handle: TextIO, shown: str, option: str) -> None:
    try:
        os.fsync(handle.fileno())
    except OSError as exc:
        raise _cannot_write(shown, exc, option) from None


def _new_file_mode(path: str) -> int:
    """The mode the file keeps if it exists, else what the umask gives a new file."""
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
