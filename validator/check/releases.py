"""What other FFmpeg releases would read of a file, and the rules whose verdict that changes.

The API's server measures with an FFmpeg release nobody outside knows, and
releases read some files differently (see :class:`~validator.records.facts.MediaFacts`):

- an MP4/MOV whose movie header and tracks disagree: FFmpeg 5.x reports the
  movie header's duration, 6.0 and newer the tracks' (commit 836b8001, trac #9775);
- a stream with no declared rate whose rate changes in its first seconds:
  FFmpeg 5.x estimates the average from more of the start than 6.0 and newer;
- DV: FFmpeg 5.x gives the declared rate as the average rate.

From one in-process reading (FFmpeg 6.0 or newer, in PyAV) this module makes
the other releases' readings, so the arbitration can tell a verdict that
holds for every release from one that depends on the release.
"""

from __future__ import annotations

from typing import NamedTuple

from validator.check.engine import fails
from validator.profiles.profile import ActiveRule, Profile
from validator.records.facts import MediaFacts
from validator.records.findings import Finding

NEWER = "FFmpeg 6.0 and newer"
OLDER = "FFmpeg 5.x and older"


class Reading(NamedTuple):
    """The facts as the named releases read them."""

    releases: str
    facts: MediaFacts


def readings(facts: MediaFacts) -> list[Reading]:
    """The in-process reading and every release's that differs from it; [] when all agree."""
    others = [reading for reading in (_movie_header(facts), _early_rate(facts), _dv_rate(facts))
              if reading is not None]
    return [Reading(NEWER, facts), *others] if others else []


def _movie_header(facts: MediaFacts) -> Reading | None:
    header, tracks = facts.header_duration_s, facts.duration_s
    if header is None or tracks is None or abs(header - tracks) < 0.001:
        return None
    return Reading(f"{OLDER} (the movie header)", facts._replace(duration_s=header))


def _early_rate(facts: MediaFacts) -> Reading | None:
    main = facts.main_video
    if main is None or main.window_fps is None:
        return None
    video = tuple(v._replace(avg_fps=main.window_fps) if v is main else v for v in facts.video)
    return Reading(f"{OLDER} (estimating the rate from more of the start)",
                   facts._replace(video=video))


def _dv_rate(facts: MediaFacts) -> Reading | None:
    """DV: FFmpeg 5.x gives the declared rate as the average, 6.0 and newer a rate from the
    frames' timestamps (60,000 fps for some camcorder files)."""
    main = facts.main_video
    if facts.container != "dv" or main is None or main.declared_fps is None \
            or main.avg_fps == main.declared_fps:
        return None
    video = tuple(v._replace(avg_fps=main.declared_fps) if v is main else v
                  for v in facts.video)
    return Reading(f"{OLDER} (DV: the declared rate)", facts._replace(video=video))


def split_rules(profile: Profile, found: list[Reading]) -> list[ActiveRule]:
    """The rules that pass for some readings and fail for others."""
    if not found:
        return []
    return [active for active in profile.takes(found[0].facts)
            if len({fails(active, reading.facts) for reading in found}) > 1]


def verdict_text(active: ActiveRule, facts: MediaFacts) -> str:
    """What a reading says for one rule: ``65 s (fails: 1204)`` or ``50 s (passes)``."""
    describe = active.rule.describe
    reading = describe(facts).removeprefix("reads ") if describe is not None else "its reading"
    code = f"fails: {active.code}" if active.code else "fails"
    return f"{reading} ({code if fails(active, facts) else 'passes'})"


def depends_on_release(active: ActiveRule, found: list[Reading]) -> Finding:
    """The warning for a rule whose verdict depends on the release (no reference ffprobe)."""
    said = "; ".join(f"{r.releases}: {verdict_text(active, r.facts)}" for r in found)
    return _warning(active, f"uncertain: the verdict depends on the API's FFmpeg release: "
                            f"{said}", "Name the API's release with --reference-ffprobe, "
                                        "or keep clear of the limit.")


def reference_differs(active: ActiveRule, reference: MediaFacts,
                      others: list[Reading]) -> Finding:
    """The warning for a rule on which other releases disagree with the reference ffprobe."""
    said = "; ".join(f"{r.releases}: {verdict_text(active, r.facts)}" for r in others)
    return _warning(active, f"uncertain: the reference {reference.source.split(' (')[0]}: "
                            f"{verdict_text(active, reference)}, which decides; {said}",
                    "If the API runs another FFmpeg release, keep clear of the limit.")


def _warning(active: ActiveRule, message: str, hint: str) -> Finding:
    return Finding(rule=active.rule.id, code=active.code, severity="warning",
                   message=message, hint=hint)
