#!/usr/bin/env python3
"""Files per second on a Dask LocalCluster against the local process pool, same files.

    python bench/bench_cluster.py [--files 300] [--runs 3]

Needs ``pip install -e '.[dask]'``. What it does:

1. Corpus: the 31 fixtures copied (real copies, distinct names) cyclically to N files
   in ``bench/corpus/cluster/`` (gitignored; rebuilt when the count changes). About
   half the fixtures sit on a limit, so ``--probe auto`` reads them again with
   ``ffprobe``: a boundary-heavy mix, slower per file than a typical library.
2. One untimed pass (page cache, imports, worker start-up); then the median of
   ``--runs`` timed passes of ``validate_many(DIR)`` (no result cache) with:
   a. local runs: ``jobs=1`` (a forked child per batch) and ``jobs=2`` (the process pool);
   b. a LocalCluster (processes on 127.0.0.1, one thread each) of 1 and of 2
      workers, through :class:`validator.run.cluster.ClusterExecutor`; its start-up
      is timed apart, and the workers' CPU time (their ffprobe children included),
      bytes read and read calls per file are measured, which other load on the
      machine hardly changes.
3. End to end, the command line: ``check --no-cache --format jsonl --jobs 2 DIR``
   against ``check --no-cache --format jsonl --scheduler local:2 DIR`` (start-up,
   cluster start and shutdown included), and checks they print the same.
4. Prints a table (and the load average, as other work on the machine skews it) and
   writes ``bench/results/cluster.json``.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
CORPUS = ROOT / "bench" / "corpus" / "cluster"
RESULTS = ROOT / "bench" / "results"


def build_corpus(count: int) -> Path:
    """``count`` copies of the fixtures, reused when already there."""
    if CORPUS.is_dir() and len(list(CORPUS.iterdir())) == count:
        return CORPUS
    shutil.rmtree(CORPUS, ignore_errors=True)
    CORPUS.mkdir(parents=True)
    sources = sorted(p for p in FIXTURES.glob("*/*") if p.is_file())
    for i in range(count):
        source = sources[i % len(sources)]
        shutil.copy2(source, CORPUS / f"{i:05d}_{source.name}")
    return CORPUS


def median_seconds(run: Callable[[], int], runs: int) -> tuple[float, int]:
    """One untimed run, then the median wall time of ``runs`` runs (and the file count)."""
    count = run()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        assert run() == count
        times.append(time.perf_counter() - start)
    return statistics.median(times), count


def local_pool(folder: Path, jobs: int) -> Callable[[], int]:
    from validator.api import validate_many

    return lambda: sum(1 for _ in validate_many([folder], jobs=jobs))


def on_cluster(folder: Path, executor: Any) -> Callable[[], int]:
    from validator.api import validate_many

    return lambda: sum(1 for _ in validate_many([folder], jobs=executor.workers,
                                                executor=executor))


def api_rows(folder: Path, runs: int) -> list[dict[str, Any]]:
    from validator.run.cluster import open_executor

    rows = []
    for jobs in (1, 2):
        seconds, files = median_seconds(local_pool(folder, jobs), runs)
        how = "local, jobs=1" if jobs == 1 else f"process pool, jobs={jobs}"
        rows.append({"how": how, "seconds": seconds, "files": files})
    for workers in (1, 2):
        start = time.perf_counter()
        with open_executor(f"local:{workers}") as executor:
            startup = time.perf_counter() - start
            before = worker_usage(executor.client)
            seconds, files = median_seconds(on_cluster(folder, executor), runs)
            used = {k: v - before[k] for k, v in worker_usage(executor.client).items()}
        per_file = {k: v / (files * (runs + 1)) for k, v in used.items()}
        rows.append({"how": f"LocalCluster, {workers} worker{'s' * (workers > 1)}",
                     "seconds": seconds, "files": files, "startup_s": startup,
                     "per_file": per_file})
    return rows


def worker_usage(client: Any) -> dict[str, float]:
    """CPU seconds (ffprobe children included), bytes and read calls, summed over the workers.

    Unlike wall time, these hardly change when other work shares the machine.
    """
    def usage() -> dict[str, float]:
        import psutil

        process = psutil.Process()
        cpu, io = process.cpu_times(), process.io_counters()
        return {"cpu_s": cpu.user + cpu.system + cpu.children_user + cpu.children_system,
                "read_bytes": float(io.read_chars), "read_calls": float(io.read_count)}

    totals: dict[str, float] = {}
    for one in client.run(usage).values():
        for key, value in one.items():
            totals[key] = totals.get(key, 0.0) + value
    return totals


def cli_rows(folder: Path) -> list[dict[str, Any]]:
    rows, outputs = [], []
    for flags in (["--jobs", "2"], ["--scheduler", "local:2"]):
        command = [sys.executable, "-m", "validator", "check", "--no-cache", "--format",
                   "jsonl", *flags, str(folder)]
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - start
        if done.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
        outputs.append((done.returncode, done.stdout))
        files = sum(line.startswith('{"path"') for line in done.stdout.splitlines())
        rows.append({"how": f"CLI {' '.join(flags)} (end to end)", "seconds": seconds,
                     "files": files})
    if outputs[0] != outputs[1]:
        raise SystemExit("the cluster run printed something else than the local run")
    return rows


def table(rows: list[dict[str, Any]]) -> str:
    lines = ["| run | files | seconds | files/s | start-up |", "|---|---:|---:|---:|---:|"]
    for row in rows:
        startup = f"{row['startup_s']:.1f} s" if "startup_s" in row else ""
        lines.append(f"| {row['how']} | {row['files']} | {row['seconds']:.2f} | "
                     f"{row['files'] / row['seconds']:.0f} | {startup} |")
    for row in rows:
        if "per_file" in row:
            cost = row["per_file"]
            lines.append(f"{row['how']}, per file: {cost['cpu_s'] * 1000:.0f} ms CPU (ffprobe "
                         f"included), {cost['read_bytes'] / 1024:.0f} KiB read in-process in "
                         f"{cost['read_calls']:.0f} read calls")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=300, help="corpus size [300]")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each [3]")
    args = parser.parse_args(argv)
    os.environ.setdefault("XDG_CACHE_HOME", str(ROOT / "bench" / "results" / "xdg-cache"))
    folder = build_corpus(args.files)
    load_before = os.getloadavg()
    rows = api_rows(folder, args.runs) + cli_rows(folder)
    load_after = os.getloadavg()
    print(table(rows))
    print(f"load average (1 min) before {load_before[0]:.1f}, after {load_after[0]:.1f} "
          f"on {os.cpu_count()} CPUs: above 0 means other work shared the machine")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "cluster.json").write_text(json.dumps({
        "date": _dt.date.today().isoformat(), "cpus": os.cpu_count(),
        "python": platform.python_version(), "loadavg_before": load_before,
        "loadavg_after": load_after, "rows": rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
