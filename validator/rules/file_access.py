"""The file could not be read from disk (missing, permission denied, not a regular file).

This is not an API code: the file never reached a prober. A file named on the
command line that cannot be read makes the run exit with status 2.
"""

from __future__ import annotations

from collections.abc import Iterator

from validator.records.facts import MediaFacts
from validator.rules.base import NoOptions, Rule, Violation, docstring


def check(facts: MediaFacts, options: NoOptions) -> Iterator[Violation]:
    if facts.problem_kind == "io":
        yield Violation(f"cannot read the file: {facts.problem}")


RULE = Rule(
    id="file-access",
    code=None,
    severity="error",
    summary="the file can be read from disk",
    hint="Check that the path exists and that you may read it; FIFOs, sockets and devices "
    "are not media files.",
    doc=docstring(__doc__),
    check=check,
    applies_to_unreadable=True,
    inputs=("video", "audio"),
)
