"""Size, render time and browser load time of the HTML report for N generated reports.

Usage: python bench/html_report.py 1000 10000   (needs Debian's chromium for load times)
Reports are made-up Report values (no media is read): a third fail with one or two codes.
"""

from __future__ import annotations

import io
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.browser import CHROMIUM, Browser  # noqa: E402
from validator.output.html import HtmlFormatter  # noqa: E402
from validator.profiles.profile import load_profile  # noqa: E402
from validator.records.facts import AudioStream, MediaFacts, VideoStream  # noqa: E402
from validator.records.findings import Finding, Report, Summary  # noqa: E402

LONG = Finding("max-duration", 1204, "error", "61.2 s > 60 s", 61.2, 60.0,
               hint="Trim it under the limit, re-encoding: "
                    "`ffmpeg -i in.mp4 -t 59.5 -c:v libx264 -c:a aac out.mp4`.")
FAST = Finding("max-frame-rate", 1210, "error", "120 fps > 60 fps", 120.0, 60.0,
               hint="Resample: `ffmpeg -i in.mp4 -vf fps=30 -c:v libx264 -c:a copy out.mp4`.")


def made_up(index: int, rng: random.Random) -> Report:
    path = f"library/shoot-{index % 97:02d}/take-{index:05d}.mp4"
    duration = rng.uniform(5, 75)
    fps = rng.choice([24.0, 25.0, 29.97, 30.0, 50.0, 60.0, 120.0])
    facts = MediaFacts(path=path, source="libav", size_bytes=int(rng.uniform(1e6, 4e8)),
                       duration_s=duration, video=(VideoStream(0, "h264", avg_fps=fps),),
                       audio=(AudioStream(1, "aac"),))
    findings = [LONG] * (duration > 60) + [FAST] * (fps > 60)
    return Report.from_findings(path, findings, facts)


def render(count: int) -> tuple[str, float]:
    rng = random.Random(count)
    out = io.StringIO()
    started = time.perf_counter()
    formatter = HtmlFormatter(out)
    formatter.profile = load_profile("akool")
    formatter.begin("akool")
    summary = Summary()
    for index in range(count):
        report = made_up(index, rng)
        summary.add(report)
        formatter.report(report)
    formatter.end(summary)
    return out.getvalue(), time.perf_counter() - started


def main(counts: list[int]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        browser = Browser(Path(folder) / "profile") if CHROMIUM else None
        try:
            for count in counts:
                page, seconds = render(count)
                target = Path(folder) / f"report-{count}.html"
                target.write_text(page, encoding="utf-8")
                size = target.stat().st_size
                load = (f"{min(browser.open(target.as_uri()) for _ in range(3)):.0f} ms"
                        if browser else "no chromium")
                print(f"{count:>6} files: {size / 1e6:.2f} MB ({size / count:.0f} B/file), "
                      f"written in {seconds:.2f} s, loaded in {load}")
        finally:
            if browser:
                browser.close()


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [1000, 10000])
