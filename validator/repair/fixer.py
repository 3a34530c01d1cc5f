"""``fix``: one FFmpeg command that turns a rejected video into one that passes.

The input's report is planned (:mod:`~validator.repair.plan`), the plan
becomes a command (:mod:`~validator.repair.command`), FFmpeg runs into a
hidden file that is measured, corrected once if need be and published
(:mod:`~validator.repair.encode`); the output is then validated with the same
profile and ``FixResult.remaining`` lists what still fails.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

from pydantic import BaseModel

from validator.profiles.profile import DEFAULT_PROFILE, Profile
from validator.records.findings import Finding, Report
from validator.repair.command import build_command, ffmpeg_binary
from validator.repair.encode import Progress, encode, publish, temporary_beside
from validator.repair.errors import FixError
from validator.repair.plan import FixPlan, plan_fix


class FixResult(BaseModel):
    """What ``fix`` did: the command, whether it ran, and a report.

    ``report`` is the output's report when FFmpeg ran, else the input's;
    ``remaining`` lists the error findings still standing (for a dry run: the
    input's, which the command would fix). ``ok`` is true only when the output
    passes, or when the input passed already and nothing was written.
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

    @property
    def shell_command(self) -> str:
        """The command, quoted for a POSIX shell."""
        return shlex.join(self.command)


def default_output(path: str | os.PathLike[str]) -> Path:
    """``<stem>.fixed.mp4`` beside the input."""
    source = Path(path)
    return source.with_name(f"{source.stem}.fixed.mp4")


def check_paths(source: Path, output: Path, force: bool) -> None:
    """Refuse to start when the input is missing or the output would clobber something."""
    if not source.is_file():
        reason = "is a directory" if source.is_dir() else "no such file"
        raise FixError(f"{source}: {reason}")
    if output.exists() and output.resolve() == source.resolve():
        raise FixError(f"{output}: the output would overwrite the input")
    if os.path.abspath(output) == os.path.abspath(source):
        raise FixError(f"{output}: the output would overwrite the input")
    if output.exists() and not force:
        raise FixError(f"{output}: already exists (use --force to overwrite it)")
    if output.is_dir():
        raise FixError(f"{output}: is a directory")
    if not output.parent.is_dir():
        raise FixError(f"{output.parent}: no such folder")


def fix(path: str | os.PathLike[str], out: str | os.PathLike[str] | None = None,
        profile: str | os.PathLike[str] | Profile = DEFAULT_PROFILE, probe: str = "auto",
        dry_run: bool = False, force: bool = False,
        progress: Progress | None = None) -> FixResult:
    """Write a copy of ``path`` that the API accepts (default ``<stem>.fixed.mp4``).

    The input is never modified. With ``dry_run`` nothing runs and nothing is
    written; ``result.command`` is what would run. Raises :class:`FixError` when
    the fix cannot start, :class:`FfmpegFailed` when FFmpeg fails.
    """
    from validator.api import resolve_profile, validate

    source = Path(path)
    output = Path(out) if out is not None else default_output(source)
    check_paths(source, output, force)
    resolved = resolve_profile(profile if isinstance(profile, Profile) else os.fspath(profile))
    report = validate(source, resolved, probe)
    plan = plan_fix(report, resolved)
    result = FixResult(input=str(source), output=str(output), command=[], ran=False,
                       report=report, ok=not plan.unfixable, remaining=plan.unfixable, plan=plan)
    if not plan.needed:
        return result
    binary = _binary_for(dry_run)
    command = build_command(plan, source, output, binary, overwrite=force)
    if dry_run:
        return result.model_copy(update={"command": command, "ok": False,
                                         "remaining": report.errors})
    with temporary_beside(output) as temp:
        final, measured, attempts = encode(plan, source, temp, binary, progress)
        publish(temp, output, force)
    checked = validate(output, resolved, probe)
    return result.model_copy(update={
        "command": build_command(final, source, output, binary, overwrite=force), "plan": final,
        "ran": True, "report": checked, "ok": checked.ok, "remaining": checked.errors,
        "measured_duration_s": measured, "attempts": attempts})


def _binary_for(dry_run: bool) -> str:
    """The FFmpeg binary; a dry run without one still shows the command, as plain ``ffmpeg``."""
    try:
        return ffmpeg_binary()
    except FixError:
        if dry_run:
            return "ffmpeg"
        raise
