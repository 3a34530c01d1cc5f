"""The executable's entry on values: which arguments fork the probe worker."""

from __future__ import annotations

import pytest

from validator.cli.entry import wants_worker


@pytest.mark.parametrize(("args", "expected"), [
    (["check", "a.mp4"], True), (["check", "--format", "json", "dir"], True),
    (["check", "--help"], False), (["check", "-h"], False), (["check", "--", "--help"], True),
    (["--version"], False), (["explain", "1204"], False), ([], False)])
def test_only_a_check_forks_the_worker(args: list[str], expected: bool) -> None:
    assert wants_worker(args) is expected
