"""1008 — the URL must name content that exists (no 404 Not Found or 410 Gone).

The API fetches the URL itself; when the server answers 404 or 410 it
reports 1008, "the content you get does not exist".
"""

from __future__ import annotations

from collections.abc import Iterator

from validator.records.facts import MediaFacts
from validator.rules.base import NoOptions, Rule, Violation, docstring
from validator.rules.url import URL_INPUTS, status_text


def check(facts: MediaFacts, options: NoOptions) -> Iterator[Violation]:
    remote = facts.remote
    if remote is not None and remote.failure == "not-found":
        yield Violation(f"the URL answers {status_text(remote.status)}: there is no content "
                        "there for the API to fetch", actual=remote.status)


RULE = Rule(
    id="url-exists",
    code=1008,
    severity="error",
    summary="a URL names content that exists (not 404/410)",
    hint="Check the URL: a typo, a moved or deleted file, or an expired share link.",
    doc=docstring(__doc__),
    check=check,
    applies_to_unreadable=True,
    inputs=URL_INPUTS,
)
