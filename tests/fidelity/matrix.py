"""The fidelity matrix: how FFmpeg releases 5.1 to 8.x read the same files, and their verdicts.

PyAV's wheels bundle different FFmpeg releases (for CPython 3.11 on Linux: PyAV 12.3 →
FFmpeg 6.1, 13.1 → 7.0, 14.2 → 7.1, 16.1 → 8.0; the installed PyAV gives the newest),
and Debian's ffprobe gives 5.1. Each release reads every file with this checkout's own
libav backend (``reader.py``, run with that PyAV first on the path); the verdict under a
release is the ``akool`` profile's error codes on that reading.

``python tests/fidelity/matrix.py FILE_OR_FOLDER...`` prints the matrix (file × release
→ codes) for the README; the tests import :func:`readings` and :func:`verdicts`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from validator.check.engine import evaluate  # noqa: E402
from validator.probe import read_named  # noqa: E402
from validator.profiles.profile import Profile, load_profile  # noqa: E402
from validator.records.facts import MediaFacts  # noqa: E402

PYAV_RELEASES = ("12.3.0", "13.1.0", "14.2.0", "16.1.0")
READER = Path(__file__).with_name("reader.py")
Readings = dict[str, dict[str, MediaFacts]]


def cache_dir() -> Path:
    """Where the PyAV releases are installed (kept between runs, whatever cache folder the
    tests give the tool itself)."""
    return Path(os.environ.get("MEDIA_PREFLIGHT_FIDELITY_DIR",
                               Path.home() / ".cache" / "media-preflight-fidelity"))


def install(version: str) -> Path:
    """A folder holding only PyAV ``version`` (pip --target), installed once."""
    target = cache_dir() / f"av-{version}"
    if not (target / "av").is_dir():
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                        "--disable-pip-version-check", "--target", str(target),
                        f"av=={version}"], check=True, capture_output=True, timeout=600)
    return target


def read_with(paths: list[str], pythonpath: Path | None) -> tuple[str, dict[str, MediaFacts]]:
    """Every file read by the libav backend under one PyAV: (FFmpeg release, readings)."""
    env = {**os.environ}
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    done = subprocess.run([sys.executable, str(READER), str(REPO), *paths], env=env,
                          capture_output=True, text=True, check=True, timeout=600)
    data = json.loads(done.stdout)
    release = f"FFmpeg {data['ffmpeg']} (PyAV {data['pyav']})"
    return release, {path: MediaFacts.from_data(r) for path, r in data["readings"].items()}


def readings(paths: list[str], with_ffprobe: bool = True) -> Readings:
    """Release → file → facts, for every PyAV release, the installed PyAV and ffprobe."""
    table: Readings = {}
    for version in PYAV_RELEASES:
        release, read = read_with(paths, install(version))
        table[release] = read
    release, newest = read_with(paths, None)
    table[release] = newest
    if with_ffprobe:
        table["ffprobe " + _ffprobe_version()] = {
            path: read_named(path, "ffprobe") for path in paths}
    return table


def _ffprobe_version() -> str:
    done = subprocess.run(["ffprobe", "-version"], capture_output=True, text=True, check=False)
    words = done.stdout.split()
    return words[2] if len(words) > 2 else "unknown"


def verdict(profile: Profile, facts: MediaFacts) -> tuple[int | None, ...]:
    """The error codes a reading gives."""
    return tuple(sorted({f.code for f in evaluate(profile, facts) if f.severity == "error"},
                        key=lambda code: code or 0))


def verdicts(table: Readings, profile: Profile) -> dict[str, dict[str, tuple[int | None, ...]]]:
    """File → release → codes."""
    files = next(iter(table.values()))
    return {path: {release: verdict(profile, read[path]) for release, read in table.items()}
            for path in files}


def media_files(roots: list[str]) -> list[str]:
    """The files below the roots (not the generators' scripts and manifests)."""
    found = []
    for root in map(Path, roots):
        candidates = sorted(root.rglob("*")) if root.is_dir() else [root]
        found += [str(p) for p in candidates if p.is_file() and p.suffix not in
                  (".py", ".json", ".md", ".txt") and "LICENSES" not in p.parts]
    return found


def main() -> None:
    files = media_files(sys.argv[1:] or [str(REPO / "fixtures")])
    table = readings(files)
    matrix = verdicts(table, load_profile("akool"))
    releases = list(table)
    print("| file | " + " | ".join(releases) + " |")
    print("|---" * (len(releases) + 1) + "|")
    for path, row in matrix.items():
        mark = " **differs**" if len(set(row.values())) > 1 else ""
        cells = " | ".join(",".join(map(str, row[r])) or "pass" for r in releases)
        print(f"| {Path(path).name}{mark} | {cells} |")


if __name__ == "__main__":
    main()
