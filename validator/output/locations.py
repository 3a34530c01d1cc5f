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


def printable(text: str) -> str:
    """The text with undecodable file-name bytes replaced by U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)
