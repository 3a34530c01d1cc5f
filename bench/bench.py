#!/usr/bin/env python3
"""Benchmark media-preflight against ffprobe and MediaInfo on the same files.

    python bench/bench.py [--files 1000] [--entries 100000] [--quick]

What it does (standard library + this package's console script; needs the real
``ffmpeg``, ``ffprobe`` and ``mediainfo`` binaries, uses ``hyperfine`` when present):

1. Corpus: 36 distinct small clips generated with ``ffmpeg`` (mp4/mov/mkv/webm/ts/avi;
   H.264/HEVC/VP9/VP8/MPEG-4 part 2/MJPEG; 1-3 s; 24-120 fps; with and without audio;
   64-176 px) in ``bench/corpus/clips/``, copied (real copies, distinct names)
   cyclically to N files in ``bench/corpus/files/``. Reused when present with the same
   clip specification and count (``bench/corpus/manifest.json``).
2. One untimed pass over every file (reads the bytes, runs every tool once) so the OS
   page cache and Python's bytecode caches are warm; then, on the same files:
   a. a bash loop of ``ffprobe -v error -show_format -show_streams -of json FILE``
      (a sample of the files),
   b. a bash loop of ``mediainfo --Output=JSON FILE`` (the same sample),
   c. ``mediainfo --Output=JSON`` given every file, in two concurrent processes (the
      list split in halves; each half chunked below the argument-list limit),
   d. ``media-preflight check --format json --jobs 2 --no-cache DIR``;
      for information also with ``--probe libav`` (no ffprobe second opinions),
   e. the same with a fresh ``--cache-dir``: one run that fills it, then warm runs
      (median of 5 per round: a warm run is short); per-file cost = (wall - the same
      command's wall on one tiny file) / N, the tiny-file run (median of 5) being timed
      in the same rounds,
   a-e run in 3 rounds (each measure once per round, so changing background load hits
   them all alike); the median of the 3 is reported,
   f. single-file latency, process start to exit (hyperfine -N, else a 20-run loop):
      ``check --no-cache FILE`` (the file probed; the profile, validated once, read
      back), with a warm result cache, and the same in a clean venv
      (``bench/corpus/venv``: this interpreter's packages on its path, but none of the
      base interpreter's ``.pth`` start-up hooks run, as in a pipx/venv install),
   g. peak RSS and wall time for folders of 10k and 100k entries (hard links to a few
      corpus clips, ``bench/corpus/<n>k/``), ``--format jsonl`` and ``--format text``.
3. Prints a table and writes ``bench/results/latest.json``.

Every media-preflight command runs from an empty temporary folder (absolute paths), so
no ``[tool.media-preflight]`` table of a pyproject.toml changes what is measured.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import json
import os
import platform
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
CORPUS = BENCH / "corpus"
CLIPS = CORPUS / "clips"
FILES = CORPUS / "files"
MANIFEST = CORPUS / "manifest.json"
RESULTS = BENCH / "results"

# ---------------------------------------------------------------------------- corpus

# (container, video encoder, audio encoder or None). 22 combinations; clip i takes
# combination i % 22, frame rate i % 7, duration i % 3 and size i % 5.
COMBOS = [
    ("mp4", "h264", "aac"), ("mp4", "hevc", "aac"), ("mp4", "mpeg4", "aac"),
    ("mp4", "h264", None), ("mov", "h264", "aac"), ("mov", "hevc", None),
    ("mov", "mjpeg", "aac"), ("mov", "mpeg4", "aac"), ("mkv", "h264", "aac"),
    ("mkv", "hevc", "opus"), ("mkv", "vp9", "opus"), ("mkv", "mpeg4", "mp3"),
    ("mkv", "mjpeg", None), ("webm", "vp9", "opus"), ("webm", "vp9", None),
    ("webm", "vp8", "vorbis"), ("ts", "h264", "aac"), ("ts", "hevc", "aac"),
    ("ts", "mpeg4", "mp3"), ("avi", "mpeg4", "mp3"), ("avi", "mjpeg", None),
    ("avi", "h264", "mp3"),
]
FRAME_RATES = ["24", "25", "30000/1001", "30", "50", "60", "120"]
DURATIONS = [1, 2, 3]
SIZES = [(96, 64), (128, 72), (160, 90), (176, 144), (64, 64)]
N_CLIPS = 36

VIDEO_ARGS = {
    "h264": ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"],
    "hevc": ["-c:v", "libx265", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
             "-x265-params", "log-level=error"],
    "vp9": ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "200k"],
    "vp8": ["-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "200k"],
    "mpeg4": ["-c:v", "mpeg4", "-q:v", "5"],
    "mjpeg": ["-c:v", "mjpeg", "-q:v", "5", "-pix_fmt", "yuvj420p"],
}
AUDIO_ARGS = {
    "aac": ["-c:a", "aac", "-b:a", "64k"],
    "opus": ["-c:a", "libopus", "-b:a", "48k"],
    "mp3": ["-c:a", "libmp3lame", "-b:a", "64k"],
    "vorbis": ["-c:a", "libvorbis", "-q:a", "2"],
}


@dataclass(frozen=True)
class Clip:
    index: int
    container: str
    vcodec: str
    acodec: str | None
    fps: str
    seconds: int
    size: tuple[int, int]

    @property
    def name(self) -> str:
        fps = {"30000/1001": "29.97"}.get(self.fps, self.fps)
        w, h = self.size
        return (f"c{self.index:02d}_{self.vcodec}_{self.acodec or 'noaudio'}_{fps}fps_"
                f"{self.seconds}s_{w}x{h}.{self.container}")

    def ffmpeg_command(self, out: Path) -> list[str]:
        w, h = self.size
        cmd = ["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
               f"testsrc2=size={w}x{h}:rate={self.fps}:duration={self.seconds}"]
        if self.acodec:
            cmd += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:"
                                         f"duration={self.seconds}"]
        cmd += VIDEO_ARGS[self.vcodec]
        if self.vcodec == "hevc" and self.container in ("mp4", "mov"):
            cmd += ["-tag:v", "hvc1"]
        if self.acodec:
            cmd += AUDIO_ARGS[self.acodec]
        return [*cmd, str(out)]


def clip_specs() -> list[Clip]:
    return [Clip(i, *COMBOS[i % len(COMBOS)], FRAME_RATES[i % len(FRAME_RATES)],
                 DURATIONS[i % len(DURATIONS)], SIZES[i % len(SIZES)])
            for i in range(N_CLIPS)]


def spec_digest(clips: list[Clip]) -> str:
    text = "\n".join(" ".join(c.ffmpeg_command(Path(c.name))) for c in clips)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def build_corpus(n_files: int) -> tuple[list[Path], list[Path], bool]:
    """The N corpus files and the distinct clips; the bool says whether it was reused."""
    clips = clip_specs()
    digest = spec_digest(clips)
    try:
        manifest = json.loads(MANIFEST.read_text())
    except (OSError, ValueError):
        manifest = {}
    clip_paths = [CLIPS / c.name for c in clips]
    if manifest.get("spec") == digest and all(p.is_file() for p in clip_paths):
        if manifest.get("files") == n_files and FILES.is_dir() and \
                sum(1 for _ in os.scandir(FILES)) == n_files:
            return sorted(FILES.iterdir()), clip_paths, True
    else:
        if shutil.which("ffmpeg") is None:
            sys.exit("bench: ffmpeg is needed to build the corpus")
        shutil.rmtree(CLIPS, ignore_errors=True)
        CLIPS.mkdir(parents=True)
        for clip, path in zip(clips, clip_paths, strict=True):
            subprocess.run(clip.ffmpeg_command(path), check=True)
        log(f"generated {len(clips)} clips in {CLIPS.relative_to(ROOT)}")
    shutil.rmtree(FILES, ignore_errors=True)
    FILES.mkdir(parents=True)
    width = len(str(n_files - 1))
    for k in range(n_files):
        source = clip_paths[k % len(clip_paths)]
        shutil.copyfile(source, FILES / f"f{k:0{width}d}_{source.name}")
    MANIFEST.write_text(json.dumps({"spec": digest, "files": n_files}) + "\n")
    log(f"copied them to {n_files} files in {FILES.relative_to(ROOT)}")
    return sorted(FILES.iterdir()), clip_paths, False


def link_folder(entries: int, sources: list[Path]) -> tuple[Path, bool]:
    """A folder of ``entries`` hard links to ``sources`` (cyclically); reused if complete."""
    label = f"{entries // 1000}k" if entries % 1000 == 0 else f"links-{entries}"
    folder = CORPUS / label
    stamp = folder / ".complete"
    want = " ".join(p.name for p in sources)
    if stamp.is_file() and stamp.read_text() == want and \
            sum(1 for e in os.scandir(folder) if not e.name.startswith(".")) == entries:
        return folder, True
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    width = len(str(entries - 1))
    for k in range(entries):
        source = sources[k % len(sources)]
        os.link(source, folder / f"e{k:0{width}d}{source.suffix}")
    stamp.write_text(want)
    return folder, False


# ---------------------------------------------------------------------------- running

def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def find_media_preflight() -> tuple[list[str], str]:
    """The real console script (not a pyenv shim), else ``python -m validator``."""
    beside = Path(sys.executable).parent / "media-preflight"
    if beside.is_file() and os.access(beside, os.X_OK):
        return [str(beside)], f"{beside} (console script beside sys.executable)"
    found = shutil.which("media-preflight")
    if found and "/shims/" not in found:
        return [found], f"{found} (console script on PATH)"
    return [sys.executable, "-m", "validator"], f"{sys.executable} -m validator"


def clean_venv() -> Path | None:
    """A venv (``bench/corpus/venv``) that sees this interpreter's packages and the checkout
    through a plain path file, without running the base interpreter's ``.pth`` start-up
    hooks: the start-up a ``pipx``/venv install has. Returns its ``media-preflight``
    script, or None where no venv can be made."""
    import site

    venv = CORPUS / "venv"
    script = venv / "bin" / "media-preflight"
    python = venv / "bin" / "python"
    if not python.exists():
        made = subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)],
                              capture_output=True, check=False)
        if made.returncode != 0:
            return None
    purelib = subprocess.run([str(python), "-c", "import sysconfig; "
                              "print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    Path(purelib, "media-preflight-bench.pth").write_text(
        "\n".join([str(ROOT), *site.getsitepackages()]) + "\n")
    script.write_text(f"#!{python}\nimport sys\nfrom validator.cli.entry import main\n"
                      "if __name__ == '__main__':\n    sys.exit(main())\n")
    script.chmod(0o755)
    return script


@dataclass
class Run:
    wall: float
    status: int
    tree_maxrss_kb: int = 0       # wait4 ru_maxrss: max over the process and its reaped children
    main_hwm_kb: int = 0          # /proc/PID/status VmHWM of the main process (polled)
    workers_hwm_kb: int = 0       # the largest VmHWM seen among its child processes (polled)


def _hwm(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            return [int(p) for p in handle.read().split()]
    except (OSError, ValueError):
        return []


def run(cmd: list[str], cwd: str | None = None, ok: tuple[int, ...] = (0,),
        poll_memory: bool = False, env: dict[str, str] | None = None) -> Run:
    """Run a command to exit, stdout to /dev/null; wall time from spawn to reaping.

    With ``poll_memory`` the VmHWM of the process and of its children is read every
    20 ms while it runs (VmHWM only grows, so the last reading is its peak to within
    the final 20 ms).
    """
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=errors)
        main_hwm = workers_hwm = 0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG if poll_memory else 0)
            if pid:
                break
            main_hwm = max(main_hwm, _hwm(proc.pid))
            for child in _children(proc.pid):
                workers_hwm = max(workers_hwm, _hwm(child))
            time.sleep(0.02)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        text = errors.read().decode(errors="replace")
        if proc.returncode not in ok or "Traceback (most recent call last)" in text:
            sys.exit(f"bench: {shlex.join(cmd)} exited {proc.returncode}:\n{text[-2000:]}")
    return Run(wall, proc.returncode, usage.ru_maxrss, main_hwm, workers_hwm)


def child_env() -> dict[str, str]:
    """The environment for measured commands: Python's bytecode cache on, kept out of the tree.

    A sandbox that sets PYTHONDONTWRITEBYTECODE would make every start compile the
    package from source; users' installs have .pyc files. PYTHONPYCACHEPREFIX keeps
    them in bench/corpus/pycache/ instead of __pycache__ folders in the package.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(CORPUS / "pycache")
    return env


ENV = child_env()
CLEAN_VENV_CHECK = "media-preflight check --no-cache FILE (clean venv: no .pth hooks)"


def timed(cmd: list[str], cwd: str, ok: tuple[int, ...] = (0,),
          poll_memory: bool = False) -> Run:
    return run(cmd, cwd=cwd, ok=ok, poll_memory=poll_memory, env=ENV)


def load() -> float:
    return round(os.getloadavg()[0], 2)


def median(values: list[float]) -> float:
    return statistics.median(values)


Measure = tuple[str, int, Callable[[], float]]   # (description, files per run, a timed run)


def shell_loop(tool_cmd: str, files: list[Path], cwd: str) -> Measure:
    """``while read f; do TOOL "$f" > /dev/null; done < list`` in bash, timed whole."""
    fd, listing = tempfile.mkstemp(dir=cwd, suffix=".txt")
    with os.fdopen(fd, "w") as handle:
        handle.writelines(f"{p}\n" for p in files)
    script = f'while IFS= read -r f; do {tool_cmd} "$f" > /dev/null || exit 3; done < "$1"'
    cmd = ["bash", "-c", script, "bash", listing]
    return f"bash loop: {tool_cmd} FILE", len(files), lambda: timed(cmd, cwd).wall


def chunks(paths: list[str], limit: int = 100_000) -> list[list[str]]:
    """Split an argument list so each command line stays far below ARG_MAX (like xargs)."""
    out: list[list[str]] = [[]]
    size = 0
    for p in paths:
        if out[-1] and size + len(p) + 1 > limit:
            out.append([])
            size = 0
        out[-1].append(p)
        size += len(p) + 1
    return out


def mediainfo_parallel(files: list[Path], cwd: str) -> Measure:
    """``mediainfo --Output=JSON`` over every file: two lanes at once, each its half of the list."""
    paths = [str(p) for p in files]
    half = (len(paths) + 1) // 2
    lanes = [chunks(paths[:half]), chunks(paths[half:])]
    failures: list[str] = []

    def lane(batches: list[list[str]]) -> None:
        for batch in batches:
            proc = subprocess.run(["mediainfo", "--Output=JSON", *batch], cwd=cwd, env=ENV,
                                  stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, check=False)
            if proc.returncode != 0:
                failures.append(f"mediainfo exited {proc.returncode}")

    def once() -> float:
        threads = [threading.Thread(target=lane, args=(b,)) for b in lanes]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - start
        if failures:
            sys.exit(f"bench: {failures[0]}")
        return wall

    calls = sum(map(len, lanes))
    return (f"mediainfo --Output=JSON FILES...: {calls} call(s), 2 at a time", len(files),
            once)


def command(cmd: list[str], cwd: str, n_files: int) -> Measure:
    """A media-preflight run (exit status 1, some file rejected, is expected)."""
    return shlex.join(cmd), n_files, lambda: timed(cmd, cwd, ok=(0, 1)).wall


def startup(cmd: list[str], cwd: str, times: int = 5) -> Measure:
    """The same command on one tiny file: its start-up and fixed costs (median of ``times``)."""
    return repeated(cmd, cwd, 1, times)


def repeated(cmd: list[str], cwd: str, n_files: int, times: int = 5) -> Measure:
    """A short run, timed ``times`` times in a row (median): one run of a tenth of a second
    is at the mercy of a scheduler hiccup."""
    return (shlex.join(cmd), n_files,
            lambda: median([timed(cmd, cwd, ok=(0, 1)).wall for _ in range(times)]))


def measure_rounds(measures: dict[str, Measure], reps: int) -> dict[str, dict]:
    """Run every measure once per round, ``reps`` rounds, so drifting load hits all alike."""
    walls: dict[str, list[float]] = {name: [] for name in measures}
    loads: dict[str, list[float]] = {name: [] for name in measures}
    for round_ in range(reps):
        for name, (_, n_files, once) in measures.items():
            log(f"   round {round_ + 1}/{reps}: {name} ({n_files} files)")
            loads[name].append(load())
            walls[name].append(once())
    out = {}
    for name, (what, n_files, _) in measures.items():
        wall = median(walls[name])
        out[name] = {"command": what, "files": n_files, "runs": reps, "walls_s": walls[name],
                     "wall_s": wall, "files_per_s": n_files / wall,
                     "load_at_start_of_runs": loads[name]}
    return out


def cache_rows(cache_dir: Path) -> tuple[int, int] | None:
    """(entries, distinct run contexts) in the result cache, if its file can be read."""
    for db_file in sorted(cache_dir.glob("*.sqlite3")):
        try:
            db = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
            try:
                rows, contexts = db.execute(
                    "SELECT count(*), count(DISTINCT context) FROM results").fetchone()
            finally:
                db.close()
            return int(rows), int(contexts)
        except sqlite3.Error:
            continue
    return None


def latency(commands: dict[str, list[str]], cwd: str, runs: int, env: dict[str, str]) -> dict:
    """Median wall time, process start to exit, of each command (hyperfine -N, else a loop)."""
    hyperfine = shutil.which("hyperfine")
    out: dict[str, dict] = {}
    if hyperfine:
        export = Path(cwd) / "hyperfine.json"
        cmd = [hyperfine, "-N", "--warmup", "3", "--runs", str(runs), "--style", "basic",
               "--export-json", str(export)]
        for name, command in commands.items():
            cmd += ["-n", name, shlex.join(command)]
        run(cmd, cwd=cwd, env=env)
        for name, result in zip(commands, json.loads(export.read_text())["results"], strict=True):
            times = result["times"]
            out[name] = {"command": shlex.join(commands[name]), "runs": len(times),
                         "median_ms": median(times) * 1000, "min_ms": min(times) * 1000,
                         "tool": "hyperfine -N"}
        return out
    for name, command in commands.items():
        for _ in range(3):
            run(command, cwd=cwd, env=env)
        times = [run(command, cwd=cwd, env=env).wall for _ in range(runs)]
        out[name] = {"command": shlex.join(command), "runs": runs,
                     "median_ms": median(times) * 1000, "min_ms": min(times) * 1000,
                     "tool": "loop"}
    return out


def code_stamp() -> str:
    """Size and mtime of the package's modules: did anyone edit validator/ during the run?"""
    package = ROOT / "validator"
    parts = [f"{p.relative_to(package)}:{p.stat().st_size}:{p.stat().st_mtime_ns}"
             for p in sorted(package.rglob("*.py"))]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def tool_version(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, check=False, env=ENV)
    except OSError:
        return "absent"
    lines = [line.strip() for line in (out.stdout + out.stderr).splitlines() if line.strip()]
    lines = [line for line in lines if not line.endswith(",")]   # MediaInfo's "Command line,"
    return lines[0] if lines else "?"


def machine() -> dict:
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    return {"nproc": nproc, "cpu": model, "kernel": platform.release(),
            "python": platform.python_version()}


# ---------------------------------------------------------------------------- report

def save_partial(data: dict) -> None:
    """What is measured so far, in case the run is interrupted (bench/results/partial.json)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "partial.json").write_text(json.dumps(data, indent=2) + "\n")


def fmt_rate(x: float) -> str:
    return f"{x:,.1f}" if x < 100 else f"{x:,.0f}"


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def print_report(r: dict) -> None:
    m, c = r["machine"], r["corpus"]
    print(f"\nmedia-preflight benchmark, {r['date']}: {m['nproc']} CPUs ({m['cpu']}), "
          f"Linux {m['kernel']}, Python {m['python']}")
    print(f"corpus: {c['files']} files ({c['distinct_clips']} distinct clips copied "
          f"cyclically, {c['mb']:.0f} MB); auto probe re-read {c['ffprobe_reread']} of them "
          f"with ffprobe ({c['ffprobe_reread'] / c['files']:.0%}; doubts near a limit)")
    print(f"load average (1 min) before the run {r['load']['start']} (background work), "
          f"after it {r['load']['end']} (the benchmark's own); page cache warmed by one "
          "untimed pass\n")
    t = r["throughput"]
    rows = [
        ("a", f"ffprobe per-file bash loop (sample of {t['ffprobe_loop']['files']})",
         t["ffprobe_loop"]),
        ("b", f"mediainfo per-file bash loop (sample of {t['mediainfo_loop']['files']})",
         t["mediainfo_loop"]),
        ("c", "mediainfo CLI, all files, 2 concurrent calls", t["mediainfo_parallel"]),
        ("d", "media-preflight --jobs 2 --no-cache", t["preflight_cold"]),
        ("d2", "  same, --probe libav (info: no ffprobe re-reads)", t["preflight_cold_libav"]),
        ("e1", "media-preflight --jobs 2, filling a fresh cache", t["preflight_cache_fill"]),
        ("e2", "media-preflight --jobs 2, warm cache", t["preflight_cache_warm"]),
    ]
    print(f"{'':3}{'throughput (same files)':52}{'files':>7}{'runs':>6}{'median s':>10}"
          f"{'files/s':>10}")
    for key, label, row in rows:
        print(f"{key:3}{label:52}{row['files']:>7}{row['runs']:>6}{row['wall_s']:>10.2f}"
              f"{fmt_rate(row['files_per_s']):>10}")
    q = r["ratios"]
    print("\nratios")
    print(f"  d / a  media-preflight vs ffprobe loop:        {q['vs_ffprobe_loop']:7.2f}x  "
          f"(target >= 30x: {verdict(q['vs_ffprobe_loop'] >= 30)})")
    print(f"  d / c  media-preflight vs MediaInfo 2-parallel: {q['vs_mediainfo_parallel']:6.2f}x  "
          f"(target > 1x: {verdict(q['vs_mediainfo_parallel'] > 1)})")
    k = r["cache"]
    print(f"\nresult cache (per file, start-up excluded: {k['startup_note']})")
    print(f"  start-up (one tiny file): cold {k['startup_cold_ms']:.0f} ms, "
          f"warm {k['startup_warm_ms']:.0f} ms")
    if k["warm_ms_per_file"] > 0:
        share = f"warm = 1/{k['speedup']:.0f} of cold"
    else:
        share = "warm cost within the noise of start-up"
    print(f"  cold {k['cold_ms_per_file']:.2f} ms/file, warm {k['warm_ms_per_file']:.3f} ms/file"
          f" -> {share} (target <= 1/10: "
          f"{verdict(k['warm_ms_per_file'] * 10 <= k['cold_ms_per_file'])})"
          + ("" if k["warm_runs_all_hits"] else
             "  [INVALID: the cache context changed between runs]"))
    print(f"\nsingle file {r['single_file']['file']}, process start to exit "
          f"({r['single_file']['tool']}, {r['single_file']['runs']} runs after 3 warm-ups, "
          "median)")
    for name, row in r["single_file"]["commands"].items():
        print(f"  {name:58}{row['median_ms']:8.1f} ms")
    s = r["ratios"]["single_file_vs_ffprobe"]
    print(f"  media-preflight check --no-cache / ffprobe: {s:.2f}x (target <= 1.5x: "
          f"{verdict(s <= 1.5)})")
    clean = r["ratios"].get("single_file_clean_venv_vs_ffprobe")
    if clean is not None:
        print(f"  the same in a clean venv / ffprobe:        {clean:.2f}x (target <= 1.5x: "
              f"{verdict(clean <= 1.5)})")
    print("\nmemory (--jobs 2 --no-cache, one run each; RSS in MiB)")
    print(f"  {'entries':>8} {'format':7}{'wall s':>9}{'files/s':>9}{'main peak':>11}"
          f"{'worker peak':>13}{'tree max':>10}")
    for row in r["memory"]:
        print(f"  {row['entries']:>8} {row['format']:7}{row['wall_s']:>9.1f}"
              f"{fmt_rate(row['files_per_s']):>9}{row['main_peak_mib']:>11.1f}"
              f"{row['worker_peak_mib']:>13.1f}{row['tree_max_mib']:>10.1f}")
    for note in r["notes"]:
        print(f"note: {note}")


# ---------------------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=1000, help="corpus size (default 1000)")
    parser.add_argument("--entries", type=int, default=100_000,
                        help="folder size for the memory run (default 100000; also a tenth)")
    parser.add_argument("--sample", type=int, default=100,
                        help="files timed by the per-file ffprobe/mediainfo loops (default 100)")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: 200 files, 10k entries, a sample of 30, fewer runs")
    args = parser.parse_args(argv)
    n_files, entries, sample, reps, latency_runs = (
        args.files, args.entries, args.sample, 3, 20)
    if args.quick:
        n_files, entries, sample, latency_runs = (min(n_files, 200), min(entries, 2_000),
                                                  min(sample, 30), 10)
    sample = min(sample, n_files)
    for tool in ("ffmpeg", "ffprobe", "mediainfo", "bash"):
        if shutil.which(tool) is None:
            sys.exit(f"bench: {tool} is needed")
    mp, mp_label = find_media_preflight()
    notes: list[str] = []
    started = time.time()
    stamp = code_stamp()
    load_start = load()

    files, clips, reused = build_corpus(n_files)
    log(f"corpus: {len(files)} files ({'reused' if reused else 'built'}); "
        f"media-preflight = {mp_label}")
    work = tempfile.mkdtemp(prefix="media-preflight-bench-")
    tiny = clips[0]
    corpus_dir = str(FILES)

    # Untimed pass: file bytes into the page cache, binaries and bytecode warm.
    log("untimed warm-up pass")
    for path in [*clips, *files]:
        with open(path, "rb") as handle:
            while handle.read(1 << 20):
                pass
    warm = subprocess.run([*mp, "check", "--format", "json", "--jobs", "2", "--no-cache",
                           corpus_dir], cwd=work, env=ENV, capture_output=True, check=False)
    if warm.returncode not in (0, 1):
        sys.exit(f"bench: warm-up run exited {warm.returncode}: {warm.stderr.decode()[-2000:]}")
    report = json.loads(warm.stdout)
    if report["summary"]["files"] != n_files:
        sys.exit(f"bench: media-preflight checked {report['summary']['files']} files, "
                 f"not {n_files}")
    sources = [(res.get("media") or {}).get("source", "") for res in report["results"]]
    reread = sum(s.startswith("ffprobe") for s in sources)
    for path in files[:10]:
        run(["ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json",
             str(path)], cwd=work, env=ENV)
        run(["mediainfo", "--Output=JSON", str(path)], cwd=work, env=ENV)

    # e: fill a fresh result cache once, then time warm runs alongside the others.
    cache_dir = Path(work) / "cache"
    cached_cmd = [*mp, "check", "--format", "json", "--jobs", "2", "--cache-dir",
                  str(cache_dir), corpus_dir]
    log("e1: media-preflight filling a fresh result cache")
    fill = measure_rounds({"preflight_cache_fill": command(cached_cmd, work, n_files)}, 1)
    cached_tiny = [*cached_cmd[:-1], str(tiny)]
    run(cached_tiny, cwd=work, env=ENV)   # the tiny file joins the cache too
    cold_cmd = [*mp, "check", "--format", "json", "--jobs", "2", "--no-cache", corpus_dir]
    measures = {
        "ffprobe_loop": shell_loop("ffprobe -v error -show_format -show_streams -of json",
                                   files[:sample], work),
        "mediainfo_loop": shell_loop("mediainfo --Output=JSON", files[:sample], work),
        "mediainfo_parallel": mediainfo_parallel(files, work),
        "preflight_cold": command(cold_cmd, work, n_files),
        "preflight_cold_libav": command([*cold_cmd[:-1], "--probe", "libav", corpus_dir],
                                        work, n_files),
        "preflight_cache_warm": repeated(cached_cmd, work, n_files),
        "startup_cold": startup([*cold_cmd[:-1], str(tiny)], work),
        "startup_warm": startup(cached_tiny, work),
    }
    log(f"a-e: {reps} rounds, each measure once per round")
    throughput = measure_rounds(measures, reps)
    throughput["preflight_cache_fill"] = fill["preflight_cache_fill"]
    save_partial({"throughput": throughput})
    rows = cache_rows(cache_dir)
    all_hits = rows is not None and rows[1] == 1
    if rows is None:
        notes.append("could not read the result cache to confirm the warm runs were all hits")
    elif not all_hits:
        notes.append(f"the result cache holds {rows[1]} run contexts: validator/ changed "
                     "between the fill and the warm runs, so some warm runs re-probed")

    log(f"f: single-file latency ({latency_runs} runs each)")
    single_cache = Path(work) / "cache-single"
    commands = {
        "media-preflight check --no-cache FILE": [*mp, "check", "--no-cache", str(tiny)],
        "media-preflight check FILE (warm cache)":
            [*mp, "check", "--cache-dir", str(single_cache), str(tiny)],
        "ffprobe -show_format -show_streams FILE":
            ["ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json",
             str(tiny)],
        "mediainfo --Output=JSON FILE": ["mediainfo", "--Output=JSON", str(tiny)],
        "media-preflight --version": [*mp, "--version"],
        "python -c pass": [sys.executable, "-c", "pass"],
        "python -S -c pass (no site, no .pth files)": [sys.executable, "-S", "-c", "pass"],
    }
    venv_script = clean_venv()
    if venv_script is not None:
        commands[CLEAN_VENV_CHECK] = [str(venv_script), "check", "--no-cache", str(tiny)]
        commands["python -c pass (clean venv)"] = [str(venv_script.parent / "python"), "-c",
                                                   "pass"]
    else:
        notes.append("could not make a venv: no clean-venv single-file figures")
    run(commands["media-preflight check FILE (warm cache)"], cwd=work, env=ENV)
    on_path = shutil.which("media-preflight")
    if on_path and "/shims/" in on_path:
        if subprocess.run([on_path, "--version"], capture_output=True, cwd=work,
                          env=ENV).returncode == 0:
            commands["via pyenv shim: media-preflight --version"] = [on_path, "--version"]
        else:
            notes.append("the pyenv shim's media-preflight does not run (not installed in "
                         "that interpreter): no shim figure")
    python_on_path = shutil.which("python")
    if python_on_path and "/shims/" in python_on_path:
        commands["via pyenv shim: python -c pass"] = [python_on_path, "-c", "pass"]
    single = latency(commands, work, latency_runs, ENV)
    save_partial({"throughput": throughput, "single_file": single})
    if os.environ.get("PYTHONDONTWRITEBYTECODE") or os.environ.get("PYTHONPYCACHEPREFIX"):
        inherited = latency({"check --no-cache FILE, this shell's env (no .pyc cache)":
                             commands["media-preflight check --no-cache FILE"]},
                            work, latency_runs, dict(os.environ))
        single.update(inherited)
        notes.append("measured commands run without PYTHONDONTWRITEBYTECODE and with "
                     "PYTHONPYCACHEPREFIX=bench/corpus/pycache (bytecode cached, as in a normal "
                     "install); the row 'this shell's env' shows the cost without it")

    log(f"g: memory, {entries // 10} and {entries} entries (jsonl, text)")
    memory = []
    link_sources = clips[::5]   # every 5th clip: 8 clips, mixed containers, fps, 1-3 s
    for size in (entries // 10, entries):
        folder, _ = link_folder(size, link_sources)
        for fmt in ("jsonl", "text"):
            log(f"   {size} entries, --format {fmt}")
            measured = timed([*mp, "check", "--format", fmt, "--jobs", "2", "--no-cache",
                              str(folder)], work, ok=(0, 1), poll_memory=True)
            memory.append({"entries": size, "format": fmt, "wall_s": measured.wall,
                           "files_per_s": size / measured.wall,
                           "main_peak_mib": measured.main_hwm_kb / 1024,
                           "worker_peak_mib": measured.workers_hwm_kb / 1024,
                           "tree_max_mib": measured.tree_maxrss_kb / 1024,
                           "folder": str(folder.relative_to(ROOT))})
            save_partial({"throughput": throughput, "single_file": single, "memory": memory})

    cold = throughput["preflight_cold"]["wall_s"]
    warm_wall = throughput["preflight_cache_warm"]["wall_s"]
    base_cold = throughput["startup_cold"]["wall_s"]
    base_warm = throughput["startup_warm"]["wall_s"]
    cold_pf = (cold - base_cold) / n_files * 1000
    warm_pf = (warm_wall - base_warm) / n_files * 1000
    rate = {k: v["files_per_s"] for k, v in throughput.items()}
    ffprobe_single = single["ffprobe -show_format -show_streams FILE"]["median_ms"]
    if code_stamp() != stamp:
        notes.append("validator/ was edited while the benchmark ran: figures may mix versions")
    load_end = load()
    if load_start > 0.5:
        notes.append(f"other work was running when the benchmark started (1-min load "
                     f"{load_start} on {os.cpu_count()} CPUs): figures are pessimistic and noisy")
    in_sample = len({p.name.split("_", 1)[1] for p in files[:sample]})
    notes.append(f"a/b time the first {sample} corpus files ({in_sample} of the "
                 f"{len(clips)} clips among them); "
                 f"c/d/e time all {n_files}; g uses hard links to "
                 f"{len(link_sources)} clips: {', '.join(p.name for p in link_sources)}")
    result = {
        "date": _dt.date.today().isoformat(),
        "seconds": round(time.time() - started, 1),
        "machine": machine(),
        "versions": {
            "media-preflight": tool_version([*mp, "--version"]),
            "ffprobe": " ".join(tool_version(["ffprobe", "-version"]).split()[:3]),
            "mediainfo": tool_version(["mediainfo", "--Version"]),
            "hyperfine": tool_version(["hyperfine", "--version"]),
            "git_head": subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                                       capture_output=True, text=True).stdout.strip(),
        },
        "media_preflight_command": mp_label,
        "corpus": {"files": n_files, "distinct_clips": len(clips), "reused": reused,
                   "mb": sum(p.stat().st_size for p in files) / 1e6,
                   "ffprobe_reread": reread, "dir": str(FILES.relative_to(ROOT))},
        "load": {"start": load_start, "end": load_end},
        "throughput": throughput,
        "cache": {"cold_ms_per_file": cold_pf, "warm_ms_per_file": warm_pf,
                  "speedup": cold_pf / warm_pf if warm_pf > 0 else None,
                  "startup_cold_ms": base_cold * 1000, "startup_warm_ms": base_warm * 1000,
                  "warm_runs_all_hits": all_hits, "cache_rows": rows,
                  "startup_note": "minus the wall time of the same command on one tiny "
                                  "file (median of 5 per round, in the same rounds)"},
        "single_file": {"file": str(tiny.relative_to(ROOT)),
                        "tool": next(iter(single.values()))["tool"],
                        "runs": next(iter(single.values()))["runs"], "commands": single},
        "ratios": {
            "vs_ffprobe_loop": rate["preflight_cold"] / rate["ffprobe_loop"],
            "vs_mediainfo_parallel": rate["preflight_cold"] / rate["mediainfo_parallel"],
            "single_file_vs_ffprobe":
                single["media-preflight check --no-cache FILE"]["median_ms"] / ffprobe_single,
            "single_file_clean_venv_vs_ffprobe":
                single[CLEAN_VENV_CHECK]["median_ms"] / ffprobe_single
                if CLEAN_VENV_CHECK in single else None,
            "cache_speedup": cold_pf / warm_pf if warm_pf > 0 else None,
        },
        "memory": memory,
        "notes": notes,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(result, indent=2) + "\n")
    (RESULTS / "partial.json").unlink(missing_ok=True)
    shutil.rmtree(work, ignore_errors=True)
    print_report(result)
    print(f"\nwritten: {(RESULTS / 'latest.json').relative_to(ROOT)} "
          f"({result['seconds']:.0f} s in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
