"""``fix``: one FFmpeg command that turns a rejected video into one that passes.

The input's report is planned (:mod:`~validator.repair.plan`), the plan
becomes a command (:mod:`~validator.repair.command`), FFmpeg runs into a
hidden file that is measured, corrected once if need be and published
(:mod:`~validator.repair.encode`); the output is then validated with the same
profile and ``FixResult.remaining`` lists what still fails. A :class:`Job`
is what one encode needs, so that :func:`fix` and the batch
(:mod:`~validator.repair.batch`) run files the same way.
"""

from __future__ import annotations

import os
import shlex
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from validator.api import resolve_profile, validate
from validator.profiles.profile import DEFAULT_PROFILE, Profile
from validator.records.findings import Finding, Report
from validator.repair.command import build_command, ffmpeg_binary
from validator.repair.encode import (
    Progress,
    Stopper,
    encode,
    keyframe_times,
    publish,
    temporary_beside,
)
from validator.repair.errors import FixError
from validator.repair.picture import output_suffix
from validator.repair.plan import FixOptions, FixPlan, copy_trim_candidate, plan_fix, with_copy_trim

Status = Literal["fixed", "still-fails", "passes", "cannot-fix", "not-checked", "failed",
                 "planned"]


class FixResult(BaseModel):
    """What ``fix`` did: the command, whether it ran, and a report.

    ``report`` is the output's report when FFmpeg ran, else the input's;
    ``remaining`` lists the error findings still standing (for a dry run: the
    input's, which the command would fix). ``ok`` is true only when the output
    passes, or when the input passed already and nothing was written.
    ``before`` holds the input's findings, ``seconds`` the time FFmpeg took, and
    ``error`` why FFmpeg failed (in a batch, which goes on).
    """

    input: str
    output: str
    command: list[str]
    ran: bool
    report: Report | None
    ok: bool
    remaining: list[Finding]
    plan: FixPlan | None = None
    measured_duration_s: float | None = None
    attempts: int = 0
    before: list[Finding] = []
    seconds: float = 0.0
    error: str | None = None

    @property
    def shell_command(self) -> str:
        """The command, quoted for a POSIX shell."""
        return shlex.join(self.command)

    @property
    def status(self) -> Status:
        """What became of the file, in one word (the batch summary counts these)."""
        if self.error is not None:
            return "failed"
        if self.ran:
            return "fixed" if self.ok else "still-fails"
        if self.command:
            return "planned"
        if self.report is not None and self.report.not_checked:
            return "not-checked"
        return "passes" if self.ok else "cannot-fix"


@dataclass(frozen=True)
class Job:
    """One input to encode: where from, where to, and what to do."""

    source: Path
    output: Path
    plan: FixPlan
    binary: str
    force: bool


@dataclass(frozen=True)
class Encoded:
    """What running a job gave: the plan last run, the measured duration, the runs, the time."""

    plan: FixPlan
    measured_duration_s: float | None
    attempts: int
    seconds: float


def default_output(path: str | os.PathLike[str], suffix: str = ".mp4") -> Path:
    """``<stem>.fixed.mp4`` beside the input (``.fixed.png`` or ``.jpg`` for a picture)."""
    source = Path(path)
    return source.with_name(f"{source.stem}.fixed{suffix}")


def check_source(source: Path) -> None:
    """Refuse an input that is not a file."""
    if not source.is_file():
        reason = "is a directory" if source.is_dir() else "no such file"
        raise FixError(f"{source}: {reason}")


def check_output(source: Path, output: Path, force: bool) -> None:
    """Refuse an output that would clobber the input or (without ``force``) anything else."""
    if os.path.abspath(output) == os.path.abspath(source) or (
            output.exists() and output.resolve() == source.resolve()):
        raise FixError(f"{output}: the output would overwrite the input")
    if output.exists() and not force:
        raise FixError(f"{output}: already exists (use --force to overwrite it)")
    if output.is_dir():
        raise FixError(f"{output}: is a directory")


def check_paths(source: Path, output: Path, force: bool) -> None:
    """Refuse to start when the input is missing or the output would clobber something."""
    check_source(source)
    check_output(source, output, force)
    if not output.parent.is_dir():
        raise FixError(f"{output.parent}: no such folder")


def run_job(job: Job, progress: Progress | None = None, stopper: Stopper | None = None) -> Encoded:
    """Encode one job into a hidden file beside its output, then give it the output's name."""
    started = time.monotonic()
    with temporary_beside(job.output) as temp:
        final, measured, attempts = encode(job.plan, job.source, temp, job.binary, progress,
                                           stopper)
        publish(temp, job.output, job.force)
    return Encoded(final, measured, attempts, time.monotonic() - started)


def plan_for(source: Path, report: Report, profile: Profile,
             options: FixOptions | None = None) -> FixPlan:
    """The plan for one input: :func:`plan_fix`, cut at copy speed where a keyframe allows."""
    options = options or FixOptions()
    plan = plan_fix(report, profile, options)
    if copy_trim_candidate(report, plan, options):
        assert plan.max_seconds is not None
        plan = with_copy_trim(plan, keyframe_times(source, plan.max_seconds), options)
    return plan


def planned(source: Path, output: Path, report: Report, plan: FixPlan) -> FixResult:
    """The result before anything runs: the input's report, what stands in the way."""
    return FixResult(input=str(source), output=str(output), command=[], ran=False,
                     report=report, ok=not plan.unfixable, remaining=plan.unfixable, plan=plan,
                     before=report.findings)


def finished(result: FixResult, job: Job, encoded: Encoded, checked: Report) -> FixResult:
    """The result once the output is written and checked."""
    return result.model_copy(update={
        "command": build_command(encoded.plan, job.source, job.output, job.binary,
                                 overwrite=job.force),
        "plan": encoded.plan, "ran": True, "report": checked, "ok": checked.ok,
        "remaining": checked.errors, "measured_duration_s": encoded.measured_duration_s,
        "attempts": encoded.attempts, "seconds": round(encoded.seconds, 3)})


def dry_run_result(result: FixResult, job: Job, report: Report) -> FixResult:
    """The result of a dry run: the command that would run, the findings it would fix."""
    command = build_command(job.plan, job.source, job.output, job.binary, overwrite=job.force)
    return result.model_copy(update={"command": command, "ok": False,
                                     "remaining": report.errors})


def fix(path: str | os.PathLike[str], out: str | os.PathLike[str] | None = None,
        profile: str | os.PathLike[str] | Profile = DEFAULT_PROFILE, probe: str = "auto",
        dry_run: bool = False, force: bool = False, progress: Progress | None = None,
        options: FixOptions | None = None) -> FixResult:
    """Write a copy of ``path`` that the API accepts (default ``<stem>.fixed.mp4``; for a
    picture the profile judges as an image input, ``<stem>.fixed.png`` or ``.jpg``).

    The input is never modified. With ``dry_run`` nothing runs and nothing is
    written; ``result.command`` is what would run. Raises :class:`FixError` when
    the fix cannot start, :class:`FfmpegFailed` when FFmpeg fails.
    """
    source = Path(path)
    resolved = resolve_profile(profile if isinstance(profile, Profile) else os.fspath(profile))
    output = Path(out) if out is not None else default_output(
        source, output_suffix(source, resolved))
    check_paths(source, output, force)
    report = validate(source, resolved, probe)
    plan = plan_for(source, report, resolved, options)
    result = planned(source, output, report, plan)
    if not plan.needed:
        return result
    job = Job(source, output, plan, binary_for(dry_run), force)
    if dry_run:
        return dry_run_result(result, job, report)
    encoded = run_job(job, progress)
    return finished(result, job, encoded, validate(output, resolved, probe))


def binary_for(dry_run: bool) -> str:
    """The FFmpeg binary; a dry run without one still shows the command, as plain ``ffmpeg``."""
    try:
        return ffmpeg_binary()
    except FixError:
        if dry_run:
            return "ffmpeg"
        raise
