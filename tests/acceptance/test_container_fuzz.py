"""Mutations of small real files in every container family the tool reads: each run ends with
every file reported once, in complete JSON, with no traceback, no process left behind, memory
bounded, and no input changed.

``MEDIA_PREFLIGHT_CONTAINER_FUZZ`` sets how many mutants each family gets (a short run in the
suite; e.g. 300 on demand), ``MEDIA_PREFLIGHT_FUZZ_REPORT`` names a file to which each run's
counts are appended as JSON lines.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import FFMPEG, REPO
from validator.run.memory import DEFAULT_MAX_MEMORY

PER_FAMILY = int(os.environ.get("MEDIA_PREFLIGHT_CONTAINER_FUZZ", "6"))
REPORT = os.environ.get("MEDIA_PREFLIGHT_FUZZ_REPORT")
TIMEOUT = 10
LAVFI = ["-f", "lavfi", "-i", "testsrc=size=48x32:rate=10:d=1", "-f", "lavfi", "-i",
         "sine=d=1:sample_rate=8000"]
FAMILIES: dict[str, list[str]] = {
    "mp4": ["-c:v", "libx264", "-c:a", "aac"],
    "mov": ["-c:v", "mpeg4", "-c:a", "aac"],
    "mkv": ["-c:v", "libx264", "-c:a", "libopus"],
    "webm": ["-c:v", "libvpx", "-c:a", "libvorbis"],
    "avi": ["-c:v", "mpeg4", "-c:a", "mp2"],
    "ts": ["-c:v", "mpeg2video", "-c:a", "mp2"],
    "flv": ["-c:v", "flv", "-c:a", "aac"],
    "ogv": ["-c:v", "libtheora", "-c:a", "libvorbis"],
    "asf": ["-c:v", "wmv2", "-c:a", "wmav2"],
    "mpg": ["-c:v", "mpeg2video", "-c:a", "mp2"],
}
MP4_COUNTS = (b"elst", b"stts", b"stsz", b"stco", b"stsc", b"ctts", b"stss")
EBML_IDS = (b"\x18\x53\x80\x67", b"\x16\x54\xae\x6b", b"\x1f\x43\xb6\x75", b"\xae")
Mutation = Callable[[bytes, random.Random, bytes], bytes]


def _head(data: bytes, rng: random.Random) -> int:
    """A position, most often in the first 4 kB, where the headers are."""
    span = min(len(data), 4096) if rng.random() < 0.7 else len(data)
    return rng.randrange(max(span, 1))


def flip(data: bytes, rng: random.Random, other: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        out[_head(data, rng)] ^= 1 << rng.randrange(8)
    return bytes(out)


def truncate(data: bytes, rng: random.Random, other: bytes) -> bytes:
    return data[:_head(data, rng)]


def huge_field(data: bytes, rng: random.Random, other: bytes) -> bytes:
    at = _head(data, rng)
    return data[:at] + rng.choice([b"\xff\xff\xff\xff", b"\x7f\xff\xff\xff",
                                   b"\x00\x00\x00\x00"]) + data[at + 4:]


def zero_run(data: bytes, rng: random.Random, other: bytes) -> bytes:
    at = _head(data, rng)
    return data[:at] + bytes(rng.randint(1, 256)) + data[at + 256:]


def duplicate(data: bytes, rng: random.Random, other: bytes) -> bytes:
    at = _head(data, rng)
    return data[:at] + data[at:at + rng.randint(8, 2048)] * rng.randint(2, 50) + data[at:]


def splice(data: bytes, rng: random.Random, other: bytes) -> bytes:
    at, take = _head(data, rng), _head(other, rng)
    return data[:at] + other[take:take + rng.randint(16, 4096)] + data[at:]


def count_bomb(data: bytes, rng: random.Random, other: bytes) -> bytes:
    """Every MP4 table count, or the size after an EBML element ID, set to a huge value."""
    out = bytearray(data)
    for tag in MP4_COUNTS:
        at = out.find(tag)
        while at != -1 and at + 12 <= len(out):
            out[at + 8:at + 12] = b"\xff\xff\xff\xff"
            at = out.find(tag, at + 1)
    for element in EBML_IDS[:3]:
        at = out.find(element)
        if at != -1 and at + 12 <= len(out):
            out[at + 4:at + 12] = b"\x01\x00\x0f\xff\xff\xff\xff\xff"
    return bytes(out) if out != bytearray(data) else huge_field(data, rng, other)


MUTATIONS: list[Mutation] = [count_bomb, flip, truncate, huge_field, zero_run, duplicate,
                             splice]


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("seeds")
    made = {}
    for family, codecs in FAMILIES.items():
        target = folder / f"seed.{family}"
        subprocess.run([FFMPEG, "-v", "error", "-y", *LAVFI, *codecs, "-shortest",
                        str(target)], check=True, timeout=120)
        made[family] = target.read_bytes()
    return made


def mutants(folder: Path, family: str, seeds: dict[str, bytes]) -> dict[Path, str]:
    """PER_FAMILY mutants of the family's seed (reproducible), and the digest of each."""
    rng = random.Random(f"{family}:{PER_FAMILY}")
    others = [data for name, data in seeds.items() if name != family]
    written = {}
    for index in range(PER_FAMILY):
        mutation = MUTATIONS[index % len(MUTATIONS)]
        data = mutation(seeds[family], rng, rng.choice(others))
        path = folder / f"{index:04d}-{mutation.__name__}.{family}"
        path.write_bytes(data)
        written[path] = hashlib.sha256(data).hexdigest()
    return written


def session_members(session: int) -> list[int]:
    """The processes still in a session (by PID), zombies aside."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[3]) == session and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def run_cli(folder: Path, probe: str, out: Path) -> tuple[int, int, list[int], float]:
    """Exit status, peak RSS in kB (the CLI and every process it reaped), processes left in its
    session a moment after it ended, and seconds taken."""
    started = time.monotonic()
    with open(out, "w") as stdout, open(f"{out}.err", "w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "validator", "check", "--format", "jsonl", "--no-cache",
             "--probe", probe, "--timeout", str(TIMEOUT), "--jobs", "2", str(folder)],
            stdout=stdout, stderr=stderr, cwd=REPO, start_new_session=True)
    watchdog = threading.Timer(PER_FAMILY * TIMEOUT + 120, os.killpg, (process.pid, 9))
    watchdog.start()
    try:
        _, status, usage = os.wait4(process.pid, 0)
    finally:
        watchdog.cancel()
    process.returncode = os.waitstatus_to_exitcode(status)
    left: list[int] = []
    for _ in range(50):
        left = session_members(process.pid)
        if not left:
            break
        time.sleep(0.1)
    return process.returncode, usage.ru_maxrss, left, time.monotonic() - started


@pytest.mark.parametrize("probe", ["auto", "mediainfo"])
@pytest.mark.parametrize("family", list(FAMILIES))
def test_mutants_of_every_container(tmp_path: Path, seeds: dict[str, bytes], family: str,
                                    probe: str) -> None:
    folder = tmp_path / "inputs"
    folder.mkdir()
    written = mutants(folder, family, seeds)
    out = tmp_path / "out.jsonl"
    status, peak_kb, left, seconds = run_cli(folder, probe, out)
    errors = Path(f"{out}.err").read_text()
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    results, summary = lines[:-1], lines[-1]["summary"]
    kinds = [(r["media"] or {}).get("problem_kind") for r in results]
    problems = [(r["media"] or {}).get("problem") or "" for r in results]
    counts = {"family": family, "probe": probe, "inputs": len(written),
              "tracebacks": errors.count("Traceback"), "exit": status,
              "hangs": kinds.count("timeout"), "crashes": kinds.count("crash"),
              "prober_exceptions": sum("the prober failed on it" in p for p in problems),
              "orphans": len(left), "peak_rss_mb": round(peak_kb / 1024, 1),
              "changed": sum(hashlib.sha256(p.read_bytes()).hexdigest() != digest
                             for p, digest in written.items()),
              "failed": summary["failed"], "seconds": round(seconds, 1)}
    if REPORT:
        with open(REPORT, "a") as handle:
            handle.write(json.dumps(counts) + "\n")
    assert counts["tracebacks"] == 0, errors
    assert status in (0, 1, 2), errors
    assert sorted(Path(r["path"]).name for r in results) == sorted(p.name for p in written)
    assert summary["files"] == len(written)
    assert left == [], left
    assert peak_kb * 1024 < DEFAULT_MAX_MEMORY
    assert counts["changed"] == 0
