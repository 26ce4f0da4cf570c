"""The API load benchmark's arithmetic: paired rounds, medians, CPU meters."""

from __future__ import annotations

import os
import time

import pytest

from bench.api_load import _cpu_bound_ratio, _median_of, _paired
from bench.api_processes import cpu_seconds


def _run(p50: float, req_per_s: float, api_cpu: float = 0.0, engine_cpu: float = 10.0,
         searches: float = 1.0) -> dict:
    return {"p50_ms": p50, "p95_ms": p50 * 2, "p99_ms": p50 * 3, "mean_ms": p50,
            "req_per_s": req_per_s, "requests": 10, "ok": 9, "non_2xx": 1,
            "errors": {"503": 1}, "transport_failures": {}, "api_cpu_ms": api_cpu,
            "engine_cpu_ms": engine_cpu, "engine_searches": searches}  # fmt: skip


def test_rounds_are_paired_and_their_medians_taken() -> None:
    rounds = [_run(10, 100, searches=1.0), _run(30, 80, searches=1.4), _run(20, 120, searches=1.1)]
    merged = _median_of(rounds)
    assert (merged["p50_ms"], merged["req_per_s"], merged["engine_searches"]) == (20, 100, 1.1)
    assert (merged["requests"], merged["non_2xx"], merged["errors"]) == (30, 3, {"503": 3})
    paired = _paired(_run(12, 90), _run(10, 100))
    assert paired["ratio_p50"] == pytest.approx(1.2)
    assert paired["ratio_throughput"] == pytest.approx(0.9)
    assert paired["p50_added_ms"] == pytest.approx(2.0)


@pytest.mark.parametrize(
    ("ours_api", "ours_engine", "direct_engine", "expected"),
    [(0.0, 10.0, 10.0, 1.0), (2.5, 10.0, 10.0, 0.8), (0.0, 20.0, 10.0, 0.5)],
)
def test_the_cpu_bound_ratio(
    ours_api: float, ours_engine: float, direct_engine: float, expected: float
) -> None:
    ours = _run(10, 1, api_cpu=ours_api, engine_cpu=ours_engine)
    assert _cpu_bound_ratio(ours, _run(10, 1, engine_cpu=direct_engine)) == pytest.approx(
        expected
    )


def test_cpu_seconds_counts_the_process_and_grows_with_work() -> None:
    before = cpu_seconds(os.getpid())
    deadline = time.process_time() + 0.2
    while time.process_time() < deadline:  # burn 0.2 s of CPU
        pass
    assert cpu_seconds(os.getpid()) - before >= 0.1
