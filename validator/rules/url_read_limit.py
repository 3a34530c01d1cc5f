"""The media must be readable within the limits of one URL (no code).

The media is read through HTTP range requests, only what FFmpeg asks for (an
MP4 index at the end of the file included), up to ``max_bytes`` bytes and
``max_seconds`` seconds per URL: one wall-clock limit across every request,
headers included, so a server that drips its answer slowly is cut off there.
A server that ignores Range sends the file
from its start: reading stops at the byte limit instead of downloading it
all, and when FFmpeg needed more the file could not be checked (an error:
nothing is passed unchecked; a warning when what was read was enough).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from validator.records.facts import MediaFacts
from validator.rules.base import Rule, Violation, docstring
from validator.rules.url import URL_INPUTS


class Options(NamedTuple):
    max_bytes: int = 16 * 1024 * 1024
    max_seconds: float = 20.0


def check(facts: MediaFacts, options: Options) -> Iterator[Violation]:
    remote = facts.remote
    if remote is None or remote.failure != "budget":
        return
    if facts.readable:
        yield Violation(f"{remote.detail}; the facts come from what was read", advisory=True)
    else:
        yield Violation(f"not checked: {remote.detail}", limit=options.max_bytes)


RULE = Rule(
    id="url-read-limit",
    code=None,
    severity="error",
    summary="a URL's media is readable within the byte and time limits",
    hint="Serve it with range requests (any object store or CDN does), move the MP4 index to "
    "the front: `ffmpeg -i in.mp4 -c copy -movflags +faststart out.mp4`, or check a "
    "downloaded copy.",
    doc=docstring(__doc__),
    check=check,
    options=Options,
    constraints={"max_bytes": {"gt": 0}, "max_seconds": {"gt": 0}},
    applies_to_unreadable=True,
    inputs=URL_INPUTS,
)
