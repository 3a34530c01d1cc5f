"""The Python API: validate, validate_many, and the size limit on sparse copies."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, REPO, fixture_path
from validator import Report, load_profile, validate, validate_many
from validator.output.explain import rules_table
from validator.probe import UnknownBackend

GOOD = fixture_path("pass/h264_aac_25fps.mp4")


def sparse_copy(tmp_path: Path, size: int) -> Path:
    """A real MP4 padded with a hole to ``size`` bytes (no disk space used)."""
    target = tmp_path / f"big_{size}.mp4"
    shutil.copy(GOOD, target)
    os.truncate(target, size)
    return target


@pytest.mark.parametrize("probe", ["auto", "libav", "mediainfo"])
@pytest.mark.parametrize(("size", "codes"), [(300_000_000, []), (300_000_001, [1207]),
                                             (314_572_800, [1207])])
def test_size_limit_on_sparse_copies(tmp_path: Path, size: int, codes: list[int],
                                     probe: str) -> None:
    report = validate(sparse_copy(tmp_path, size), probe=probe)
    assert report.codes == codes
    if codes:
        message = report.findings[0].message
        assert f"({size:,} bytes" in message and "MiB" in message and "300,000,000" in message


def test_validate_returns_a_report() -> None:
    report = validate(GOOD)
    assert isinstance(report, Report) and report.ok and report.codes == []
    assert report.path == str(GOOD)


def test_validate_accepts_a_profile_object_and_path_like(tmp_path: Path) -> None:
    profile_file = tmp_path / "short.toml"
    profile_file.write_text('extends = "akool"\n[rules.max-duration]\nmax_seconds = 1\n')
    assert validate(GOOD, profile=profile_file).codes == [1204]
    assert validate(GOOD, profile=load_profile(profile_file)).codes == [1204]


def test_unknown_probe_is_rejected_with_the_choices() -> None:
    with pytest.raises(UnknownBackend, match="auto, libav, mediainfo, ffprobe"):
        validate(GOOD, probe="magic")


def test_validate_many_streams_in_input_order() -> None:
    paths = [fixture_path("fail/dur_61.mp4"), FIXTURES / "pass", fixture_path("fail/no_audio.mp4")]
    serial = list(validate_many(paths, jobs=1))
    parallel = validate_many(paths, jobs=2)
    assert iter(parallel) is parallel   # a generator: results stream
    assert [r.path for r in parallel] == [r.path for r in serial]
    assert serial[0].codes == [1204] and serial[-1].codes == [1203]
    assert len(serial) == 2 + len(list((FIXTURES / "pass").iterdir()))


def test_readme_starts_with_the_two_commands() -> None:
    lines = [line for line in (REPO / "README.md").read_text().splitlines()[:8]
             if line.startswith("pip install")]
    assert len(lines) == 2
    assert "media-preflight check fixtures/" in lines[0]
    assert "python -m pytest" in lines[1]
    ci = (REPO / ".ci" / "run").read_text()
    assert lines[1].split("#")[0].strip() in ci


def test_readme_rule_table_is_generated_from_the_rules() -> None:
    readme = (REPO / "README.md").read_text()
    block = re.search(r"<!-- rules-table:start -->\n(.*?)\n<!-- rules-table:end -->", readme,
                      re.S)
    assert block is not None and block.group(1) == rules_table()
