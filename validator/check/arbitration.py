"""One file through the pipeline: probe → facts → rules → findings → report.

``auto`` reads every file with FFmpeg's libraries in-process (PyAV). Only
when a rule doubts that reading (a value near its limit, a value missing, a
known FFmpeg-version quirk) is a second opinion asked: ``ffprobe``, the API's
own prober, whose reading then decides; or, without ffprobe, MediaInfo, and
where the two sit on different sides of a limit the file gets a warning that
says so. A verdict is never silently taken from an uncertain reading. A second
opinion that blows up (a hang, a crash, the memory bound) settles nothing: the
first reading stands, with its doubts.

An audio file (by its extension) under a profile with rules for the lipsync
audio input (``akool-lipsync``) is judged as that input, not as a video.
"""

from __future__ import annotations

from typing import Protocol

from validator.check import releases
from validator.check.engine import doubts, evaluate, fails
from validator.probe import available, get_backend, read_named
from validator.profiles.profile import ActiveRule, Profile
from validator.records.extensions import is_audio_name
from validator.records.facts import MediaFacts
from validator.records.findings import Finding, Report
from validator.records.redact import is_url
from validator.rules import Doubt

AUTO = "auto"
_BLOWN_UP = ("timeout", "crash")
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

    An ``http(s)://`` URL is read as the API fetches it (:mod:`validator.check.remote`),
    whatever the probe choice.
    """
    if is_url(path):
        from validator.check.remote import read_url

        return _judged(read_url(path, profile), profile)
    if is_audio_name(path) and takes_audio(profile):
        from validator.check.pairs import audio_profile

        profile = audio_profile(profile)
    if probe == AUTO:
        return _auto(path, profile, probes)
    backend = get_backend(probe).name
    return _judged(probes.read(path, backend), profile, releases_of=backend == "libav")


def _judged(facts: MediaFacts, profile: Profile, releases_of: bool = False) -> Report:
    """One reading judged alone: its findings, a warning for each rule on which FFmpeg
    releases disagree (``releases_of``: an in-process FFmpeg reading), and its doubts."""
    found = releases.readings(facts) if releases_of else []
    split = releases.split_rules(profile, found)
    findings = _release_findings(profile, facts, found, split)
    split_ids = {active.rule.id for active in split}
    in_doubt = [(a, d) for a, d in doubts(profile, facts) if a.rule.id not in split_ids
                and not (d.ffmpeg_agrees and releases_of)]
    return _report(facts, findings + _unresolved(in_doubt, facts, findings))


def _release_findings(profile: Profile, facts: MediaFacts, found: list[releases.Reading],
                      split: list[ActiveRule]) -> list[Finding]:
    """The findings of a reading, where the rules on which releases disagree give a warning
    that names each release's reading instead of their verdict."""
    split_ids = {active.rule.id for active in split}
    return ([f for f in evaluate(profile, facts) if f.rule not in split_ids]
            + [releases.depends_on_release(active, found) for active in split])


def takes_audio(profile: Profile) -> bool:
    """Whether the profile has rules for a lipsync audio input (and none of them for video)."""
    return profile.judges == "video" and any(
        active.rule.inputs == ("audio",) for active in profile.rules)


def _report(facts: MediaFacts, findings: list[Finding]) -> Report:
    return Report.from_findings(facts.path, findings, facts)


def _auto(path: str, profile: Profile, probes: Probes) -> Report:
    primary = "libav" if probes.available("libav") else "mediainfo"
    facts = probes.read(path, primary)
    found = releases.readings(facts) if primary == "libav" else []
    split = releases.split_rules(profile, found)
    in_doubt = [(active, doubt) for active, doubt in doubts(profile, facts)
                if not (doubt.ffmpeg_agrees and primary == "libav")]
    if (not in_doubt and not split) or facts.problem_kind in ("io", "lfs-pointer"):
        return _report(facts, evaluate(profile, facts))
    silent_reference: list[Finding] = []
    if probes.available("ffprobe"):
        truth = probes.read(path, "ffprobe")
        if truth.problem_kind not in ("io", *_BLOWN_UP):
            in_process = [releases.Reading(_in_process(facts), facts)] \
                if primary == "libav" else []
            others = found or in_process
            return _report(truth, evaluate(profile, truth)
                           + _against_reference(profile, truth, others))
        silent_reference = [_no_reference_reading(truth)]
    return _report(facts, _without_reference(facts, profile, probes, primary, found, split,
                                             in_doubt) + silent_reference)


def _no_reference_reading(truth: MediaFacts) -> Finding:
    """A warning that the reference ffprobe was asked and gave no reading (it hung, crashed,
    or could not read the file), so the verdict stands on the first reading."""
    return Finding(rule="file-access", code=None, severity="warning",
                   message=f"the reference ffprobe gave no reading ({truth.problem}): the "
                           "verdict stands on the first reading and its doubts",
                   hint="Raise `--timeout`, or check the file with ffprobe by hand.")


def _without_reference(facts: MediaFacts, profile: Profile, probes: Probes, primary: str,
                       found: list[releases.Reading], split: list[ActiveRule],
                       in_doubt: list[tuple[ActiveRule, Doubt]]) -> list[Finding]:
    """Errors every release agrees on, a warning for each rule the release decides, and
    the doubts settled by a second reading where one can settle them."""
    split_ids = {active.rule.id for active in split}
    findings = _release_findings(profile, facts, found, split)
    in_doubt = [(a, d) for a, d in in_doubt if a.rule.id not in split_ids]
    if not in_doubt:
        return findings
    if primary != "libav":
        return findings + _unresolved(in_doubt, facts, findings)
    other = probes.read(facts.path, "mediainfo")
    if _blew_up(other, facts):
        return findings + _unresolved(in_doubt, facts, findings)
    settled = [(a, d) for a, d in in_doubt if not d.ffprobe_only]
    open_doubts = [(a, d) for a, d in in_doubt if d.ffprobe_only]
    return (findings + _disagreements(settled, facts, other)
            + _unresolved(open_doubts, facts, findings))


def _in_process(facts: MediaFacts) -> str:
    """The release of the in-process reading, e.g. ``FFmpeg in-process (libavformat 62.12)``."""
    version = facts.source.partition("libavformat ")[2].split(",")[0]
    return f"FFmpeg in-process (libavformat {'.'.join(version.split('.')[:2])})" \
        if version else label(facts)


def _against_reference(profile: Profile, reference: MediaFacts,
                       found: list[releases.Reading]) -> list[Finding]:
    """A warning for each rule on which another release's reading disagrees with the
    reference ffprobe's (which decides)."""
    if not reference.readable:
        return []
    warnings = []
    for active in profile.takes(reference):
        verdict = fails(active, reference)
        others = [r for r in found if fails(active, r.facts) != verdict]
        if others:
            warnings.append(releases.reference_differs(active, reference, others))
    return warnings


def _blew_up(other: MediaFacts, first: MediaFacts) -> bool:
    """Whether a second opinion failed (it hung, crashed or ran out of memory, or lost every
    stream the first reading found), so that it neither confirms nor overturns the first."""
    if other.problem_kind in _BLOWN_UP:
        return True
    found_streams = bool(first.video or first.audio)
    return other.readable and found_streams and not (other.video or other.audio)


def _disagreements(in_doubt: list[tuple[ActiveRule, Doubt]], facts: MediaFacts,
                   other: MediaFacts) -> list[Finding]:
    """A warning for each doubted rule on which two readings give different verdicts."""
    warnings = []
    for active, doubt in in_doubt:
        if fails(active, facts) == fails(active, other):
            continue
        describe = active.rule.describe or (lambda f: "reads it differently")
        warnings.append(_uncertain(
            active,
            f"uncertain: {label(facts)} {describe(facts)}, {label(other)} {describe(other)} "
            f"({doubt.reason}); the API measures with FFmpeg — install ffprobe to confirm"))
    return warnings


def _unresolved(in_doubt: list[tuple[ActiveRule, Doubt]], facts: MediaFacts,
                findings: list[Finding]) -> list[Finding]:
    """Warnings for doubts no second reading settled (ffprobe's own reading is not doubted; a
    URL's is FFmpeg's over HTTP, with no second prober to ask)."""
    if facts.source.startswith("ffprobe"):
        return []
    remote = facts.remote is not None
    reading = "FFmpeg in-process, read over HTTP" if remote else f"{label(facts)} reading"
    confirm = "check a downloaded copy with ffprobe" if remote else "install ffprobe to confirm"
    hint = _REMOTE_HINT if remote else _HINT
    warnings = []
    for active, doubt in in_doubt:
        already_warned = any(f.rule == active.rule.id and f.severity == "warning"
                             for f in findings)
        if not already_warned:
            warnings.append(_uncertain(
                active, f"uncertain: {doubt.reason} ({reading}); "
                        f"the API's FFmpeg may judge it otherwise — {confirm}", hint))
    return warnings


_HINT = "Check with ffprobe (install FFmpeg) or keep clear of the limit."
_REMOTE_HINT = "Download it and check the file, or keep clear of the limit."


def _uncertain(active: ActiveRule, message: str, hint: str = _HINT) -> Finding:
    return Finding(rule=active.rule.id, code=active.code, severity="warning",
                   message=message, hint=hint)
