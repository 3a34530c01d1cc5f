"""Verdicts that hold whatever FFmpeg release the API runs (the fidelity matrix).

Every file of ``fixtures/`` and ``../shared/realworld/`` is read by FFmpeg 6.1,
7.0, 7.1, 8.0 (PyAV wheels, installed once into a cache folder), the installed
PyAV's FFmpeg, and Debian's ffprobe (5.1). A file whose verdict differs between
releases must carry an ``uncertain:`` warning (with and without a reference
ffprobe); a file whose verdict is the same everywhere must get that verdict and
no such warning.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, REALWORLD, needs_ffprobe
from validator import Report, validate

sys.path.insert(0, str(Path(__file__).parents[1] / "fidelity"))
import matrix  # noqa: E402

pytestmark = needs_ffprobe
Row = dict[str, tuple[int | None, ...]]


@pytest.fixture(scope="module")
def rows() -> dict[str, Row]:
    files = matrix.media_files([str(FIXTURES), str(REALWORLD / "files")])
    try:
        table = matrix.readings(files)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"the PyAV releases of the matrix could not be installed: {exc}")
    from validator.profiles.profile import load_profile

    return matrix.verdicts(table, load_profile("akool"))


@pytest.fixture(params=["reference", "no-reference"])
def mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    if request.param == "no-reference":
        monkeypatch.setenv("MEDIA_PREFLIGHT_FFPROBE", "")
    yield request.param


def uncertain(report: Report) -> list[str]:
    return [f.message for f in report.findings
            if f.severity == "warning" and f.message.startswith("uncertain")]


def test_the_matrix_covers_every_release_and_finds_drift(rows: dict[str, Row]) -> None:
    releases = next(iter(rows.values()))
    assert len(releases) == len(matrix.PYAV_RELEASES) + 2
    differing = {Path(path).name for path, row in rows.items() if len(set(row.values())) > 1}
    expected = {"header_longer.mp4", "header_shorter.mp4", "rate_change.ts"}
    if (REALWORLD / "files").is_dir():
        expected |= {"exiftool__DV.dv", "ax__sample_fragmented.mp4"}
    assert expected <= differing


def test_a_verdict_that_depends_on_the_release_is_never_silent(
        rows: dict[str, Row], mode: str) -> None:
    silent = [Path(path).name for path, row in rows.items()
              if len(set(row.values())) > 1 and not uncertain(validate(path))]
    assert silent == []


def test_a_verdict_every_release_shares_is_given_without_doubt(
        rows: dict[str, Row], mode: str) -> None:
    wrong = []
    for path, row in rows.items():
        codes = set(row.values())
        if len(codes) == 1:
            report = validate(path)
            if tuple(report.codes) != codes.pop() or uncertain(report):
                wrong.append((Path(path).name, report.codes, uncertain(report)))
    assert wrong == []


def test_the_reference_ffprobe_decides(rows: dict[str, Row]) -> None:
    for path, row in rows.items():
        reference = next(codes for release, codes in row.items() if release.startswith("ffprobe"))
        assert tuple(validate(path).codes) == reference, path
