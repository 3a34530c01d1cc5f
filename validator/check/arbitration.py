"""One file through the pipeline: probe → facts → rules → findings → report.

``auto`` reads every file with FFmpeg's libraries in-process (PyAV). Only
when a rule doubts that reading (a value near its limit, a value missing, a
known FFmpeg-version quirk) is a second opinion asked: ``ffprobe``, the API's
own prober, whose reading then decides; or, without ffprobe, MediaInfo, and
where the two sit on different sides of a limit the file gets a warning that
says so. A verdict is never silently taken from an uncertain reading.

An audio file (by its extension) under a profile with rules for the lipsync
audio input (``akool-lipsync``) is judged as that input, not as a video.
"""

from __future__ import annotations

from typing import Protocol

from validator.check.engine import doubts, evaluate, fails, findings_of
from validator.probe import available, get_backend, read_named
from validator.profiles.profile import ActiveRule, Profile
from validator.records.extensions import is_audio_name
from validator.records.facts import MediaFacts
from validator.records.findings import Finding, Report
from validator.records.redact import is_url
from validator.rules import Doubt

AUTO = "auto"
_LABELS = {"libav": "FFmpeg (in-process)", "mediainfo": "MediaInfo", "ffprobe": "ffprobe"}


def label(facts: MediaFacts) -> str:
    """A short name for the backend that made a reading."""
    return _LABELS.get(facts.source.split(" ", 1)[0], facts.source)


class Probes(Protocol):
    """Where the backends run: here (:data:`LOCAL`), or in a worker process."""

    def read(self, path: str, backend: str) -> MediaFacts:
        """The facts of ``path`` as the backend called ``backend`` reads them."""

    def available(self, backend: str) -> bool:
        """Whether that backend can run."""


class LocalProbes:
    """The backends, run in this process."""

    def read(self, path: str, backend: str) -> MediaFacts:
        return read_named(path, backend)

    def available(self, backend: str) -> bool:
        return available(backend)


LOCAL = LocalProbes()


def inspect_file(path: str, profile: Profile, probe: str = AUTO,
                 probes: Probes = LOCAL) -> Report:
    """The report for one file under one profile and probe choice.

    An ``http(s)://`` URL is checked as the API fetches it (:mod:`validator.check.remote`).
    """
    if is_url(path):
        from validator.check.remote import inspect_url

        return inspect_url(path, profile)
    if is_audio_name(path) and takes_audio(profile):
        from validator.check.pairs import audio_profile

        profile = audio_profile(profile)
    if probe == AUTO:
        return _auto(path, profile, probes)
    facts = probes.read(path, get_backend(probe).name)
    findings = evaluate(profile, facts)
    return _report(facts, findings + _unresolved(doubts(profile, facts), facts, findings))


def takes_audio(profile: Profile) -> bool:
    """Whether the profile has rules for a lipsync audio input (and none of them for video)."""
    return profile.judges == "video" and any(
        active.rule.inputs == ("audio",) for active in profile.rules)


def _report(facts: MediaFacts, findings: list[Finding]) -> Report:
    return Report.from_findings(facts.path, findings, facts)


def _auto(path: str, profile: Profile, probes: Probes) -> Report:
    primary = "libav" if probes.available("libav") else "mediainfo"
    facts = probes.read(path, primary)
    in_doubt = doubts(profile, facts)
    if not in_doubt or facts.problem_kind in ("io", "lfs-pointer"):
        return _report(facts, evaluate(profile, facts))
    if probes.available("ffprobe"):
        truth = probes.read(path, "ffprobe")
        if truth.problem_kind != "io":
            return _report(truth, evaluate(profile, truth))
    findings = evaluate(profile, facts)
    if primary != "libav":
        return _report(facts, findings + _unresolved(in_doubt, facts, findings))
    other = probes.read(path, "mediainfo")
    settled = [(a, d) for a, d in in_doubt if not d.ffprobe_only]
    open_doubts = [(a, d) for a, d in in_doubt if d.ffprobe_only]
    return _report(facts, findings + _disagreements(settled, facts, other)
                   + _unresolved(open_doubts, facts, findings))


def _disagreements(in_doubt: list[tuple[ActiveRule, Doubt]], facts: MediaFacts,
                   other: MediaFacts) -> list[Finding]:
    """A warning for each doubted rule on which two readings give different verdicts."""
    warnings = []
    for active, doubt in in_doubt:
        if fails(findings_of(active, facts), active.rule.id) == \
                fails(findings_of(active, other), active.rule.id):
            continue
        describe = active.rule.describe or (lambda f: "reads it differently")
        warnings.append(_uncertain(
            active,
            f"uncertain: {label(facts)} {describe(facts)}, {label(other)} {describe(other)} "
            f"({doubt.reason}); the API measures with FFmpeg — install ffprobe to confirm"))
    return warnings


def _unresolved(in_doubt: list[tuple[ActiveRule, Doubt]], facts: MediaFacts,
                findings: list[Finding]) -> list[Finding]:
    """Warnings for doubts no second reading settled (ffprobe's own reading is not doubted)."""
    if facts.source.startswith("ffprobe"):
        return []
    warnings = []
    for active, doubt in in_doubt:
        already_warned = any(f.rule == active.rule.id and f.severity == "warning"
                             for f in findings)
        if not already_warned:
            warnings.append(_uncertain(
                active, f"uncertain: {doubt.reason} ({label(facts)} reading); "
                        "the API's FFmpeg may judge it otherwise — install ffprobe to confirm"))
    return warnings


def _uncertain(active: ActiveRule, message: str) -> Finding:
    return Finding(rule=active.rule.id, code=active.rule.code, severity="warning",
                   message=message,
                   hint="Check with ffprobe (install FFmpeg) or keep clear of the limit.")
