"""The Dask cluster settings on values: scheduler addresses, and what makes a worker unfit."""

from __future__ import annotations

import pytest

from validator.run.cluster import ClusterError, WorkerView, _worker_problem, parse_scheduler


@pytest.mark.parametrize("text, parsed", [
    ("local:2", 2), ("tcp://10.0.0.5:8786", "tcp://10.0.0.5:8786"),
    ("tls://scheduler.lan:8786", "tls://scheduler.lan:8786")])
def test_scheduler_addresses(text: str, parsed: int | str) -> None:
    assert parse_scheduler(text) == parsed


@pytest.mark.parametrize("text", ["local:0", "local:", "8786", "http://host:8786", "tcp://host"])
def test_bad_scheduler_addresses_are_rejected(text: str) -> None:
    with pytest.raises(ClusterError, match="expected tcp://HOST:PORT .* or local:N"):
        parse_scheduler(text)


@pytest.mark.parametrize("view, problem", [
    (WorkerView("0.0.1", "/", []), "runs media-preflight 0.0.1"),
    (ModuleNotFoundError("No module named 'validator'"), "cannot run media-preflight"),
    (WorkerView(__import__("validator").__version__, "/srv", [("/mnt/a.mp4", "No such file")]),
     "cannot see /mnt/a.mp4: No such file"),
    (WorkerView(__import__("validator").__version__, "/srv", []), None)])
def test_worker_problems(view: WorkerView | BaseException, problem: str | None) -> None:
    found = _worker_problem(view)
    assert found == problem if problem is None else found is not None and problem in found
