"""Lipsync pairs: a video and its separate audio, checked as the lipsync endpoint takes them.

The lipsync endpoint takes a ``video_url`` and an ``audio_url``. The video is
checked like any other file. The audio gets its own report, under the
profile's rules for the audio input (those whose ``inputs`` include
``audio``: file access, the URL rules, ``audio-input``, ``av-duration-match``),
judged with its video's duration at hand. A pair is a lipsync job, so the
default profile (``akool``) becomes ``akool-lipsync``. A run yields each
pair's two reports in order, the video's then its audio's, so formats, the
summary and the exit status treat them like any other files.

A manifest names many pairs: a CSV file with a ``video,audio`` header, or a
JSON list of ``{"video": ..., "audio": ...}`` objects. Relative paths are
resolved against the manifest's folder; URLs are taken as they are.
"""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from validator.check.engine import evaluate
from validator.profiles.profile import DEFAULT_PROFILE, LIPSYNC_PROFILE, Profile
from validator.records.errors import UsageError
from validator.records.facts import Partner
from validator.records.findings import Report
from validator.records.redact import is_url

AUDIO_INPUT = "audio"
ProfileLike = str | Path | Profile


def pair_profile(profile: ProfileLike) -> ProfileLike:
    """A pair is a lipsync job: the default profile (akool) becomes akool-lipsync."""
    return LIPSYNC_PROFILE if profile == DEFAULT_PROFILE else profile


@dataclass(frozen=True)
class Pair:
    """A lipsync job's two inputs."""

    video: str
    audio: str


@dataclass(frozen=True)
class PairReport:
    """The reports of a lipsync pair: ``validate(video, audio=...)`` returns one."""

    video: Report
    audio: Report

    @property
    def ok(self) -> bool:
        """True when neither input has an error finding."""
        return self.video.ok and self.audio.ok

    @property
    def reports(self) -> list[Report]:
        """The video's report, then the audio's."""
        return [self.video, self.audio]


class ManifestError(UsageError):
    """A pairs manifest that cannot be used; the message names the file and the entry."""


def audio_profile(profile: Profile) -> Profile:
    """The profile's rules that judge a lipsync pair's audio input."""
    return profile._replace(name=f"{profile.name} (audio input)", judges=AUDIO_INPUT,
                            rules=tuple(a for a in profile.rules if AUDIO_INPUT in a.rule.inputs))


def with_partner(audio: Report, video: Report, profile: Profile) -> Report:
    """The audio's report judged with its video at hand (its duration, its path)."""
    if audio.media is None:
        return audio
    duration = video.media.duration_s if video.media is not None else None
    facts = audio.media._replace(partner=Partner(path=video.path, duration_s=duration))
    return Report.from_findings(audio.path, evaluate(audio_profile(profile), facts), facts)


def not_a_folder(pair: Pair) -> None:
    """Refuse a pair that names a folder (a ManifestError)."""
    for path in (pair.video, pair.audio):
        if not is_url(path) and os.path.isdir(path):
            raise ManifestError(f"{path}: is a folder; a lipsync pair names two files")


def read_manifest(path: str | os.PathLike[str]) -> list[Pair]:
    """The pairs a CSV (``video,audio`` header) or JSON (list of objects) manifest names."""
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
    return [Pair(_resolve(video, folder), _resolve(audio, folder)) for video, audio in rows]


def _resolve(entry: str, folder: str) -> str:
    if is_url(entry) or os.path.isabs(entry):
        return entry
    return os.path.join(folder, entry)


def _json_rows(name: str, text: str) -> list[tuple[str, str]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ManifestError(f"{name}: not valid JSON: {exc}") from None
    except RecursionError:
        raise ManifestError(f"{name}: not a manifest: nested too deeply") from None
    if not isinstance(data, list):
        raise ManifestError(f'{name}: expected a list of {{"video": ..., "audio": ...}} objects')
    rows = []
    for number, item in enumerate(data, start=1):
        where = f"{name}: item {number}"
        if not isinstance(item, dict):
            raise ManifestError(f'{where}: expected an object with "video" and "audio"')
        rows.append((_field(item, "video", where), _field(item, "audio", where)))
    return rows


def _csv_rows(name: str, text: str) -> list[tuple[str, str]]:
    reader = csv.reader(io.StringIO(text))
    try:
        return _read_csv(name, reader)
    except csv.Error as exc:
        raise ManifestError(f"{name}: line {reader.line_num}: not a CSV row: {exc}") from None


def _read_csv(name: str, reader: Any) -> list[tuple[str, str]]:
    header = [column.strip().lower() for column in next(reader, [])]
    if "video" not in header or "audio" not in header:
        raise ManifestError(f"{name}: line 1: expected a header with the columns video,audio")
    video_at, audio_at = header.index("video"), header.index("audio")
    rows = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        where = f"{name}: line {reader.line_num}"
        item = {"video": cells[video_at] if video_at < len(cells) else "",
                "audio": cells[audio_at] if audio_at < len(cells) else ""}
        rows.append((_field(item, "video", where), _field(item, "audio", where)))
    return rows


def _field(item: dict[str, Any], key: str, where: str) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ManifestError(f'{where}: "{key}" is missing or empty')
    return value.strip()
