"""SRU next to the reader API: the same queries on the same records, in one run.

The browser tests' Vietnamese catalogue is loaded into a real engine and served by the real API
on a local port. Each pair is one reader query and its CQL twin (they find the same books in the
same order: tests/integration/test_sru.py). Both are asked ``ROUNDS`` times, interleaved, for 10
results: the reader API as JSON, SRU as Dublin Core (display fields, like the API) and as MARCXML
(one more engine call for the MARC records). p50 and p90 per kind, and the SRU/API ratio of
medians, are printed and written to ``bench/results/sru.json``.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
from opensearchpy import AsyncOpenSearch

from bench.common import engine_url, table, write_results

PAIRS = [
    ("dien bien phu", '"dien bien phu"'),
    ("Điện Biên Phủ", '"Điện Biên Phủ"'),
    ("truyen kieu", '"truyen kieu"'),
    ("title:(truyện kiều)", 'dc.title = "truyện kiều"'),
    ("author:(nguyen du)", 'dc.creator = "nguyen du"'),
    ("hoa hoc", '"hoa hoc"'),
    ("lich su dang bo", '"lich su dang bo"'),
    ("isbn:9786046912347", "bath.isbn = 9786046912347"),
    ("year:2010..2020", 'dc.date within "2010 2020"'),
    ("muong thanh OR hoa ban", '"muong thanh" or "hoa ban"'),
]
ROUNDS = 15
WARM_UP = 2
SIZE = 10


def _stats(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "p50_ms": statistics.median(ordered),
        "p90_ms": ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))],
        "n": len(ordered),
    }


async def _timed(http: aiohttp.ClientSession, url: str, params: dict[str, Any]) -> float:
    started = time.perf_counter()
    async with http.get(url, params=params) as response:
        await response.read()
        assert response.status == 200, (url, params, response.status)
    return (time.perf_counter() - started) * 1000


async def _measure(api: str) -> dict[str, list[float]]:
    kinds = {
        "api": (f"{api}/api/v1/search", lambda q, _: {"q": q, "size": SIZE}),
        "sru_dc": (f"{api}/sru", lambda _, cql: {
            "operation": "searchRetrieve", "version": "1.2", "query": cql,
            "maximumRecords": SIZE, "recordSchema": "dc"}),
        "sru_marcxml": (f"{api}/sru", lambda _, cql: {
            "operation": "searchRetrieve", "version": "1.2", "query": cql,
            "maximumRecords": SIZE, "recordSchema": "marcxml"}),
    }
    timings: dict[str, list[float]] = {name: [] for name in kinds}
    async with aiohttp.ClientSession() as http:
        for round_ in range(WARM_UP + ROUNDS):
            for q, cql in PAIRS:
                for name, (url, params) in kinds.items():
                    took = await _timed(http, url, params(q, cql))
                    if round_ >= WARM_UP:
                        timings[name].append(took)
    return timings


async def run(url: str) -> dict[str, Any]:
    from indexer.store import Store
    from tests.browser import widget_site as site
    from tests.catalogue import api_app

    prefix = f"mucluc-bench-sru-{int(time.time())}"
    engine = AsyncOpenSearch(hosts=[url], timeout=60)
    runner = None
    try:
        with tempfile.TemporaryDirectory(prefix="mucluc-sru-bench-") as folder:
            await site.load_catalogue(engine, prefix, Path(folder))
        app = api_app(url, prefix, site.LIBRARIES, rate=100_000, burst=100_000)
        runner, api = await site.start(app)
        timings = await _measure(api)
    finally:
        if runner is not None:
            await runner.cleanup()
        await Store(engine, prefix).drop_all()
        await engine.close()
    results: dict[str, Any] = {name: _stats(values) for name, values in timings.items()}
    results["pairs"] = PAIRS
    results["rounds"] = ROUNDS
    for name in ("sru_dc", "sru_marcxml"):
        results[f"{name}_over_api_p50"] = results[name]["p50_ms"] / results["api"]["p50_ms"]
    return results


def main() -> int:
    with engine_url() as url:
        results = asyncio.run(run(url))
    labels = {"api": "GET /api/v1/search (JSON)", "sru_dc": "GET /sru searchRetrieve, dc",
              "sru_marcxml": "GET /sru searchRetrieve, marcxml"}
    rows = [[label, results[name]["n"], results[name]["p50_ms"], results[name]["p90_ms"]]
            for name, label in labels.items()]
    print(table(["request (10 records)", "requests", "p50 ms", "p90 ms"], rows))
    print(f"SRU dc / API p50: {results['sru_dc_over_api_p50']:.2f}; "
          f"SRU marcxml / API p50: {results['sru_marcxml_over_api_p50']:.2f}")
    print(f"results: {write_results('sru', results)}")
    return 0
