"""1207 — the file must not be larger than the API's "300M" (``max_bytes``).

"300M" is ambiguous: 300 MB (300,000,000 bytes) or 300 MiB (314,572,800
bytes). The rule errs on the safe side: its default is the MB reading, and
its message states the size both ways so you can judge. For a URL the size is
the server's Content-Length: a URL over the limit fails without being
downloaded.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from validator.records.facts import MediaFacts
from validator.rules.base import Rule, Violation, docstring

_MB = 1_000_000
_MIB = 1024 * 1024


class Options(NamedTuple):
    max_bytes: int = 300_000_000


def human_size(size: int) -> str:
    """'312.4 MB (312,400,000 bytes = 297.9 MiB)'."""
    return f"{size / _MB:.1f} MB ({size:,} bytes = {size / _MIB:.1f} MiB)"


def check(facts: MediaFacts, options: Options) -> Iterator[Violation]:
    if not facts.readable and facts.problem_kind != "remote":
        return                      # a URL's size is known from its headers, before any read
    size, limit = facts.size_bytes, options.max_bytes
    if size is not None and size > limit:
        yield Violation(
            f"{human_size(size)} > {limit / _MB:g} MB ({limit:,} bytes = "
            f"{limit / _MIB:.1f} MiB); if the API's \"{limit / _MB:g}M\" means MiB the limit "
            f"is {round(limit / _MB * _MIB):,} bytes",
            actual=size, limit=limit)


def describe(facts: MediaFacts) -> str:
    return f"reads {facts.size_bytes} bytes"


RULE = Rule(
    id="max-size",
    code=1207,
    severity="error",
    summary=f"the file is at most {Options().max_bytes:,} bytes",
    hint="Re-encode at a lower bitrate, or shorten the video: "
    "`ffmpeg -i in.mp4 -c:v libx264 -crf 26 -c:a aac -b:a 128k out.mp4`.",
    doc=docstring(__doc__),
    check=check,
    options=Options,
    constraints={"max_bytes": {"gt": 0}},
    describe=describe,
    applies_to_unreadable=True,
)
