"""The file was not checked: the tool's own setup kept it from reading the file.

This is not an API code: the file never reached a prober, or the prober never
gave an answer. It covers a file that cannot be read from disk (missing,
permission denied, not a regular file), a prober that is missing or broken
(`--probe ffprobe` without ffprobe, `MEDIA_PREFLIGHT_FFPROBE` naming a binary
that does not run) and a probe that ran past `--timeout`. Such a file's status
is `not-checked` and the run exits with status 2.

This rule always runs, whatever the profile says.
"""

from __future__ import annotations

from collections.abc import Iterator

from validator.records.facts import MediaFacts
from validator.rules.base import NoOptions, Rule, Violation, docstring

_HINTS = {
    "io": "Check that the path exists and that you may read it.",
    "timeout": "Raise `--timeout`, or re-export the file if it keeps the prober busy.",
    "setup": "Install FFmpeg (e.g. `apt-get install ffmpeg`), or point "
             "`MEDIA_PREFLIGHT_FFPROBE` at a working ffprobe (empty: do without).",
}


def check(facts: MediaFacts, options: NoOptions) -> Iterator[Violation]:
    if facts.problem_kind == "io":
        yield Violation(f"cannot read the file: {facts.problem}")
    elif facts.problem_kind in ("timeout", "setup"):
        yield Violation(f"not checked: {facts.problem}", hint=_HINTS[facts.problem_kind])


RULE = Rule(
    id="file-access",
    code=None,
    severity="error",
    summary="the file can be read and probed on this machine",
    hint=_HINTS["io"],
    doc=docstring(__doc__),
    check=check,
    applies_to_unreadable=True,
    inputs=("video", "audio", "image"),
    always=True,
)
