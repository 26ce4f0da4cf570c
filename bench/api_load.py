"""Search API under load: `mucluc serve` vs. the same engine requests sent straight to OpenSearch.

Data: ``MUCLUC_BENCH_API_RECORDS`` (default 100,000) generated MARC records of the six demo
libraries, each record loaded as its own library's (the 003 field) by the real `Loader` into the
catalogue ``bench-api``; an existing ``bench-api`` catalogue with at least that many union
documents is reused as it is.

Queries: a seeded sample of the loaded books, each asked in one of the relevance benchmark's
kinds (`bench.query_kinds`: exact, unaccented, partial, author + word, Telex, VNI, other tone
style, capitals, NFD), some with what a reader adds: a library filter (one or two libraries),
a library-kind filter, a year range, sort by title, page 2. Every answer carries the facets.

Ours: ``GET /api/v1/search`` of `python -m mucluc serve` in its own process. Baseline: for each
query, the exact engine request body our handler builds (captured by running the real handler
against a recording engine), ``POST <prefix>-union/_search`` straight to OpenSearch. Our API may
add a second engine request (a ``_count`` for the did-you-mean check) when a query finds fewer
than three books; that is part of what it costs. A load client (`bench.load_client`) in its own
process runs each target closed-loop at 1, 16 and 64 concurrent clients. Both targets are
driven by the same client (aiohttp, kept-alive connections, one per concurrent client).

Like with like on a shared machine: before the load each target answers the whole query mix
once (so the API's minute-long work-count cache and the engine's caches are warm for both), then
``MUCLUC_BENCH_API_WARMUP`` seconds. Each concurrency is measured in ``MUCLUC_BENCH_API_ROUNDS``
(default 3) rounds of ``MUCLUC_BENCH_API_SECONDS`` (default 10) seconds per target, the two
targets alternating (ours first in even rounds, direct first in odd ones), so a load spike from
the rest of the machine hits both; a ratio is the median of the rounds' paired ratios, an
absolute figure the median of the rounds. The load average is recorded around every level.

Reported per concurrency: p50/p95/p99 latency (2xx answers) and throughput for both, the ratios
ours/direct, p50 ours − direct in ms (the issue's "engine + 2 ms"), and non-2xx answers; the
queries the engine itself refuses are listed (each sent once straight to it before the load);
JSON in ``bench/results/api_load.json``.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import random
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import orjson
from aiohttp import web
from aiohttp.test_utils import make_mocked_request
from opensearchpy import AsyncOpenSearch

from bench.api_processes import (
    cpu_seconds,
    engine_cpu_seconds,
    engine_searches,
    run_client,
    start_server,
    stop,
    wait_healthy,
)
from bench.common import engine_url, table, write_results
from bench.query_kinds import KINDS, title_words, unaccented
from harvesters.files import read_path
from indexer.load import Loader
from indexer.store import Store, alias
from mucluc.core.library import Library
from mucluc.demo.generate import generate_records
from mucluc.demo.libraries import DEMO_LIBRARIES
from searchapi.search import search
from searchapi.state import LIBRARIES, STORE
from searchapi.works import WORK_COUNTS, WorkCounts

RECORDS = int(os.environ.get("MUCLUC_BENCH_API_RECORDS", "100000"))
SECONDS = float(os.environ.get("MUCLUC_BENCH_API_SECONDS", "10"))
ROUNDS = int(os.environ.get("MUCLUC_BENCH_API_ROUNDS", "3"))
WARM_UP_SECONDS = float(os.environ.get("MUCLUC_BENCH_API_WARMUP", "5"))
LEVELS = tuple(int(c) for c in os.environ.get("MUCLUC_BENCH_API_LEVELS", "1,16,64").split(","))
SAMPLE = int(os.environ.get("MUCLUC_BENCH_API_QUERIES", "500"))
SEED = 7  # issue 6, item 7
PREFIX_NAME = "bench-api"
UNION = f"{PREFIX_NAME}-union"
BATCH = 1000
CHECKED = 50  # queries whose answers are compared between the two targets before the load
LIBS = {lib.code: Library(lib.code, lib.name, lib.kind, lib.parent or "") for lib in DEMO_LIBRARIES}
KIND_NAMES = tuple(KINDS)


# ---------------------------------------------------------------- the catalogue


async def _union_count(engine: AsyncOpenSearch) -> int:
    if not await engine.indices.exists_alias(name=UNION):
        return 0
    await engine.indices.refresh(index=UNION)
    return int((await engine.count(index=UNION))["count"])


def _write_by_library(work: Path, n: int, seed: int) -> dict[str, Path]:
    """``n`` generated records split into one ISO 2709 file per library (the 003 field)."""
    handles: dict[str, Any] = {}
    try:
        for record in generate_records(n, seed=seed):
            code = record["003"].data
            if code not in handles:
                handles[code] = (work / f"{code}-{seed}.mrc").open("wb")
            handles[code].write(record.as_marc())
    finally:
        for handle in handles.values():
            handle.close()
    return {code: work / f"{code}-{seed}.mrc" for code in handles}


async def build_catalogue(engine: AsyncOpenSearch, work: Path) -> dict[str, Any]:
    """At least RECORDS union documents under ``bench-api``; reuse them when already there."""
    existing = await _union_count(engine)
    if existing >= RECORDS:
        print(f"reusing {UNION}: {existing:,} union documents", flush=True)
        return {"reused": True, "union_documents": existing, "load_seconds": None}
    store = Store(engine, PREFIX_NAME)
    await store.drop_all()
    await store.ensure_indices()
    loader = Loader(store, LIBS, batch_size=BATCH)
    started = time.perf_counter()
    loaded, seed, wanted = 0, 0, RECORDS
    # Clusters can merge a few records, so top up (new seeds) until the union index is full.
    while wanted > 0 and seed < 5:
        files = _write_by_library(work, wanted, seed)
        for code, path in sorted(files.items()):
            summary = await loader.load(read_path(path, library=code))
            loaded += summary.loaded
            path.unlink()
        count = await _union_count(engine)
        print(
            f"loaded {loaded:,} records → {count:,} union documents "
            f"({time.perf_counter() - started:.0f} s)",
            flush=True,
        )
        wanted = RECORDS - count
        seed += 1
    return {
        "reused": False,
        "records_loaded": loaded,
        "union_documents": await _union_count(engine),
        "load_seconds": time.perf_counter() - started,
    }


# ---------------------------------------------------------------- the query mix


async def _sample_books(engine: AsyncOpenSearch, n: int) -> list[dict[str, Any]]:
    body = {
        "size": n,
        "_source": ["display.title", "display.authors", "display.year", "libraries"],
        "query": {"function_score": {"random_score": {"seed": SEED, "field": "_seq_no"}}},
    }
    found = await engine.search(index=UNION, body=body)
    return [hit["_source"] for hit in found["hits"]["hits"]]


def _extras(rng: random.Random, book: dict[str, Any]) -> list[tuple[str, str]]:
    """What a reader adds to a query, sometimes: filters, a sort, the next page."""
    libraries = book.get("libraries") or [rng.choice(sorted(LIBS))]
    roll = rng.random()
    if roll < 0.12:
        return [("library", rng.choice(libraries))]
    if roll < 0.16:
        others = [c for c in sorted(LIBS) if c not in libraries]
        return [("library", libraries[0]), ("library", rng.choice(others or sorted(LIBS)))]
    if roll < 0.20:
        return [("kind", LIBS[libraries[0]].kind if libraries[0] in LIBS else "district")]
    if roll < 0.24 and book.get("display", {}).get("year"):
        year = int(book["display"]["year"])
        return [("year_from", str(year - 5)), ("year_to", str(year + 5))]
    if roll < 0.32:
        return [("sort", "title")]
    if roll < 0.40:
        return [("page", "2")]
    return []


def make_mix(books: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One query a book: a kind in turn (falling back to the exact title when the kind does not
    apply), the words and reader's extras as request parameters."""
    rng = random.Random(SEED)
    frequency = Counter(
        w
        for b in books
        for w in {unaccented(w).lower() for w in title_words(b["display"]["title"])}
    )
    mix: list[dict[str, Any]] = []
    for i, book in enumerate(books):
        display = book["display"]
        authors = display.get("authors") or []
        kind = KIND_NAMES[i % len(KIND_NAMES)]
        text = KINDS[kind](display["title"], authors[0] if authors else "", frequency, rng)
        if text is None:
            kind, text = "exact title", display["title"]
        params = [("q", text), *_extras(rng, book)]
        mix.append({"kind": kind, "params": params})
    rng.shuffle(mix)
    return mix


class _RecordingStore:
    """Stands in for the catalogue store: keeps the search body and answers 'nothing found'."""

    def __init__(self) -> None:
        self.bodies: list[tuple[str, dict[str, Any]]] = []

    async def search(self, name: str, body: dict[str, Any], **_: Any) -> dict[str, Any]:
        # As the store sends it (orjson: the kept engine query is JSON already written).
        self.bodies.append((alias(PREFIX_NAME, name), orjson.loads(orjson.dumps(body))))  # type: ignore[arg-type]
        return {"hits": {"total": {"value": 0}, "hits": []}}

    async def count(self, *_: Any, **__: Any) -> int:  # pragma: no cover - not reached
        return 0


async def engine_request(params: list[tuple[str, str]]) -> tuple[str, dict[str, Any]]:
    """(index, body) our search handler sends to the engine for this request, by running it."""
    app = web.Application()
    recorder = _RecordingStore()
    app[STORE] = recorder  # type: ignore[assignment]
    app[LIBRARIES] = LIBS
    app[WORK_COUNTS] = WorkCounts()
    request = make_mocked_request("GET", "/api/v1/search?" + urlencode(params), app=app)
    response = await search(request)
    if response.status != 200 or len(recorder.bodies) != 1:
        raise RuntimeError(f"the handler did not make one engine search for {params}")
    return recorder.bodies[0]


# ---------------------------------------------------------------- processes



# ---------------------------------------------------------------- measuring


def percentile(ordered: list[float], p: float) -> float:
    """Nearest rank."""
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def summarise(raw: dict[str, Any]) -> dict[str, Any]:
    ordered = sorted(raw["latencies_ms"])
    return {
        "requests": raw["completed"],
        "ok": raw["ok"],
        "non_2xx": sum(raw["errors"].values()),
        "errors": raw["errors"],
        "transport_failures": raw["failures"],
        "seconds": raw["wall_seconds"],
        "req_per_s": raw["ok"] / raw["wall_seconds"] if raw["wall_seconds"] else 0.0,
        "p50_ms": percentile(ordered, 50),
        "p95_ms": percentile(ordered, 95),
        "p99_ms": percentile(ordered, 99),
        "mean_ms": sum(ordered) / len(ordered) if ordered else math.nan,
    }


async def compare_answers(
    api: str, url: str, mix: list[dict[str, Any]], bodies: list[dict[str, Any]]
) -> dict[str, int]:
    """Both targets must find the same books in the same order (else the baseline is wrong)."""
    same = differ = failed = 0
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as http:
        for query, body in list(zip(mix, bodies, strict=True))[:CHECKED]:
            async with http.get(f"{api}/api/v1/search", params=query["params"]) as r:
                ours = await r.json()
            if r.status != 200:  # e.g. the API's deadline on a busy machine: not a comparison
                print(f"not compared ({r.status}): {query['params']}: {ours}", flush=True)
                failed += 1
                continue
            async with http.post(f"{url}/{UNION}/_search", json=body) as r:
                direct = await r.json()
            if [h["id"] for h in ours["hits"]] == [h["_id"] for h in direct["hits"]["hits"]] and (
                ours["total"] == direct["hits"]["total"]["value"]
            ):
                same += 1
            else:
                differ += 1
    return {"same": same, "differ": differ, "not_answered": failed}


async def failing_queries(
    url: str, mix: list[dict[str, Any]], bodies: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The queries the engine itself refuses (each once, straight to it): their non-2xx answers
    in the load are the product's, not the load's."""
    failing = []
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as http:
        for query, body in zip(mix, bodies, strict=True):
            async with http.post(f"{url}/{UNION}/_search", json=body) as r:
                if r.status < 300:
                    await r.read()
                    continue
                answer = await r.json(content_type=None)
            cause = (answer.get("error") or {}).get("root_cause") or [{}]
            failing.append(
                {
                    "kind": query["kind"],
                    "params": query["params"],
                    "status": r.status,
                    "error": f"{cause[0].get('type')}: {cause[0].get('reason')}",
                }
            )
    return failing


async def prepare(url: str, work: Path) -> tuple[dict[str, Any], list[dict[str, Any]], list[Any]]:
    engine = AsyncOpenSearch(hosts=[url], timeout=600)
    try:
        catalogue = await build_catalogue(engine, work)
        books = await _sample_books(engine, SAMPLE)
    finally:
        await engine.close()
    mix = make_mix(books)
    bodies = []
    for query in mix:
        index, body = await engine_request(query["params"])
        if index != UNION:
            raise RuntimeError(f"the handler searched {index}, not {UNION}")
        bodies.append(body)
    return catalogue, mix, bodies


@dataclass(frozen=True)
class CpuMeters:
    """CPU seconds used so far by our API's processes and by the engine; the engine's
    searches so far."""

    api: Callable[[], float]
    engine: Callable[[], float]
    searches: Callable[[], float]


def _paired(ours: dict[str, Any], direct: dict[str, Any]) -> dict[str, float]:
    return {
        "ratio_p50": ours["p50_ms"] / direct["p50_ms"],
        "ratio_p95": ours["p95_ms"] / direct["p95_ms"],
        "ratio_p99": ours["p99_ms"] / direct["p99_ms"],
        "ratio_throughput": ours["req_per_s"] / direct["req_per_s"],
        "p50_added_ms": ours["p50_ms"] - direct["p50_ms"],
    }


def _median_of(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """Every figure's median over the rounds (the counts summed)."""
    merged: dict[str, Any] = {}
    for key in ("req_per_s", "p50_ms", "p95_ms", "p99_ms", "mean_ms", "api_cpu_ms",
                "engine_cpu_ms", "engine_searches"):  # fmt: skip
        merged[key] = statistics.median(r[key] for r in rounds)
    for key in ("requests", "ok", "non_2xx"):
        merged[key] = sum(r[key] for r in rounds)
    merged["errors"] = dict(sum((Counter(r["errors"]) for r in rounds), Counter()))
    merged["transport_failures"] = dict(
        sum((Counter(r["transport_failures"]) for r in rounds), Counter())
    )
    return merged


def _run(
    work: Path, name: str, target: tuple[str, list[list[Any]]], clients: int, cpu: CpuMeters
) -> dict[str, Any]:
    """One timed run, with the CPU the API's processes and the engine used per answer."""
    base, requests = target
    api_before, engine_before, searches_before = cpu.api(), cpu.engine(), cpu.searches()
    found = summarise(run_client(work, name, base, requests, clients, SECONDS))
    answered = max(1, found["requests"])
    found["api_cpu_ms"] = (cpu.api() - api_before) * 1000 / answered
    found["engine_cpu_ms"] = (cpu.engine() - engine_before) * 1000 / answered
    found["engine_searches"] = (cpu.searches() - searches_before) / answered
    return found


def _cpu_bound_ratio(ours: dict[str, Any], direct: dict[str, Any]) -> float:
    """Throughput ours ÷ direct where CPU is what runs out (a busy machine, as here): the
    engine's CPU per answer straight to it ÷ (the engine's + our processes' per API answer)."""
    spent = ours["engine_cpu_ms"] + ours["api_cpu_ms"]
    return direct["engine_cpu_ms"] / spent if spent else math.nan


def measure_level(
    work: Path, clients: int, targets: dict[str, tuple[str, list[list[Any]]]], cpu: CpuMeters
) -> dict[str, Any]:
    """``ROUNDS`` alternating rounds of both targets at ``clients``; medians and paired ratios."""
    load_before = os.getloadavg()
    rounds: list[dict[str, Any]] = []
    for number in range(ROUNDS):
        order = ("ours", "direct") if number % 2 == 0 else ("direct", "ours")
        found = {name: _run(work, name, targets[name], clients, cpu) for name in order}
        rounds.append(
            {
                **found,
                **_paired(found["ours"], found["direct"]),
                "cpu_bound_ratio": _cpu_bound_ratio(found["ours"], found["direct"]),
            }
        )
    ours = _median_of([r["ours"] for r in rounds])
    direct = _median_of([r["direct"] for r in rounds])
    level = {"concurrency": clients, "ours": ours, "direct": direct}
    for key in ("ratio_p50", "ratio_p95", "ratio_p99", "ratio_throughput", "p50_added_ms",
                "cpu_bound_ratio"):  # fmt: skip
        level[key] = statistics.median(r[key] for r in rounds)
        level[f"{key}_rounds"] = [r[key] for r in rounds]
    level["load_average"] = {"before": load_before[0], "after": os.getloadavg()[0]}
    return level


def measure(url: str, work: Path) -> dict[str, Any]:
    catalogue, mix, bodies = asyncio.run(prepare(url, work))
    api_requests = [["GET", "/api/v1/search?" + urlencode(q["params"]), None] for q in mix]
    direct_requests = [
        ["POST", f"/{UNION}/_search", json.dumps(b, ensure_ascii=False)] for b in bodies
    ]
    process, api = start_server(url, work, PREFIX_NAME, LIBS)
    try:
        asyncio.run(wait_healthy(process, api, work))
        checked = asyncio.run(compare_answers(api, url, mix, bodies))
        print(f"answers compared on {CHECKED} queries: {checked}", flush=True)
        failing = asyncio.run(failing_queries(url, mix, bodies))
        targets = {"ours": (api, api_requests), "direct": (url, direct_requests)}
        cpu = CpuMeters(
            partial(cpu_seconds, process.pid), partial(engine_cpu_seconds, url),
            partial(engine_searches, url),
        )  # fmt: skip
        for name, (base, requests) in targets.items():
            # Every query once (caches warm on both sides), then a timed warm-up.
            run_client(work, f"warmup-{name}", base, requests, 4, 600, len(requests))
            run_client(work, f"warmup-{name}", base, requests, 4, WARM_UP_SECONDS)
        levels = []
        for clients in LEVELS:
            level = measure_level(work, clients, targets, cpu)
            levels.append(level)
            ours, direct = level["ours"], level["direct"]
            print(
                f"{clients:>3} clients: ours {ours['req_per_s']:.0f} req/s p50 "
                f"{ours['p50_ms']:.1f} ms, direct {direct['req_per_s']:.0f} req/s p50 "
                f"{direct['p50_ms']:.1f} ms; throughput ratio per round "
                f"{', '.join(f'{r:.2f}' for r in level['ratio_throughput_rounds'])}; "
                f"CPU per answer: API {ours['api_cpu_ms']:.2f} ms + engine "
                f"{ours['engine_cpu_ms']:.2f} ms vs engine {direct['engine_cpu_ms']:.2f} ms "
                f"(CPU-bound ratio {level['cpu_bound_ratio']:.2f}); engine searches per "
                f"answer {ours['engine_searches']:.2f} vs {direct['engine_searches']:.2f}; "
                f"load average {level['load_average']['before']:.1f}"
                f"→{level['load_average']['after']:.1f}",
                flush=True,
            )
    finally:
        stop(process)
    return {
        "catalogue": catalogue,
        "queries": len(mix),
        "query_kinds": dict(Counter(q["kind"] for q in mix)),
        "with_extras": sum(1 for q in mix if len(q["params"]) > 1),
        "answers_compared": checked,
        "failing_queries": failing,
        "seconds_per_run": SECONDS,
        "rounds": ROUNDS,
        "cpus": os.cpu_count(),
        "levels": levels,
    }


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="mucluc-bench-api-") as tmp, engine_url() as url:
        results = measure(url, Path(tmp))
    rows = []
    for level in results["levels"]:
        for name in ("ours", "direct"):
            r = level[name]
            rows.append(
                [level["concurrency"], name, r["requests"], r["non_2xx"], r["req_per_s"],
                 r["p50_ms"], r["p95_ms"], r["p99_ms"], r["api_cpu_ms"], r["engine_cpu_ms"]]
            )  # fmt: skip
        rows.append(
            [level["concurrency"], "ours/direct", "", "", level["ratio_throughput"],
             level["ratio_p50"], level["ratio_p95"], level["ratio_p99"], "", ""]
        )  # fmt: skip
        rows.append(
            [level["concurrency"], "ours−direct", "", "", "", level["p50_added_ms"], "", "",
             "", ""]
        )  # fmt: skip
        rows.append(
            [level["concurrency"], "CPU-bound ratio", "", "", level["cpu_bound_ratio"], "", "",
             "", "", ""]
        )  # fmt: skip
    print(
        table(
            ["clients", "target", "requests", "non-2xx", "req/s", "p50 ms", "p95 ms", "p99 ms",
             "API CPU ms/answer", "engine CPU ms/answer"],
            rows,
        )
    )
    catalogue = results["catalogue"]
    print(
        f"({catalogue['union_documents']:,} union documents; {results['queries']} queries, "
        f"{results['with_extras']} with filters/sort/page; answers compared: "
        f"{results['answers_compared']}; medians of {results['rounds']} alternating rounds "
        f"of {results['seconds_per_run']:.0f} s per target; load average "
        + ", ".join(
            f"{lv['load_average']['before']:.1f}→{lv['load_average']['after']:.1f}"
            for lv in results["levels"]
        )
        + ")"
    )
    for query in results["failing_queries"]:
        print(f"refused by the engine ({query['status']}), {query['kind']}: {query['params']}")
        print(f"  {query['error']}")
    print(f"results: {write_results('api_load', results)}")
    # Different answers mean the baseline is not our request: the comparison is void.
    return 1 if results["answers_compared"]["differ"] else 0
