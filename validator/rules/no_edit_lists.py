"""An MP4/MOV file must have no edit lists (no ``edts`` box in any track).

Edit lists shift or cut a track's timeline at playback; some platforms'
ingest ignores them and plays the audio out of sync. FFmpeg writes one
whenever a track starts late or encoder delay has to be hidden (AAC audio,
H.264 with B-frames). Files that are not MP4/MOV are not judged.
"""

from __future__ import annotations

from collections.abc import Iterator

from validator.records.facts import MediaFacts
from validator.rules.base import NoOptions, Rule, Violation, docstring


def check(facts: MediaFacts, options: NoOptions) -> Iterator[Violation]:
    if facts.edit_lists:
        yield Violation("a track has an edit list (edts)", actual=True, limit=False)


RULE = Rule(
    id="no-edit-lists",
    code=None,
    severity="error",
    summary="no track of the MP4 has an edit list",
    hint="Remux without edit lists: "
    "`ffmpeg -i in.mp4 -c copy -use_editlist 0 -movflags +faststart out.mp4`.",
    doc=docstring(__doc__),
    check=check,
)
