"""The one base class of the user's mistakes: a flag, a profile, a settings table, a manifest or
a path that cannot be used.

The command line turns a :class:`UsageError` into exit status 2 and its message on stderr;
any other exception is a bug and keeps its traceback.
"""

from __future__ import annotations


class UsageError(ValueError):
    """Something the user gave cannot be used; the message says what, where and why.

    A ValueError, so code that caught the older errors (``ProfileError`` ...) as
    ValueError still does.
    """


def safe_message(text: str) -> str:
    """``text`` with each non-printable character (a newline, an escape sequence, a lone
    surrogate from an undecodable file name) written as its Python escape, so a name in a
    message can neither forge a line nor drive the terminal."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else ascii(char)[1:-1] for char in text)
