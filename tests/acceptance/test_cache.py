"""The result cache: warm runs reuse verdicts, anything that could change one invalidates it."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, REPO, fixture_path
from tests.helpers import Run, cli, command

CACHE_FILE = "results-v3.sqlite3"


def check(*args: str, cache: Path) -> Run:
    return cli("check", "--format", "json", "--cache-dir", str(cache), *args)


def tamper(cache: Path, new_message: str) -> int:
    """Rewrite every cached finding's message (a valid report), to see whether it is reused."""
    db = sqlite3.connect(cache / CACHE_FILE)
    rows = db.execute("SELECT rowid, report FROM results").fetchall()
    for rowid, text in rows:
        report = json.loads(text)
        for finding in report["findings"]:
            finding["message"] = new_message
        db.execute("UPDATE results SET report=? WHERE rowid=?", (json.dumps(report), rowid))
    db.commit()
    db.close()
    return len(rows)


def messages(result: Run) -> list[str]:
    return [f["message"] for r in json.loads(result.stdout)["results"] for f in r["findings"]]


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    target = tmp_path / "media" / "clip.mp4"
    target.parent.mkdir()
    shutil.copy2(fixture_path("fail/dur_61.mp4"), target)
    return target


def test_warm_run_is_identical_to_cold(tmp_path: Path) -> None:
    cold = check(str(FIXTURES), cache=tmp_path / "c")
    warm = check(str(FIXTURES), cache=tmp_path / "c")
    uncached = cli("check", "--format", "json", "--no-cache", str(FIXTURES))
    assert cold.stdout == warm.stdout == uncached.stdout
    assert cold.returncode == warm.returncode == 1


def test_warm_run_reads_the_cache_and_a_change_invalidates(tmp_path: Path, clip: Path) -> None:
    cache = tmp_path / "c"
    assert messages(check(str(clip), cache=cache)) == ["61 s > 60 s"]
    assert tamper(cache, "from the cache") == 1
    assert messages(check(str(clip), cache=cache)) == ["from the cache"]   # a hit
    os.utime(clip, ns=(clip.stat().st_atime_ns, clip.stat().st_mtime_ns + 1_000_000))
    assert messages(check(str(clip), cache=cache)) == ["61 s > 60 s"]      # mtime changed


def test_context_is_part_of_the_key(tmp_path: Path, clip: Path) -> None:
    cache = tmp_path / "c"
    check(str(clip), cache=cache)
    tamper(cache, "from the cache")
    other_profile = check("--profile", "akool-lipsync", str(clip), cache=cache)
    other_probe = check("--probe", "mediainfo", str(clip), cache=cache)
    assert "from the cache" not in messages(other_profile) + messages(other_probe)


def test_no_cache_bypasses_it(tmp_path: Path, clip: Path) -> None:
    cache = tmp_path / "c"
    check(str(clip), cache=cache)
    tamper(cache, "from the cache")
    result = cli("check", "--format", "json", "--no-cache", "--cache-dir", str(cache), str(clip))
    assert messages(result) == ["61 s > 60 s"]


@pytest.mark.parametrize("garbage", [b"", b"not a database at all" * 100,
                                     b"SQLite format 3\x00" + b"\xff" * 4000])
def test_corrupt_or_foreign_cache_file_is_rebuilt(tmp_path: Path, clip: Path,
                                                  garbage: bytes) -> None:
    cache = tmp_path / "c"
    cache.mkdir()
    (cache / CACHE_FILE).write_bytes(garbage)
    result = check(str(clip), cache=cache)
    assert result.returncode == 1 and messages(result) == ["61 s > 60 s"]
    assert "Traceback" not in result.stderr
    again = check(str(clip), cache=cache)
    assert messages(again) == ["61 s > 60 s"] and again.stderr == ""


def test_invalid_cached_entry_is_a_miss(tmp_path: Path, clip: Path) -> None:
    cache = tmp_path / "c"
    check(str(clip), cache=cache)
    db = sqlite3.connect(cache / CACHE_FILE)
    db.execute("UPDATE results SET report='{\"ok\": \"maybe\"}'")
    db.commit()
    db.close()
    assert messages(check(str(clip), cache=cache)) == ["61 s > 60 s"]


def test_two_runs_at_once(tmp_path: Path) -> None:
    cache = tmp_path / "c"
    args = command("check", "--format", "json", "--cache-dir", str(cache), str(FIXTURES))
    runs = [subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             cwd=REPO) for _ in range(3)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert all(run.returncode == 1 for run in runs)
    assert len({out for out, _ in outputs}) == 1
    assert all(err == "" for _, err in outputs)


def test_unwritable_cache_dir_degrades_to_no_cache(tmp_path: Path, clip: Path) -> None:
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x")
    result = check(str(clip), cache=blocker / "sub")
    assert result.returncode == 1 and messages(result) == ["61 s > 60 s"]
    assert "result cache disabled" in result.stderr
