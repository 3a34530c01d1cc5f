"""`fix` on values: the hint under a failure, where the output goes, and how a cut that landed
over the limit is corrected."""

from __future__ import annotations

from pathlib import Path

import pytest

from validator.check.fixable import fix_hint, fixable
from validator.records.findings import Finding, Report
from validator.repair.encode import corrected_cut
from validator.repair.fixer import default_output

LIMIT = 60.0


def test_fix_hint_quotes_paths_and_names_a_non_default_profile() -> None:
    assert fix_hint("my clip.mov") == "media-preflight fix 'my clip.mov'"
    assert fix_hint("-x.mp4") == "media-preflight fix ./-x.mp4"
    assert fix_hint("a.mp4", "akool-lipsync") == "media-preflight fix --profile akool-lipsync a.mp4"


def test_default_output_is_beside_the_input() -> None:
    assert default_output("/v/clip.mov") == Path("/v/clip.fixed.mp4")


@pytest.mark.parametrize(("cut", "measured", "expected"), [
    (59.95, 59.96, None),
    (59.95, 60.0, None),
    (59.95, 60.02, 59.88),
    (10.45, 11.0, 9.9),
    (59.95, 59.7, 60.2),
])
def test_corrected_cut(cut: float, measured: float, expected: float | None) -> None:
    assert corrected_cut(cut, measured, LIMIT if cut > 50 else 10.5) == expected


def test_a_url_gets_no_fix_hint() -> None:
    finding = Finding(rule="max-frame-rate", code=1210, severity="error",
                      message="120 fps > 60 fps")
    local = Report.from_findings("clip.mp4", [finding], None)
    remote = Report.from_findings("https://example.test/clip.mp4", [finding], None)
    assert fixable(local) and not fixable(remote)
