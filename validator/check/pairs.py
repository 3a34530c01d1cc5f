"""Jobs of several inputs: a video with its separate audio (lipsync) or image (character swap).

The lipsync endpoint takes a ``video_url`` and an ``audio_url``; the character
swap endpoint a video and a character image. The video is checked as the
video input, whatever the file is. The audio gets its own report, under the
profile's rules for the audio input (those whose ``inputs`` include ``audio``:
file access, the URL rules, ``audio-input``, ``av-duration-match``), judged
with its video's duration at hand; the image likewise under the rules for the
image input (``image-input``, the URL rules). A job with an audio is a lipsync
job, so the default profile (``akool``) becomes ``akool-lipsync``; one with an
image only is a character swap (``akool-character-swap``). A profile that takes
no such input is refused. A run yields each job's reports in order, the
video's, then its audio's, then its image's, so formats, the summary and the
exit status treat them like any other files.

A manifest names many jobs: a CSV file with a header naming ``video`` and
``audio`` and/or ``image``, or a JSON list of ``{"video": ..., "audio": ...,
"image": ...}`` objects. Relative paths are resolved against the manifest's
folder; URLs are taken as they are.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from validator.check.engine import evaluate
from validator.profiles.profile import (
    CHARACTER_SWAP_PROFILE,
    DEFAULT_PROFILE,
    LIPSYNC_PROFILE,
    Profile,
    shipped_profiles,
)
from validator.records.errors import UsageError
from validator.records.facts import Partner
from validator.records.findings import Report
from validator.records.redact import is_url

AUDIO_INPUT = "audio"
IMAGE_INPUT = "image"
PARTNERS = (AUDIO_INPUT, IMAGE_INPUT)
ProfileLike = str | Path | Profile


@dataclass(frozen=True)
class Pair:
    """A job's inputs: its video, and its audio (lipsync) and/or image (character swap)."""

    video: str
    audio: str | None = None
    image: str | None = None

    @property
    def partners(self) -> tuple[tuple[str, str], ...]:
        """The inputs beside the video, in report order: (kind, path)."""
        return tuple((kind, path) for kind, path in ((AUDIO_INPUT, self.audio),
                                                     (IMAGE_INPUT, self.image)) if path)

    @property
    def inputs(self) -> tuple[tuple[str, str], ...]:
        """Every input, the video's first, in report order: (kind, path)."""
        return (("video", self.video), *self.partners)

    @property
    def paths(self) -> tuple[str, ...]:
        """Every input's path, in report order."""
        return tuple(path for _, path in self.inputs)


def pair_profile(profile: ProfileLike, pairs: Iterable[Pair]) -> ProfileLike:
    """The default profile (akool) becomes the job's endpoint: akool-lipsync when a job has an
    audio, akool-character-swap when they have images only."""
    if profile != DEFAULT_PROFILE:
        return profile
    pairs = list(pairs)
    if any(pair.audio for pair in pairs) or not any(pair.image for pair in pairs):
        return LIPSYNC_PROFILE
    return CHARACTER_SWAP_PROFILE


def check_accepts(profile: Profile, pairs: Iterable[Pair]) -> None:
    """Refuse (a UsageError) a job with an input the profile's endpoint does not take."""
    given = {kind for pair in pairs for kind, _ in pair.partners}
    for kind in sorted(given):
        if not profile.accepts(kind):
            raise UsageError(f"profile {profile.name} takes no {kind} input "
                             f"(profiles that do: {', '.join(_accepting(kind))})")


def _accepting(kind: str) -> list[str]:
    from validator.profiles.profile import load_profile

    return [name for name in shipped_profiles() if load_profile(name).accepts(kind)]


@dataclass(frozen=True)
class PairReport:
    """A job's reports: ``validate(video, audio=..., image=...)`` returns one."""

    video: Report
    audio: Report | None = None
    image: Report | None = None

    @property
    def ok(self) -> bool:
        """True when no input has an error finding."""
        return all(report.ok for report in self.reports)

    @property
    def reports(self) -> list[Report]:
        """The video's report, then the audio's, then the image's."""
        return [r for r in (self.video, self.audio, self.image) if r is not None]


class ManifestError(UsageError):
    """A pairs manifest that cannot be used; the message names the file and the entry."""


def audio_profile(profile: Profile) -> Profile:
    """The profile's rules that judge a lipsync pair's audio input."""
    return profile.for_input(AUDIO_INPUT)


def with_partner(audio: Report, video: Report, profile: Profile) -> Report:
    """The audio's report judged with its video at hand (its duration, its path)."""
    if audio.media is None:
        return audio
    duration = video.media.duration_s if video.media is not None else None
    facts = audio.media._replace(partner=Partner(path=video.path, duration_s=duration))
    return Report.from_findings(audio.path, evaluate(audio_profile(profile), facts), facts)


def not_a_folder(pair: Pair) -> None:
    """Refuse a pair that names a folder (a ManifestError)."""
    for path in pair.paths:
        if not is_url(path) and os.path.isdir(path):
            raise ManifestError(f"{path}: is a folder; a job names one file per input")


def read_manifest(path: str | os.PathLike[str]) -> list[Pair]:
    """The jobs a CSV (header: ``video`` and ``audio``/``image``) or JSON (list of objects)
    manifest names."""
    name = os.fspath(path)
    try:
        with open(name, encoding="utf-8-sig") as handle:
            text = handle.read()
    except OSError as exc:
        raise ManifestError(f"{name}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ManifestError(f"{name}: not UTF-8 text") from None
    is_json = name.lower().endswith(".json") or text.lstrip().startswith("[")
    rows = _json_rows(name, text) if is_json else _csv_rows(name, text)
    if not rows:
        raise ManifestError(f"{name}: names no pairs")
    folder = os.path.dirname(name)
    return [Pair(**{key: _resolve(value, folder) for key, value in row.items()}) for row in rows]


def _resolve(entry: str, folder: str) -> str:
    if is_url(entry) or os.path.isabs(entry):
        return entry
    return os.path.join(folder, entry)


Row = dict[str, str]
_OBJECT = '{"video": ..., "audio": ...} or {"video": ..., "image": ...}'


def _json_rows(name: str, text: str) -> list[Row]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ManifestError(f"{name}: not valid JSON: {exc}") from None
    except RecursionError:
        raise ManifestError(f"{name}: not a manifest: nested too deeply") from None
    if not isinstance(data, list):
        raise ManifestError(f"{name}: expected a list of {_OBJECT} objects")
    rows = []
    for number, item in enumerate(data, start=1):
        where = f"{name}: item {number}"
        if not isinstance(item, dict):
            raise ManifestError(f"{where}: expected an object like {_OBJECT}")
        keys = [key for key in PARTNERS if key in item]
        if not keys:
            raise ManifestError(f'{where}: expected "audio" or "image" beside "video"')
        rows.append({key: _field(item, key, where) for key in ("video", *keys)})
    return rows


def _csv_rows(name: str, text: str) -> list[Row]:
    reader = csv.reader(io.StringIO(text))
    try:
        return _read_csv(name, reader)
    except csv.Error as exc:
        raise ManifestError(f"{name}: line {reader.line_num}: not a CSV row: {exc}") from None


def _read_csv(name: str, reader: Any) -> list[Row]:
    header = [column.strip().lower() for column in next(reader, [])]
    keys = ["video", *(key for key in PARTNERS if key in header)]
    if "video" not in header or len(keys) < 2:
        raise ManifestError(f"{name}: line 1: expected a header with the columns video,audio "
                            "or video,image (or video,audio,image)")
    columns = {key: header.index(key) for key in keys}
    rows = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        where = f"{name}: line {reader.line_num}"
        item = {key: cells[at] if at < len(cells) else "" for key, at in columns.items()}
        rows.append({key: _field(item, key, where) for key in keys})
    return rows


def _field(item: dict[str, Any], key: str, where: str) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ManifestError(f'{where}: "{key}" is missing or empty')
    return value.strip()
