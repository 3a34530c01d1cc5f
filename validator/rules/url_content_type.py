"""The URL must serve media, not a web page (no code).

A Content-Type that is clearly not media (text/html, text/*, JSON, XML, PDF)
usually means a link to a page *about* the file (a share or preview page, a
login page) rather than to the file itself. Types the server does not know
(application/octet-stream) are fine.
"""

from __future__ import annotations

from collections.abc import Iterator

from validator.records.facts import MediaFacts
from validator.rules.base import NoOptions, Rule, Violation, docstring
from validator.rules.url import URL_INPUTS, media_type, not_media


def check(facts: MediaFacts, options: NoOptions) -> Iterator[Violation]:
    remote = facts.remote
    if remote is None or remote.failure is not None or not not_media(remote.content_type):
        return
    kind = media_type(remote.content_type)
    page = " (a web page)" if kind in ("text/html", "application/xhtml+xml") else ""
    yield Violation(f"the server sends {kind}{page}, not media: is this a link to a page "
                    "about the file rather than to the file itself?", actual=kind)


RULE = Rule(
    id="url-content-type",
    code=None,
    severity="error",
    summary="the URL serves media, not a web page",
    hint="Link to the file itself (a direct-download or pre-signed URL), not to a page.",
    doc=docstring(__doc__),
    check=check,
    applies_to_unreadable=True,
    inputs=URL_INPUTS,
)
