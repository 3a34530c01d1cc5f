"""Where a report points: file paths as CI tools want them, and text safe to print.

CI tools resolve paths against the checkout, so a path inside the current
directory is given relative to it with forward slashes; one outside it stays
absolute; a URL stays as it is. Undecodable bytes in file names (kept by
Python as lone surrogates) become U+FFFD, so every format can be written as UTF-8.
"""

from __future__ import annotations

import os
import re
from pathlib import PurePath

from validator.records.redact import is_url

_SURROGATE = re.compile("[\ud800-\udfff]")
_BYTE_ESCAPE = re.compile(r"\\x([89a-fA-F][0-9a-fA-F])")


def relative_path(path: str, cwd: str | None = None) -> str | None:
    """The path relative to ``cwd`` (default: the current one) with ``/``; None outside it."""
    if is_url(path):
        return None
    base = cwd or os.getcwd()
    try:
        relative = os.path.relpath(os.path.abspath(path), base)
    except ValueError:  # another drive on Windows
        return None
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return None
    return PurePath(relative).as_posix()


def display_path(path: str, cwd: str | None = None) -> str:
    """The relative path inside ``cwd``, else the absolute path (both with ``/``), or the URL."""
    if is_url(path):
        return path
    relative = relative_path(path, cwd)
    return relative if relative is not None else PurePath(os.path.abspath(path)).as_posix()


def original_name(path: str) -> str:
    """A report's path with its ``\\xNN`` escapes of undecodable bytes (``\\x80`` to
    ``\\xff``, see :func:`validator.records.data.printable_text`) turned back into those
    bytes (as lone surrogates, so ``os.fsencode`` gives the name's own bytes). A name that
    holds such an escape as text is taken for the bytes too."""
    if "\\x" not in path or is_url(path):
        return path
    return _BYTE_ESCAPE.sub(lambda found: chr(0xDC00 + int(found.group(1), 16)), path)


def printable(text: str) -> str:
    """The text with undecodable file-name bytes replaced by U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)
