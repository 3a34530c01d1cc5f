"""How a prober's own exception is classed: the file's fault (1208) or the machine's (not
checked). A library that will not load is never the file's fault."""

from __future__ import annotations

from pathlib import Path

import pytest

from validator.probe.base import read_facts


class Raising:
    """A backend whose read raises ``error``: what a prober does when it breaks."""

    name = "raising"

    def __init__(self, error: Exception) -> None:
        self.error = error

    def version(self) -> str:
        return "raising 1.0"

    def unavailable(self) -> str | None:
        return None

    def read(self, path: str) -> object:
        raise self.error


@pytest.mark.parametrize(("error", "kind", "start"), [
    (ImportError("av/subtitles/stream.abi3.so: failed to map segment from shared object"),
     "setup", "the prober could not load its libraries (ImportError: av/subtitles"),
    (RuntimeError("invalid data found"), "parse", "the prober failed on it (RuntimeError"),
    (MemoryError(), "crash", "the prober ran out of memory on it"),
])
def test_a_probers_exception_is_classed(tmp_path: Path, error: Exception, kind: str,
                                        start: str) -> None:
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"\x00" * 64)
    facts = read_facts(str(clip), Raising(error))  # type: ignore[arg-type]
    assert facts.problem_kind == kind and facts.problem is not None
    assert facts.problem.startswith(start)
