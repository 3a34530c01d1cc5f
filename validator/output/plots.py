"""Small inline SVG charts for the HTML report: histograms with a limit drawn, and bar charts.

Drawn here rather than by a JavaScript plotting library: a chart of 10,000 files is a
few kilobytes of SVG (plotly.js alone is over 3 MB), it renders with scripts off and
needs nothing from the network. Every label is XML-escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from markupsafe import Markup, escape

WIDTH, HEIGHT = 460, 200
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 22, 30
BINS = 30
BAR_ROW = 18


class Limit(NamedTuple):
    """A limit drawn on a chart: its value (in the chart's units) and its label."""

    value: float
    label: str


def _nice_ceiling(value: float) -> float:
    """The next 1, 2 or 5 × 10^n at or above ``value``."""
    if value <= 0:
        return 1.0
    magnitude = 10.0 ** len(str(int(value))) / 10
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return value  # pragma: no cover


def _label(value: float) -> str:
    return f"{value:.4g}"


def histogram(title: str, values: Sequence[float], unit: str, limit: Limit | None) -> Markup:
    """Counts of ``values`` in BINS bins from 0, the part of a bar past the limit in red, the
    limit dashed."""
    top_value = max([*values, limit.value * 1.1 if limit else 0.0, 1e-9])
    span = _nice_ceiling(top_value)
    under, over = [0] * BINS, [0] * BINS
    for value in values:
        counts = over if limit is not None and value > limit.value else under
        counts[min(BINS - 1, max(0, int(value / span * BINS)))] += 1
    return _svg(title, f"{len(values):,} files", _bars(under, over, span)
                + _x_axis(span, unit) + _limit_line(span, limit))


def _plot_x(value: float, span: float) -> float:
    return LEFT + (WIDTH - LEFT - RIGHT) * value / span


def _bars(under: list[int], over: list[int], span: float) -> str:
    tallest = max(low + high for low, high in zip(under, over, strict=True)) or 1
    width = (WIDTH - LEFT - RIGHT) / BINS
    scale = (HEIGHT - TOP - BOTTOM) / tallest
    parts = []
    for index, counts in enumerate(zip(under, over, strict=True)):
        base = float(HEIGHT - BOTTOM)
        low, high = span * index / BINS, span * (index + 1) / BINS
        for css, count in zip(("bar", "bar over"), counts, strict=True):
            if not count:
                continue
            height = max(1.0, scale * count)
            base -= height
            parts.append(
                f'<rect class="{css}" x="{LEFT + index * width:.1f}" y="{base:.1f}" '
                f'width="{width - 1:.1f}" height="{height:.1f}"><title>{_label(low)}–'
                f'{_label(high)}: {count:,}{" over the limit" if css != "bar" else ""}'
                f'</title></rect>')
    parts.append(f'<text class="tick" x="{LEFT - 4}" y="{TOP + 8}" text-anchor="end">'
                 f'{tallest:,}</text>')
    return "".join(parts)


def _x_axis(span: float, unit: str) -> str:
    base = HEIGHT - BOTTOM
    parts = [f'<line class="axis" x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}"/>']
    for step in range(6):
        value = span * step / 5
        parts.append(f'<text class="tick" x="{_plot_x(value, span):.1f}" y="{base + 14}" '
                     f'text-anchor="middle">{_label(value)}</text>')
    parts.append(f'<text class="tick" x="{WIDTH - RIGHT}" y="{HEIGHT - 2}" text-anchor="end">'
                 f'{escape(unit)}</text>')
    return "".join(parts)


def _limit_line(span: float, limit: Limit | None) -> str:
    if limit is None:
        return ""
    x = _plot_x(limit.value, span)
    return (f'<line class="limit" x1="{x:.1f}" y1="{TOP - 4}" x2="{x:.1f}" '
            f'y2="{HEIGHT - BOTTOM}"/><text class="limit-label" x="{x + 3:.1f}" y="{TOP + 4}">'
            f'{escape(limit.label)}</text>')


def bar_chart(title: str, rows: Sequence[tuple[str, int, bool]], note: str) -> Markup:
    """Horizontal bars, one per (label, count, flagged) row; flagged rows in red."""
    height = TOP + BAR_ROW * max(1, len(rows)) + 8
    tallest = max((count for _, count, _ in rows), default=1) or 1
    label_width = 170
    room = WIDTH - label_width - RIGHT - 40
    parts = []
    for index, (label, count, flagged) in enumerate(rows):
        y = TOP + index * BAR_ROW
        width = max(1.0, room * count / tallest)
        parts.append(
            f'<text class="tick" x="{label_width - 6}" y="{y + 12}" text-anchor="end">'
            f'{escape(_shorten(label))}<title>{escape(label)}</title></text>'
            f'<rect class="bar{" over" if flagged else ""}" x="{label_width}" y="{y + 2}" '
            f'width="{width:.1f}" height="{BAR_ROW - 4}"><title>{escape(label)}: {count:,}'
            f'</title></rect><text class="tick" x="{label_width + width + 4:.1f}" '
            f'y="{y + 12}">{count:,}</text>')
    return _svg(title, note, "".join(parts), height)


def _shorten(label: str, keep: int = 28) -> str:
    return label if len(label) <= keep else "…" + label[-(keep - 1):]


def _svg(title: str, note: str, body: str, height: int = HEIGHT) -> Markup:
    return Markup(
        f'<figure class="plot"><svg role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
        f'<title>{escape(title)}</title>'
        f'<text class="plot-title" x="{LEFT}" y="14">{escape(title)}</text>{body}</svg>'
        f'<figcaption>{escape(note)}</figcaption></figure>')
