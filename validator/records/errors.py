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
    """``text`` as every human-readable output shows a name
    (:func:`~validator.records.data.display_text`): control characters, escape sequences,
    bidi overrides and undecodable bytes escaped, so a name in a message can neither forge a
    line nor drive the terminal."""
    from validator.records.data import display_text

    return display_text(text)
