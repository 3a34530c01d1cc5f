"""The result cache never serves a stale verdict nor gives up a good cache file, and SARIF
URIs carry a name's own bytes."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, fixture_path

GOOD = fixture_path("pass/h264_aac_25fps.mp4")
LONG = fixture_path("fail/dur_61.mp4")
CACHE_FILE = "results-v3.sqlite3"
PYTHON = sys.executable


def check(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PYTHON, "-m", "validator", "check", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=180)


def test_a_file_edited_in_place_with_size_and_mtime_restored_is_checked_again(
        tmp_path: Path) -> None:
    clip = tmp_path / "clip.mp4"
    shutil.copy(GOOD, clip)
    cache = tmp_path / "cache"
    assert check("--format", "json", "--cache-dir", str(cache), str(clip)).returncode == 0
    before = clip.stat()
    with open(clip, "r+b") as handle:   # same inode, same size: the header is zeroed
        handle.write(b"\0" * 4096)
    os.utime(clip, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = clip.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (
        before.st_size, before.st_mtime_ns, before.st_ino)
    again = check("--format", "json", "--cache-dir", str(cache), str(clip))
    assert again.returncode == 1
    assert json.loads(again.stdout)["results"][0]["codes"] == [1208]


def test_a_corrupt_cache_is_moved_aside_to_one_file(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    for _ in range(3):
        (cache / CACHE_FILE).write_bytes(b"not a database at all" * 100)
        done = check("--format", "json", "--cache-dir", str(cache), str(GOOD))
        assert done.returncode == 0 and "moved it to" in done.stderr
    assert sorted(p.name for p in cache.iterdir() if "corrupt" in p.name) == [
        CACHE_FILE + ".corrupt"]


FULL_DISK = """
set -e
mount -t tmpfs -o size=256k none "$MNT"
"$PY" -m validator check --format json --cache-dir "$MNT/c" "$A" > /dev/null
cat /dev/zero > "$MNT/filler" 2>/dev/null || true
for run in 1 2 3; do
  "$PY" -m validator check --format json --cache-dir "$MNT/c" "$A" "$B" > "$OUT.$run" \
    2> "$OUT.$run.err" || echo "$?" > "$OUT.$run.status"
done
rm "$MNT/filler"
ls -a "$MNT/c" > "$OUT.listing"
cp "$MNT/c/results-v3.sqlite3" "$OUT.db"
"""


def can_mount_tmpfs() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-rm", "sh", "-c", "mount -t tmpfs none /mnt"],
                           capture_output=True, timeout=30, check=False)
    return probe.returncode == 0


@pytest.mark.skipif(not can_mount_tmpfs(), reason="needs unshare -rm and a tmpfs to fill")
def test_on_a_full_disk_a_good_cache_stays_and_the_run_goes_on(tmp_path: Path) -> None:
    mount = tmp_path / "mnt"
    mount.mkdir()
    a, b = tmp_path / "a.mp4", tmp_path / "b.mp4"
    shutil.copy(GOOD, a)
    shutil.copy(GOOD, b)
    out = tmp_path / "out"
    env = {**os.environ, "MNT": str(mount), "PY": PYTHON, "A": str(a), "B": str(b),
           "OUT": str(out)}
    subprocess.run(["unshare", "-rm", "sh", "-c", FULL_DISK], check=True, cwd=REPO, env=env,
                   timeout=300)
    for run in (1, 2, 3):
        assert not Path(f"{out}.{run}.status").exists()
        data = json.loads(Path(f"{out}.{run}").read_text())
        assert data["summary"] == {"files": 2, "passed": 2, "failed": 0, "not_checked": 0,
                                   "warnings": 0}
        assert "Traceback" not in Path(f"{out}.{run}.err").read_text()
    assert not [name for name in Path(f"{out}.listing").read_text().split()
                if "corrupt" in name]
    rows = sqlite3.connect(f"{out}.db").execute("SELECT count(*) FROM results").fetchone()
    assert rows == (1,)   # the first run's entry is still there


def test_sarif_uris_encode_the_bytes_of_a_name(tmp_path: Path) -> None:
    name = os.fsdecode(b"bad\xff\xfe name.mp4")
    shutil.copy(LONG, tmp_path / name)
    done = check("--format", "sarif", "--no-cache", ".", cwd=tmp_path)
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in json.loads(done.stdout)["runs"][0]["results"]]
    assert uris == ["bad%FF%FE%20name.mp4"]
    outside = check("--format", "sarif", "--no-cache", str(tmp_path), cwd=REPO)
    uri = json.loads(outside.stdout)["runs"][0]["results"][0]["locations"][0][
        "physicalLocation"]["artifactLocation"]["uri"]
    assert uri == (tmp_path / name).as_uri() and uri.endswith("/bad%FF%FE%20name.mp4")
