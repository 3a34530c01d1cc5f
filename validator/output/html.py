"""``--format html``: one self-contained report file for a big scan, readable offline.

The page shows the summary by API code first, then the library plotted against
the profile's limits (duration, frame rate, size, codecs, failures per folder),
then a table of every file that can be sorted and filtered by code. Styles,
script and charts (inline SVG, :mod:`validator.output.plots`) are inside the
file; nothing is fetched. The table's rows are JSON data that the page's script
renders a page at a time (so 10,000 files load as fast as 100); they are written
to a temporary file as reports arrive, and only a few numbers per file are kept
for the charts, so memory stays small however many files there are. Names and
messages are escaped for the HTML (and the JSON in it) and shown as text.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from collections.abc import Iterator
from functools import cache
from importlib.resources import files
from typing import IO, Any

from jinja2 import Environment, Template, select_autoescape
from markupsafe import Markup

from validator._version import __version__
from validator.output.base import Formatter
from validator.output.locations import display_path
from validator.output.plots import Limit, bar_chart, histogram
from validator.output.text import summary_lines
from validator.records.codes import API_CODES, SUMMARY_PHRASES
from validator.records.facts import MediaFacts
from validator.records.findings import Finding, Report, Summary

MB = 1_000_000
FOLDERS_SHOWN = 15
CODECS_SHOWN = 12
_CHUNK = 1 << 16


@cache
def page_template() -> Template:
    """The report page (``templates/report.html.j2``), escaping everything it is given."""
    folder = files("validator.output") / "templates"
    environment = Environment(autoescape=select_autoescape(default=True), trim_blocks=True,
                              lstrip_blocks=True)
    source = (folder / "report.html.j2").read_text(encoding="utf-8")
    environment.globals["style"] = Markup((folder / "report.css").read_text(encoding="utf-8"))
    environment.globals["script"] = Markup((folder / "report.js").read_text(encoding="utf-8"))
    return environment.from_string(source)


class Limits:
    """The limits the profile sets for the charts (None where a rule is off)."""

    def __init__(self, options: dict[str, Any]) -> None:
        def get(rule: str, option: str) -> Any:
            return getattr(options[rule], option, None) if rule in options else None

        self.duration_s: float | None = get("max-duration", "max_seconds")
        self.fps: float | None = get("max-frame-rate", "max_fps")
        self.size_bytes: int | None = get("max-size", "max_bytes")
        allowed = get("video-codec", "allowed")
        self.codecs: frozenset[str] | None = (
            frozenset(codec.lower() for codec in allowed) if allowed is not None else None)


class LibraryStats:
    """The few numbers per file the charts need, and failures per folder."""

    def __init__(self) -> None:
        self.durations: list[float] = []
        self.frame_rates: list[float] = []
        self.sizes_mb: list[float] = []
        self.codecs: Counter[str] = Counter()
        self.folder_files: Counter[str] = Counter()
        self.folder_failures: Counter[str] = Counter()

    def add(self, report: Report, path: str) -> None:
        folder = os.path.dirname(path) or "."
        self.folder_files[folder] += 1
        if not report.ok:
            self.folder_failures[folder] += 1
        if report.media is not None and report.media.readable:
            self._add_facts(report.media)

    def _add_facts(self, media: MediaFacts) -> None:
        if media.duration_s is not None:
            self.durations.append(media.duration_s)
        if media.size_bytes is not None:
            self.sizes_mb.append(media.size_bytes / MB)
        video = media.main_video
        fps = video and (video.avg_fps or video.declared_fps)
        if fps:
            self.frame_rates.append(fps)
        self.codecs[(video.codec or "unknown") if video else "no video"] += 1

    def plots(self, limits: Limits) -> list[Markup]:
        return [
            histogram("Duration", self.durations, "seconds", _limit(limits.duration_s, "s")),
            histogram("Frame rate", self.frame_rates, "frames per second",
                      _limit(limits.fps, "fps")),
            histogram("Size", self.sizes_mb, "MB",
                      _limit(limits.size_bytes / MB if limits.size_bytes else None, "MB")),
            self._codec_chart(limits),
            self._folder_chart(),
        ]

    def _codec_chart(self, limits: Limits) -> Markup:
        allowed = limits.codecs
        rows = [(codec, count, allowed is not None and codec not in allowed)
                for codec, count in self.codecs.most_common(CODECS_SHOWN)]
        note = ("allowed: " + ", ".join(sorted(allowed))) if allowed is not None else ""
        return bar_chart("Video codec", rows, note)

    def _folder_chart(self) -> Markup:
        rows = [(folder, count, True)
                for folder, count in self.folder_failures.most_common(FOLDERS_SHOWN)]
        folders = len(self.folder_files)
        return bar_chart("Failing files per folder", rows,
                         f"{len(self.folder_failures):,} of {folders:,} folders have failures")


def _limit(value: float | None, unit: str) -> Limit | None:
    return Limit(value, f"limit {value:g} {unit}") if value else None


def _finding_text(finding: Finding) -> str:
    prefix = f"{finding.code} " if finding.code is not None else f"{finding.rule}: "
    severity = "" if finding.severity == "error" else "warning: "
    return severity + prefix + finding.message


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def script_json(data: Any) -> str:
    """JSON that can sit inside a ``<script>`` element: no ``<``, ``>`` or ``&`` in it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


class Hints:
    """Each distinct fix text once, rows naming it by number (most rows share a few)."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}

    def number(self, hint: str) -> int:
        return self.numbers.setdefault(hint, len(self.numbers))


def table_row(report: Report, path: str, hints: Hints) -> list[Any]:
    """One row of the table's data: path, verdict, codes, duration, fps, size (MB), codec,
    messages, fix texts (by number)."""
    verdict = "fail" if not report.ok else ("warn" if report.warnings else "pass")
    media = report.media
    video = media.main_video if media is not None else None
    size = media.size_bytes if media is not None else None
    return [
        path, verdict, report.codes,
        _rounded(media.duration_s if media else None, 3),
        _rounded(video and (video.avg_fps or video.declared_fps), 3),
        _rounded(size / MB if size is not None else None, 3),
        (video.codec or "") if video else "",
        [_finding_text(finding) for finding in report.findings],
        [hints.number(hint) for hint in dict.fromkeys(f.hint for f in report.findings if f.hint)],
    ]


class HtmlFormatter(Formatter):
    """Rows to a temporary file as reports arrive; the page written at the end."""

    def begin(self, profile_name: str) -> None:
        self.profile_name = profile_name
        self.stats = LibraryStats()
        self.hints = Hints()
        self.rows: IO[str] = tempfile.TemporaryFile(  # noqa: SIM115 (closed in end)
            "w+", encoding="utf-8")

    def report(self, report: Report) -> None:
        path = display_path(report.path)
        self.stats.add(report, path)
        self.rows.write(("," if self.rows.tell() else "")
                        + script_json(table_row(report, path, self.hints)) + "\n")

    def end(self, summary: Summary) -> None:
        options = {active.rule.id: active.options
                   for active in (self.profile.rules if self.profile else ())}
        page = page_template().generate(
            title=f"media-preflight report ({self.profile_name})", version=__version__,
            profile=self.profile_name, head=summary_lines(summary)[0],
            codes=code_lines(summary), plots=self.stats.plots(Limits(options)),
            files=summary.files, rows=self._stored_rows(),
            hints=Markup(script_json(list(self.hints.numbers))))
        self.stream.writelines(page)
        self.stream.flush()

    def _stored_rows(self) -> Iterator[Markup]:
        self.rows.seek(0)
        with self.rows:
            while chunk := self.rows.read(_CHUNK):
                yield Markup(chunk)


def code_lines(summary: Summary) -> list[dict[str, Any]]:
    """The summary by code: '120 files too long (1204)', with the API's own words."""
    return [{"code": code, "count": count,
             "phrase": SUMMARY_PHRASES.get(code, "failing"),
             "api": API_CODES.get(code, "rejected")}
            for code, count in sorted(summary.by_code.items(),
                                      key=lambda item: (-item[1], item[0]))]
