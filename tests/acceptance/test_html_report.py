"""``--format html``: a self-contained report, checked as text and in headless Chromium.

The browser tests open the report of a real scan of ``fixtures/`` and skip, saying
why, where Debian's ``chromium`` is not installed (``.ci/run`` installs it).
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import CHROMIUM, Browser
from tests.conftest import FIXTURE_EXPECTED, FIXTURES, HAS_FFPROBE, fixture_path
from validator.output.html import HtmlFormatter
from validator.profiles.profile import load_profile
from validator.records.extensions import is_video_name
from validator.records.facts import MediaFacts, VideoStream
from validator.records.findings import Finding, Report, Summary

needs_chromium = pytest.mark.skipif(CHROMIUM is None,
                                    reason="chromium is not installed (apt-get install chromium)")
HOSTILE = 'clips/<script>alert(1)</script>&"quoted" \'x\'.mp4'


def render(reports: list[Report]) -> str:
    out = io.StringIO()
    formatter = HtmlFormatter(out)
    formatter.profile = load_profile("akool")
    formatter.begin("akool <b>")
    summary = Summary()
    for report in reports:
        summary.add(report)
        formatter.report(report)
    formatter.end(summary)
    return out.getvalue()


def long_clip(path: str, seconds: float = 61.0) -> Report:
    facts = MediaFacts(path=path, source="libav", size_bytes=2_000_000, duration_s=seconds,
                       video=(VideoStream(0, "h264", avg_fps=25.0),))
    finding = Finding("max-duration", 1204, "error", f"{seconds} s > 60 s <i>", seconds, 60.0,
                      hint="Trim it & <re-encode>.")
    return Report.from_findings(path, [finding], facts)


def table_data(page: str) -> tuple[list[list[Any]], list[str]]:
    rows = re.search(r'<script type="application/json" id="rows">(.*?)</script>', page, re.S)
    hints = re.search(r'<script type="application/json" id="hints">(.*?)</script>', page)
    assert rows and hints
    return json.loads(rows.group(1)), json.loads(hints.group(1))


def test_names_and_messages_are_escaped() -> None:
    page = render([long_clip(HOSTILE), long_clip("b.mp4")])
    assert "<script>alert" not in page and "<i>" not in page and "akool <b>" not in page
    assert "akool &lt;b&gt;" in page
    rows, hints = table_data(page)
    assert rows[0][0] == HOSTILE and rows[0][7] == ["1204 61.0 s > 60 s <i>"]
    assert rows[0][8] == rows[1][8] == [0] and hints == ["Trim it & <re-encode>."]


def test_the_page_fetches_nothing() -> None:
    page = render([long_clip("a.mp4")])
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    assert "<link" not in page and "@import" not in page
    assert "default-src 'none'" in page


def test_summary_comes_first_then_plots_then_the_table() -> None:
    page = render([long_clip("a.mp4"), long_clip("b/c.mp4", 30.0)])
    summary, plots, table = (page.index(mark) for mark in (
        'id="summary"', 'id="plots"', 'id="files"'))
    assert summary < plots < table
    assert "2</b> files too long (1204)" in page
    assert page.count('class="limit"') == 3 and "limit 60 s" in page


def test_rows_are_kept_out_of_memory_until_the_end() -> None:
    out = io.StringIO()
    formatter = HtmlFormatter(out)
    formatter.begin("akool")
    formatter.report(long_clip("a.mp4"))
    assert out.getvalue() == "" and formatter.rows.tell() > 0
    assert formatter.stats.durations == [61.0]


@pytest.fixture(scope="module")
def fixtures_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The HTML report of a real scan of fixtures/ (also the README's screenshot source)."""
    target = tmp_path_factory.mktemp("html") / "report.html"
    done = subprocess.run([sys.executable, "-m", "validator", "check", "--no-cache",
                           "--output", str(target), str(FIXTURES)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr
    return target


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    opened = Browser(tmp_path_factory.mktemp("chromium-profile"))
    yield opened
    opened.close()


@needs_chromium
def test_the_report_loads_without_errors_and_draws_its_plots(browser: Browser,
                                                             fixtures_report: Path) -> None:
    browser.open(fixtures_report.as_uri())
    assert browser.errors() == []
    assert browser.evaluate("document.querySelectorAll('figure.plot svg').length") == 5
    assert browser.evaluate("document.querySelectorAll('svg rect.bar').length") > 10
    assert browser.evaluate("document.querySelectorAll('svg line.limit').length") == 3
    box = browser.evaluate("JSON.stringify(document.querySelector('svg').getBoundingClientRect())")
    assert '"width":460' in box
    from PIL import Image

    image = Image.open(io.BytesIO(browser.screenshot())).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20) or []
    assert len(colours) > 50, "the screenshot is blank"
    red = sum(count for count, (r, g, b) in colours if r > 180 and g < 80 and b < 80)
    assert red > 500, "no bar past a limit is drawn"


# A folder walk takes video files only: the audio fixtures (.m4a) are not in the report.
WALKED = {name: expected for name, expected in FIXTURE_EXPECTED.items() if is_video_name(name)}


def fixtures_with(code: int) -> set[str]:
    """The walked fixtures with ``code``: as ffprobe reads them, or without ffprobe leaving
    out those whose verdict depends on the FFmpeg release (they pass with a warning)."""
    return {name for name, expected in WALKED.items() if code in expected["codes"]
            and (HAS_FFPROBE or not expected.get("release_dependent"))}


@needs_chromium
@pytest.mark.parametrize("code", [1203, 1204, 1209, 1210])
def test_filtering_to_a_code_shows_exactly_the_files_with_it(browser: Browser,
                                                             fixtures_report: Path,
                                                             code: int) -> None:
    browser.open(fixtures_report.as_uri())
    shown = browser.evaluate(f"""(() => {{
        const select = document.getElementById('show');
        select.value = '{code}';
        select.dispatchEvent(new Event('change'));
        return Array.from(document.querySelectorAll('#table tbody tr'))
            .filter(row => row.offsetParent !== null)
            .map(row => row.cells[0].textContent);
    }})()""")
    prefix = str(FIXTURES.relative_to(Path.cwd())) if FIXTURES.is_relative_to(Path.cwd()) \
        else FIXTURES.as_posix()
    assert {name.removeprefix(prefix + "/") for name in shown} == fixtures_with(code)
    assert fixtures_with(code), "the fixtures have no file with this code"
    assert browser.errors() == []


@needs_chromium
def test_sorting_by_duration_puts_the_longest_first(browser: Browser,
                                                    fixtures_report: Path) -> None:
    browser.open(fixtures_report.as_uri())
    durations = browser.evaluate("""(() => {
        const header = document.querySelectorAll('#table th')[3];
        header.click(); header.click();
        return Array.from(document.querySelectorAll('#table tbody tr'))
            .map(row => parseFloat(row.cells[3].textContent) || -1);
    })()""")
    assert len(durations) == len(WALKED) < len(FIXTURE_EXPECTED)
    assert durations == sorted(durations, reverse=True) and durations[0] > 60


@needs_chromium
def test_a_hostile_file_name_is_shown_as_text(browser: Browser, tmp_path: Path) -> None:
    name = '<img src=x onerror="document.title=1">&amp;<svg onload=alert(2)>\'.mp4'
    shutil.copy(fixture_path("fail/dur_61.mp4"), tmp_path / name)
    done = subprocess.run([sys.executable, "-m", "validator", "check", "--no-cache", "--output",
                           "report.html", "."], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 1, done.stderr
    browser.open((tmp_path / "report.html").as_uri())
    assert browser.evaluate("document.querySelector('#table tbody td').textContent") == name
    assert browser.evaluate("document.querySelectorAll('img, #table svg').length") == 0
    assert browser.evaluate("document.title") != "1" and browser.errors() == []


@needs_chromium
def test_ten_thousand_files_show_a_page_at_a_time(browser: Browser, tmp_path: Path) -> None:
    reports = [long_clip(f"shoot-{n % 50}/take-{n}.mp4", 30.0 + n % 40) for n in range(10_000)]
    page = tmp_path / "big.html"
    page.write_text(render(reports), encoding="utf-8")
    assert page.stat().st_size < 2_000_000
    browser.open(page.as_uri())
    assert browser.evaluate("document.querySelectorAll('#table tbody tr').length") == 250
    browser.evaluate("document.getElementById('more').click()")
    assert browser.evaluate("document.querySelectorAll('#table tbody tr').length") == 500
    assert browser.evaluate("document.getElementById('shown').textContent") == \
        "10,000 of 10,000 files"
    assert browser.errors() == []
