"""Checking on a real Dask cluster (LocalCluster, 2 worker processes on 127.0.0.1).

The cluster's results are the local run's, in the same order; a worker killed
mid-run loses nothing and duplicates nothing; a worker that cannot see a path
stops the run up front with a message naming both.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES
from tests.helpers import Run, cli, ffprobe_standin
from validator.api import validate_many
from validator.records.data import to_data
from validator.records.extensions import is_video_name
from validator.run.cluster import (
    ClusterError,
    ClusterExecutor,
    check_visibility,
    open_executor,
)

pytestmark = pytest.mark.skipif(importlib.util.find_spec("distributed") is None,
                                reason="dask.distributed is not installed "
                                       "(pip install 'media-preflight[dask]')")


@pytest.fixture(scope="module")
def cluster() -> Iterator[ClusterExecutor]:
    """A LocalCluster of 2 worker processes on 127.0.0.1, as ``--scheduler local:2`` starts."""
    with open_executor("local:2") as executor:
        yield executor


@pytest.fixture(scope="module")
def client(cluster: ClusterExecutor) -> Any:
    return cluster.client


@pytest.fixture(scope="module")
def local_run() -> list[dict[str, Any]]:
    return [to_data(r) for r in validate_many([FIXTURES], jobs=1)]


def check(*args: str) -> Run:
    return cli("check", "--no-cache", *args)


@pytest.mark.parametrize("wrap", [ClusterExecutor, lambda c: c.get_executor()],
                         ids=["ClusterExecutor", "Client.get_executor"])
def test_cluster_results_equal_the_local_run(client: Any, local_run: list[dict[str, Any]],
                                             wrap: Any) -> None:
    reports = validate_many([FIXTURES], jobs=2, executor=wrap(client))
    assert [to_data(r) for r in reports] == local_run


def test_the_local_cluster_is_two_worker_processes_on_loopback(cluster: ClusterExecutor) -> None:
    workers = cluster.client.scheduler_info()["workers"]
    assert len(workers) == 2 == cluster.workers
    assert all(address.startswith("tcp://127.0.0.1:") for address in workers)
    assert len(set(cluster.client.run(os.getpid).values()) | {os.getpid()}) == 3


def test_cli_on_a_running_scheduler_prints_what_a_local_run_does(client: Any) -> None:
    local = check("--format", "json", str(FIXTURES))
    remote = check("--format", "json", "--scheduler", client.scheduler.address, str(FIXTURES))
    assert (remote.returncode, remote.stdout) == (local.returncode, local.stdout)
    assert remote.returncode == 1 and "Traceback" not in remote.stderr


def test_cli_starts_a_local_cluster() -> None:
    files = [str(FIXTURES / "pass" / "h264_aac_25fps.mp4"), str(FIXTURES / "fail" / "dur_61.mp4")]
    local = check("--format", "text", *files)
    remote = check("--format", "text", "--scheduler", "local:2", *files)
    assert (remote.returncode, remote.stdout) == (local.returncode, local.stdout)
    assert remote.returncode == 1 and "1204" in remote.stdout


def test_bad_scheduler_exits_2() -> None:
    result = check("--scheduler", "localhost", str(FIXTURES))
    assert result.returncode == 2 and result.stdout == ""
    assert "--scheduler 'localhost': expected tcp://HOST:PORT" in result.stderr


def test_a_worker_that_cannot_see_a_path_stops_the_run(client: Any, tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    old_cwds = client.run(os.getcwd)
    client.run(os.chdir, str(tmp_path / "elsewhere"))
    try:
        result = check("--scheduler", client.scheduler.address, "fixtures/pass")
        with pytest.raises(ClusterError, match=r"worker tcp://127\.0\.0\.1:\d+ cannot see "
                                               r"fixtures/pass \(relative to its working"):
            check_visibility(client, ["fixtures/pass"])
    finally:
        for worker, cwd in old_cwds.items():
            client.run(os.chdir, cwd, workers=[worker])
    assert result.returncode == 2 and result.stdout == ""
    assert "cannot see fixtures/pass" in result.stderr and "same file system" in result.stderr
    assert "Traceback" not in result.stderr
    check_visibility(client, ["fixtures/pass", str(FIXTURES / "pass" / "fps_60.mp4")])


def corpus(root: Path, count: int) -> list[Path]:
    """``count`` hard links to the fixtures, cycling through them."""
    sources = sorted(p for p in FIXTURES.glob("*/*") if p.is_file() and is_video_name(p.name))
    root.mkdir()
    links = [root / f"{i:04d}_{sources[i % len(sources)].name}" for i in range(count)]
    for i, link in enumerate(links):
        os.link(sources[i % len(sources)], link)
    return links


def as_checked_at(report: dict[str, Any], path: Path) -> dict[str, Any]:
    """The local run's report for a fixture, as for a hard link to it at ``path``."""
    media = report["media"] and {**report["media"], "path": str(path)}
    return {**report, "path": str(path), "media": media}


def test_a_worker_killed_mid_run_loses_and_duplicates_nothing(
        tmp_path: Path, local_run: list[dict[str, Any]]) -> None:
    links = corpus(tmp_path / "corpus", 120)
    by_name = {Path(r["path"]).name: r for r in local_run}
    expected = [as_checked_at(by_name[link.name[5:]], link) for link in links]
    with open_executor("local:2") as executor:
        pids = executor.client.run(os.getpid)
        reports, killed = [], None
        for report in validate_many([tmp_path / "corpus"], jobs=2, executor=executor):
            reports.append(to_data(report))
            if killed is None:
                killed = _kill_a_busy_worker(executor.client, pids)
        pid, lost = killed
        assert pid not in executor.client.run(os.getpid).values()
        for key in lost:    # the dead worker's batch went back to the scheduler, then ran once
            moves = [(s[2], s[3]) for s in executor.client.story(key) if s[0] == "scheduler"]
            assert ("processing", "released") in moves
            assert moves.count(("processing", "memory")) == 1
    assert [r["path"] for r in reports] == [str(link) for link in links]
    assert reports == expected


def _kill_a_busy_worker(client: Any, pids: dict[str, int]) -> tuple[int, list[str]]:
    """SIGKILL a worker process that is running a batch: its pid and the tasks it held."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        busy = [(worker, keys) for worker, keys in client.processing().items() if keys]
        if busy:
            worker, keys = busy[0]
            os.kill(pids[worker], signal.SIGKILL)
            return pids[worker], list(keys)
        time.sleep(0.01)
    raise AssertionError("no worker was busy")


def test_the_memory_bound_reaches_the_cluster_workers(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """``max_memory`` travels with each batch to the workers' probe processes. The prober
    here is an executable that answers as ffprobe does, with the address-space limit it
    runs under (``ulimit -v``, in KiB) as the file's duration."""
    prober = ffprobe_standin(
        tmp_path, 'printf \'{"format": {"duration": "%s", "format_name": '
                  '"mov,mp4,m4a,3gp,3g2,mj2"}, "streams": []}\' "$(ulimit -v)"')
    monkeypatch.setenv("MEDIA_PREFLIGHT_FFPROBE", str(prober))
    clip = FIXTURES / "pass" / "h264_aac_25fps.mp4"
    with open_executor("local:1") as executor:      # its worker starts with the variable set
        for bound in (1 << 30, 3 << 29):       # above what a Dask worker holds (~0.5G)
            [report] = validate_many([clip], probe="ffprobe", executor=executor,
                                     max_memory=bound)
            assert report.media is not None and report.media.duration_s == bound >> 10
