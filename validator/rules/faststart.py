"""An MP4/MOV file's index (``moov`` box) must come before its media data (``mdat``).

With the index at the front ("faststart") a player, or a platform's ingest,
can start before the whole file has arrived. Read from the top-level box
order; files that are not MP4/MOV are not judged.
"""

from __future__ import annotations

from collections.abc import Iterator

from validator.records.facts import MediaFacts
from validator.rules.base import NoOptions, Rule, Violation, docstring


def check(facts: MediaFacts, options: NoOptions) -> Iterator[Violation]:
    if facts.moov_first is False:
        yield Violation("the moov index comes after the media data (not faststart)",
                        actual="mdat before moov", limit="moov before mdat")


RULE = Rule(
    id="faststart",
    code=None,
    severity="error",
    summary="the MP4 index (moov) comes before the media data (mdat)",
    hint="Move the index to the front, without re-encoding: "
    "`ffmpeg -i in.mp4 -c copy -movflags +faststart out.mp4`.",
    doc=docstring(__doc__),
    check=check,
)
