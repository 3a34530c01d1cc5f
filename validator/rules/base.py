"""What a rule is: an id, an API code, a default severity, typed options and pure functions.

A rule's ``check`` yields :class:`Violation` values from facts and options and
never touches the file. Its optional ``doubt`` says why a reading could sit on
the other side of a limit for FFmpeg's prober (the API's), so the pipeline can
ask ``ffprobe`` or a second backend before it trusts the verdict.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

from validator.records.facts import MediaFacts, VideoStream
from validator.records.findings import Severity, Value

RuleOptions = Any
"""A rule's options: a NamedTuple whose fields all have defaults. Its constraints (pydantic
``Field`` arguments, such as ``gt=0``) are the rule's ``constraints``; pydantic checks them,
and rejects unknown keys, when a profile is validated (:mod:`validator.profiles.schema`)."""


class NoOptions(NamedTuple):
    """For rules that take no options."""


class Violation(NamedTuple):
    """What a check found; the engine turns it into a Finding with the rule's settings.

    ``advisory`` violations are always warnings: they say a limit could not be
    checked, rather than that it was broken.
    """

    message: str
    actual: Value = None
    limit: Value = None
    advisory: bool = False
    hint: str | None = None


class Doubt(NamedTuple):
    """Why a verdict may differ under the API's FFmpeg.

    ``ffprobe_only``: a second embedded reading that agrees does not settle it
    (the quirk is FFmpeg-version specific), only ffprobe does.
    ``ffmpeg_agrees``: every FFmpeg release from 5.1 to 8.x reads such a file
    alike (a value near a limit, a file FFmpeg cannot open), so the doubt is only
    about a reading made by another prober (MediaInfo), not FFmpeg's own.
    """

    reason: str
    ffprobe_only: bool = False
    ffmpeg_agrees: bool = False


Check = Callable[[MediaFacts, Any], Iterator[Violation]]
DoubtCheck = Callable[[MediaFacts, Any], "str | Doubt | None"]
Describe = Callable[[MediaFacts], str]


class Rule(NamedTuple):
    """One rule: metadata for ``explain`` and the README, and its functions.

    ``options`` is the NamedTuple of the rule's options and ``constraints`` maps
    an option to pydantic ``Field`` arguments (``{"max_seconds": {"gt": 0}}``).
    ``inputs`` names the API inputs the rule judges: ``video`` (the video or
    ``url`` field) and/or ``audio`` (a lipsync pair's ``audio_url``). An
    ``always`` rule runs under every profile, as an error.
    """

    id: str
    code: int | None
    severity: Severity
    summary: str
    hint: str
    doc: str
    check: Check
    options: type[Any] = NoOptions
    constraints: dict[str, dict[str, Any]] = {}
    doubt: DoubtCheck | None = None
    describe: Describe | None = None
    applies_to_unreadable: bool = False
    inputs: tuple[str, ...] = ("video",)
    always: bool = False

    def run(self, facts: MediaFacts, options: RuleOptions) -> Iterator[Violation]:
        """The rule's violations (none for unreadable files, unless it is about them)."""
        if facts.readable or self.applies_to_unreadable:
            yield from self.check(facts, options)

    def doubt_about(self, facts: MediaFacts, options: RuleOptions) -> Doubt | None:
        """Why this verdict might differ under FFmpeg's prober, or None."""
        if self.doubt is None or not (facts.readable or self.applies_to_unreadable):
            return None
        found = self.doubt(facts, options)
        return Doubt(found) if isinstance(found, str) else found


def near(value: float, limit: float, relative: float, absolute: float = 0.0) -> bool:
    """True when ``value`` lies within a small margin of ``limit``, either side."""
    return abs(value - limit) <= max(limit * relative, absolute)


def fmt_number(value: float, digits: int = 3) -> str:
    """A number without trailing zeros: 60 → '60', 60.058 → '60.058'."""
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return text or "0"


def against_bound(value: float | None, limit: float, unit: Callable[[float], str], what: str,
                  most: bool, unknown_hint: str | None = None,
                  digits: int = 6) -> Iterator[Violation]:
    """A reading against a maximum (``most``) or a minimum: unknown gives an advisory
    warning; past the bound gives ``'61 s > 60 s'``; equal to it passes."""
    if value is None:
        yield Violation(f"{what} unknown: cannot check the {unit(limit)} "
                        f"{'limit' if most else 'minimum'}",
                        limit=limit, advisory=True, hint=unknown_hint)
    elif value > limit if most else value < limit:
        yield Violation(f"{unit(value)} {'>' if most else '<'} {unit(limit)}",
                        actual=round(value, digits), limit=limit)


def duration_doubt(facts: MediaFacts, limit: float) -> Doubt | None:
    """Why a container duration may sit on the other side of ``limit`` for FFmpeg, or None.

    No duration: every release reads none, and the content's span judges where it is
    known. Near the limit: every FFmpeg release reads the same value, so only another
    prober's reading is in doubt."""
    if facts.duration_s is None:
        return Doubt("no container duration") if facts.content_span_s is None else None
    if near(facts.duration_s, limit, relative=0.02, absolute=1.0):
        return Doubt(f"{seconds(facts.duration_s)} is within a second of the limit",
                     ffmpeg_agrees=True)
    return None


def seconds(value: float) -> str:
    """A duration for messages: 60.0 → '60 s'."""
    return f"{fmt_number(value)} s"


def fps(value: float) -> str:
    """A frame rate for messages: 29.97 → '29.97 fps'."""
    return f"{fmt_number(value)} fps"


def shown_size(stream: VideoStream) -> str:
    """'1080×1920 as displayed (1920×1080 rotated 90°)'."""
    size = stream.displayed_size
    if size is None:
        return "picture of unknown size"
    shown = f"{size[0]}×{size[1]}"
    if (stream.width, stream.height) != size:
        shown += f" as displayed ({stream.width}×{stream.height} rotated " \
                 f"{fmt_number(abs(stream.rotation or 0))}°)"
    return shown


def one_of(names: list[str] | tuple[str, ...]) -> str:
    """'H.264, HEVC or AV1'."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def docstring(text: str | None) -> str:
    """A module docstring, dedented, for ``explain``."""
    import inspect

    return inspect.cleandoc(text or "")
