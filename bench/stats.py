"""Search statistics: what counting a search costs a reader's search.

On the browser tests' Vietnamese catalogue, real API and engine, in one run: two instances of
the API over the same catalogue, one counting searches (``count_searches=True``, flushing its
counters to the engine every ``FLUSH_SECONDS`` so flushes happen during the measurement) and one
not. Requests alternate between the two, query by query, so both see the same engine and the
same load: p50 and p90 of each, and the ratio of the p50s (the goal: no measurable difference,
a ratio within the run's own noise). The in-process cost of one count (the request path's only
work: a dictionary update) is measured too, in microseconds.

Results are printed and written to ``bench/results/stats.json``.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
from opensearchpy import AsyncOpenSearch

from bench.common import engine_url, latency_summary, table, timed_get, write_results

QUERIES = ["dien bien phu", "truyen kieu", "truyen co dan toc thai", "hoa hoc", "tat den",
           "to hoai", "lich su dang bo", "ca phe", "tieng viet 5", "nguyen du",
           "khong co sach nay xyz"]  # fmt: skip
ROUNDS = 20
FLUSH_SECONDS = "1"
COUNTS = 100_000




async def _measure(with_stats: str, without: str) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {"with": [], "without": []}
    async with aiohttp.ClientSession() as http:
        for round_ in range(ROUNDS + 2):  # two warm-up rounds
            for n, q in enumerate(QUERIES):
                params = {"q": q, "size": 10, **({"library": "DBI"} if n % 3 == 0 else {})}
                order = [("with", with_stats), ("without", without)]
                if (round_ + n) % 2:
                    order.reverse()  # neither instance always goes first
                for key, api in order:
                    took = await timed_get(http, f"{api}/api/v1/search", **params)
                    if round_ >= 2:
                        timings[key].append(took)
    return timings


def _count_cost() -> float:
    """Microseconds one search's counting costs in the request path (no I/O)."""
    from searchapi.stats_counter import SearchCounter

    counter = SearchCounter()
    started = time.perf_counter()
    for n in range(COUNTS):
        counter.search(QUERIES[n % len(QUERIES)], ["DBI"], [], n % 7, ("u1", "Truyện Kiều"))
    return (time.perf_counter() - started) / COUNTS * 1e6


async def run(url: str) -> dict[str, Any]:
    from indexer.store import Store
    from searchapi.stats_counter import COUNTER
    from tests.browser import widget_site as site
    from tests.catalogue import api_app

    os.environ["MUCLUC_STATS_FLUSH_SECONDS"] = FLUSH_SECONDS  # flushes during the measurement
    prefix = f"mucluc-bench-stats-{int(time.time())}"
    engine = AsyncOpenSearch(hosts=[url], timeout=60)
    runners = []
    try:
        with tempfile.TemporaryDirectory(prefix="mucluc-stats-bench-") as folder:
            await site.load_catalogue(engine, prefix, Path(folder))
        apis = {}
        for key, counting in (("with", True), ("without", False)):
            app = api_app(url, prefix, site.LIBRARIES, rate=1_000_000.0, burst=1_000_000.0,
                          count_searches=counting)
            runner, apis[key] = await site.start(app)
            runners.append((runner, app))
        timings = await _measure(apis["with"], apis["without"])
        counter = runners[0][1][COUNTER]
        pending = len(counter.counts)
    finally:
        for runner, _ in runners:
            await runner.cleanup()
        await Store(engine, prefix).drop_all()
        await engine.close()
    results: dict[str, Any] = {
        "queries": QUERIES,
        "rounds": ROUNDS,
        "flush_seconds": float(FLUSH_SECONDS),
        "with_counting": latency_summary(timings["with"]),
        "without_counting": latency_summary(timings["without"]),
        "count_cost_us": _count_cost(),
        "counters_pending_at_end": pending,
        "samples_ms": timings,
    }
    results["p50_ratio"] = (
        results["with_counting"]["p50_ms"] / results["without_counting"]["p50_ms"]
    )
    return results


def main() -> int:
    with engine_url() as url:
        results = asyncio.run(run(url))
    rows = [
        [label, s["n"], s["p50_ms"], s["p90_ms"]]
        for label, s in (("counting searches", results["with_counting"]),
                         ("not counting", results["without_counting"]))
    ]  # fmt: skip
    print(table(["GET /api/v1/search", "n", "p50 ms", "p90 ms"], rows))
    print(f"p50 with / without counting: {results['p50_ratio']:.3f} (goal: ≈ 1, within noise)")
    print(f"one search counted in memory: {results['count_cost_us']:.2f} µs")
    print(f"results: {write_results('stats', results)}")
    return 0
