"""What a rule is: an id, an API code, a default severity, typed options and pure functions.

A rule's ``check`` yields :class:`Violation` values from facts and options and
never touches the file. Its optional ``doubt`` says why a reading could sit on
the other side of a limit for FFmpeg's prober (the API's), so the pipeline can
ask ``ffprobe`` or a second backend before it trusts the verdict.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from typing import Any

from validator.facts import MediaFacts
from validator.findings import Severity, Value


@dataclass(frozen=True)
class RuleOptions:
    """Base of every rule's options: a frozen dataclass, every field with a default.

    Constraints sit in each field's metadata (see :func:`option`); pydantic
    checks them, and rejects unknown keys, when a profile is validated
    (:mod:`validator.schema`). Lists given for tuple fields are kept as tuples.
    """

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, list):
                object.__setattr__(self, item.name, tuple(value))


def option(default: Any, **constraints: Any) -> Any:
    """A rule option's default and its constraints (pydantic ``Field`` arguments: gt, ge,
    min_length ...)."""
    return field(default=default, metadata={"constraints": constraints})


@dataclass(frozen=True)
class NoOptions(RuleOptions):
    """For rules that take no options."""


@dataclass(frozen=True)
class Violation:
    """What a check found; the engine turns it into a Finding with the rule's settings.

    ``advisory`` violations are always warnings: they say a limit could not be
    checked, rather than that it was broken.
    """

    message: str
    actual: Value = None
    limit: Value = None
    advisory: bool = False
    hint: str | None = None


@dataclass(frozen=True)
class Doubt:
    """Why a verdict may differ under the API's FFmpeg.

    ``ffprobe_only``: a second embedded reading that agrees does not settle it
    (the quirk is FFmpeg-version specific), only ffprobe does.
    """

    reason: str
    ffprobe_only: bool = False


Check = Callable[[MediaFacts, Any], Iterator[Violation]]
DoubtCheck = Callable[[MediaFacts, Any], "str | Doubt | None"]
Describe = Callable[[MediaFacts], str]


@dataclass(frozen=True)
class Rule:
    """One rule: metadata for ``explain`` and the README, and its functions.

    ``inputs`` names the API inputs the rule judges: ``video`` (the video or
    ``url`` field) and/or ``audio`` (a lipsync pair's ``audio_url``).
    """

    id: str
    code: int | None
    severity: Severity
    summary: str
    hint: str
    doc: str
    check: Check
    options: type[RuleOptions] = NoOptions
    doubt: DoubtCheck | None = None
    describe: Describe | None = None
    applies_to_unreadable: bool = False
    inputs: tuple[str, ...] = ("video",)

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


def docstring(text: str | None) -> str:
    """A module docstring, dedented, for ``explain``."""
    import inspect

    return inspect.cleandoc(text or "")
