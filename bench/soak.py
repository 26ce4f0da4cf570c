"""Soak: many clients for a long time, real and hostile queries and exports, flat memory.

Data: the demo catalogue (`mucluc.demo`), loaded by the real `Loader` into the catalogue
``bench-soak`` of a throwaway node this benchmark starts (so it can restart it).

Load: ``MUCLUC_SOAK_CLIENTS`` (default 64) closed-loop clients for ``MUCLUC_SOAK_SECONDS``
(default 600) against `python -m mucluc serve --workers N` for each N in ``MUCLUC_SOAK_WORKERS``
(default ``1,<CPUs>``). Each request is, at random (seeded): a real query made from a demo book
(title words with and without diacritics, author, a library filter, sort, page 2, a suggestion),
a hostile query (stray and unbalanced quotation marks, deep nesting, operators, control
characters, raw and invalid percent-encoding, oversize parameters, bad cursors), or an export
of a demo book in one of the six formats. The API's rate limit is set out of the way: this
measures the API, not the limiter.

Errors: a 5xx, a transport failure or a client timeout (``REQUEST_TIMEOUT``). 4xx answers to
hostile requests are expected and counted apart; 5xx are listed by their JSON error code.
Memory: the summed RSS of the serve process and its workers after warm-up and at the end
(with samples in between, in the JSON). The engine's side is sampled at the same moments
(``engine_samples``: heap used %, the parent breaker's estimate, each breaker's trips since the
node started) and the node's own log is kept as ``soak-node.log``: why the engine refused.

Engine restart (``MUCLUC_SOAK_RESTART``, default on; ``only`` for the restart runs alone): the
run is repeated with the node stopped
at a third of the duration and started again after ``MUCLUC_SOAK_DOWN_SECONDS`` (default 15)
on the same port: every answer while it is away must be a JSON 503, and the API must answer
200 again by itself afterwards (errors outside the restart window must be 0). The window runs
from the stop to 30 s after /health answers 200 again; a request belongs to it when it was in
flight at any moment of it.

JSON in ``bench/results/soak.json``.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import aiohttp
from opensearchpy import AsyncOpenSearch

from bench.common import RESULTS, table, write_results
from harvesters.files import read_path
from indexer import node
from indexer.load import Loader
from indexer.store import Store
from mucluc.core.config import load_config
from mucluc.demo.catalogue import write_demo_catalogue

SECONDS = float(os.environ.get("MUCLUC_SOAK_SECONDS", "600"))
CLIENTS = int(os.environ.get("MUCLUC_SOAK_CLIENTS", "64"))
WORKERS = tuple(
    int(w) for w in os.environ.get("MUCLUC_SOAK_WORKERS", f"1,{os.cpu_count() or 1}").split(",")
)
RESTART = os.environ.get("MUCLUC_SOAK_RESTART", "1") not in ("0", "", "no")
RESTART_ONLY = os.environ.get("MUCLUC_SOAK_RESTART", "") == "only"  # skip the steady runs
DOWN_SECONDS = float(os.environ.get("MUCLUC_SOAK_DOWN_SECONDS", "15"))
# The node is started again with the same heap: a smaller default heap trips the engine's
# memory circuit breaker under 64 clients, which is not what the restart run measures.
HEAP = os.environ.get("MUCLUC_BENCH_HEAP", "768m")
# Seconds the restarted node has to answer green/yellow: node.start's default (180 s) was too
# short on the shared machine (load ~20 on 2 cores, 64 clients hammering the starting node).
RESTART_TIMEOUT = 600.0
WARM_UP_SECONDS = 5.0
REQUEST_TIMEOUT = 30.0
PREFIX = "bench-soak"
REPO = Path(__file__).resolve().parents[1]
FORMATS = ("json", "marcxml", "iso2709", "marc-json", "ris", "bibtex", "csl-json")
HOSTILE = [
    "Sống Cho Chính Mình” Phiên Bản Mini", "Nhà Giả Kim»", "”", "» « ” “ „", '"a" ” "b',
    "(" * 200 + "kieu", ")" * 300, "NOT " * 100 + "a", "-" * 400, "title:" * 80,
    "kieu AND", "OR OR OR", "year:99999..0", "isbn:" + "9" * 300, "a\x00b\x1b\u202e",
    "truyện" * 80, "e\u0301" * 200, "「『kieu』", "*?~^\\", "🙂" * 100, "\ufeffkieu",
]  # fmt: skip
RAW_HOSTILE = [
    "/api/v1/search?q=%ff%fe%ed%a0%80", "/api/v1/search?q=%", "/api/v1/search?cursor=%%%",
    "/api/v1/search?cursor=" + "A" * 3000, "/api/v1/search?size=-1&page=99999999999999999999",
    "/api/v1/search?" + "library=DBI&" * 400, "/api/v1/records/..%2f..%2fetc",
    "/api/v1/suggest?q=" + "a" * 500, "/api/v1/records/x?format=%00", "/api/v1/nothing",
]  # fmt: skip


def _rss_kib(pid: int) -> int:
    """Summed VmRSS of a process and its children (the serve process and its workers)."""
    total = 0
    children = Path(f"/proc/{pid}/task/{pid}/children")
    pids = [pid] + [int(c) for c in children.read_text().split()] if children.exists() else [pid]
    for one in pids:
        try:
            for line in Path(f"/proc/{one}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            continue
    return total


async def _engine_sample(url: str) -> dict[str, Any] | None:
    """The engine's heap and circuit breakers now (None while it is away)."""
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http:
            async with http.get(f"{url}/_nodes/stats/breaker,jvm") as response:
                stats = await response.json()
    except (aiohttp.ClientError, TimeoutError, ValueError):
        return None
    (one,) = stats["nodes"].values()
    breakers = one["breakers"]
    return {
        "heap_used_percent": one["jvm"]["mem"]["heap_used_percent"],
        "parent_estimate_mib": round(breakers["parent"]["estimated_size_in_bytes"] / 2**20, 1),
        "tripped": {name: b["tripped"] for name, b in breakers.items() if b["tripped"]},
    }


async def _load_demo(url: str, work: Path) -> list[dict[str, Any]]:
    """Load the demo catalogue; return one small description per book (for queries)."""
    config = load_config(REPO / "mucluc.toml")
    files = write_demo_catalogue(work / "demo")
    client = AsyncOpenSearch(hosts=[url], timeout=120)
    try:
        store = Store(client, PREFIX)
        await store.ensure_indices()
        loader = Loader(store, config.libraries)
        for code, path in sorted(files.items()):
            await loader.load(read_path(path, library=code))
        await client.indices.refresh(index=f"{PREFIX}-*")
        found = await client.search(
            index=f"{PREFIX}-union", body={"size": 500, "_source": ["display"]}
        )
    finally:
        await client.close()
    books = []
    for hit in found["hits"]["hits"]:
        display = hit["_source"].get("display", {})
        books.append(
            {"id": hit["_id"], "title": display.get("title", ""),
             "authors": display.get("authors", []), "libraries": sorted(files)}
        )  # fmt: skip
    return books


def _fold(text: str) -> str:
    import unicodedata

    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def _requests(books: list[dict[str, Any]], rng: random.Random, n: int) -> list[tuple[str, str]]:
    """(kind, path) for ``n`` requests: 65% real searches, 20% hostile, 15% exports."""
    made: list[tuple[str, str]] = []
    for _ in range(n):
        book = rng.choice(books)
        roll = rng.random()
        if roll < 0.65:
            words = book["title"].split()[: rng.randint(1, 4)]
            q = " ".join(words)
            choice = rng.random()
            params: dict[str, str] = {"q": _fold(q) if choice < 0.3 else q}
            if book["authors"] and choice > 0.8:
                params["q"] = f"author:{_fold(book['authors'][0].split(',')[0])} {words[0]}"
            if rng.random() < 0.2:
                params["library"] = rng.choice(book["libraries"])
            if rng.random() < 0.1:
                params["sort"] = "title"
            if rng.random() < 0.1:
                params["page"] = "2"
            route = "/api/v1/suggest" if rng.random() < 0.15 else "/api/v1/search"
            made.append(("real", f"{route}?{urlencode(params)}"))
        elif roll < 0.85:
            if rng.random() < 0.3:
                made.append(("hostile", rng.choice(RAW_HOSTILE)))
            else:
                q = rng.choice(HOSTILE)
                made.append(("hostile", "/api/v1/search?q=" + quote(q, safe="")))
        else:
            made.append(("export", f"/api/v1/records/{book['id']}?format={rng.choice(FORMATS)}"))
    return made


async def _drive(
    base: str, requests: list[tuple[str, str]], clients: int, stop: asyncio.Event
) -> dict[str, Any]:
    """Closed-loop clients until ``stop`` is set; every answer is recorded as (time since
    start, kind, status, ms); a 5xx is recorded with its JSON error code ("503 timeout")."""
    answers: list[tuple[float, str, int | str, float]] = []
    started = time.monotonic()
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    connector = aiohttp.TCPConnector(limit=clients)

    async def client(c: int, http: aiohttp.ClientSession) -> None:
        i = c * len(requests) // clients
        while not stop.is_set():
            kind, path = requests[i % len(requests)]
            i += 1
            sent = time.monotonic()
            status: int | str
            try:
                async with http.get(base + path, allow_redirects=False) as response:
                    body = await response.read()
                    status = response.status
                    if status >= 500:
                        status = f"{status} {_code(body)}"  # not JSON: "5xx ?"
            except (aiohttp.ClientError, TimeoutError):
                status = "transport"  # transport failure or client timeout
            answers.append((sent - started, kind, status, (time.monotonic() - sent) * 1000))

    async with aiohttp.ClientSession(
        timeout=timeout, connector=connector, skip_auto_headers=["Accept-Encoding"]
    ) as http:
        await asyncio.gather(*(client(c, http) for c in range(clients)))
    return {"answers": answers, "wall": time.monotonic() - started}


def _code(body: bytes) -> str:
    try:
        return str(json.loads(body)["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return "?"


async def _for(seconds: float, base: str, requests: list[tuple[str, str]], clients: int) -> Any:
    stop = asyncio.Event()
    asyncio.get_running_loop().call_later(seconds, stop.set)
    return await _drive(base, requests, clients, stop)


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _serve(url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "MUCLUC_OPENSEARCH_URL": url, "MUCLUC_INDEX_PREFIX": PREFIX,
           "MUCLUC_RATE_LIMIT": "1000000,1000000"}  # fmt: skip
    command = [sys.executable, "-m", "mucluc", "serve", "--port", str(port),
               "--workers", str(workers)]  # fmt: skip
    RESULTS.mkdir(parents=True, exist_ok=True)
    log = (RESULTS / f"soak-serve-{workers}.log").open("wb")  # why a 503 happened, afterwards
    try:
        return subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    finally:
        log.close()  # the child holds its own copy


async def _wait_healthy(base: str, limit: float = 60.0) -> float:
    """Seconds until /health answers 200 (bounded)."""
    started = time.monotonic()
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http:
        while time.monotonic() - started < limit:
            try:
                async with http.get(f"{base}/health") as response:
                    if response.status == 200:
                        return time.monotonic() - started
            except (aiohttp.ClientError, TimeoutError):
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError(f"{base} did not become healthy in {limit:.0f} s")


async def _run_one(
    directory: Path, url: str, books: list[dict[str, Any]], workers: int, restart: bool
) -> dict[str, Any]:
    port = node.free_port()
    base = f"http://127.0.0.1:{port}"
    requests = _requests(books, random.Random(20261201 + workers), 20_000)
    process = _serve(url, port, workers)
    window: tuple[float, float] | None = None
    try:
        await _wait_healthy(base)
        await _for(WARM_UP_SECONDS, base, requests, min(8, CLIENTS))
        rss_start = _rss_kib(process.pid)
        samples: list[tuple[float, int]] = []

        def sample_rss() -> None:
            samples.append((round(time.monotonic() - started), _rss_kib(process.pid)))

        engine: list[tuple[float, dict[str, Any] | None]] = []
        stop = asyncio.Event()
        load = asyncio.create_task(_drive(base, requests, CLIENTS, stop))
        started = time.monotonic()
        # The load runs SECONDS; with a restart, until SECONDS / 3 past the recovery at least.
        if not restart:
            asyncio.get_running_loop().call_later(SECONDS, stop.set)
        if restart:
            while (left := SECONDS / 3 - (time.monotonic() - started)) > 0:  # RSS before too
                sample_rss()
                await asyncio.sleep(min(max(1.0, SECONDS / 20), left))
            engine_port = int(url.rsplit(":", 1)[1])
            down_at = time.monotonic() - started
            await asyncio.to_thread(node.stop, directory)
            await asyncio.sleep(DOWN_SECONDS)
            await asyncio.to_thread(
                node.start, directory, port=engine_port, heap=HEAP, timeout=RESTART_TIMEOUT
            )
            back_at = time.monotonic() - started
            recovered = await _wait_healthy(base)
            window = (down_at, back_at + recovered + REQUEST_TIMEOUT)
            end = max(SECONDS, window[1] + SECONDS / 3)
            asyncio.get_running_loop().call_later(end - (time.monotonic() - started), stop.set)
        while not load.done():
            sample_rss()
            engine.append((samples[-1][0], await _engine_sample(url)))
            await asyncio.wait({load}, timeout=max(1.0, SECONDS / 20))
        driven = load.result()
        rss_end = _rss_kib(process.pid)
        engine.append((round(time.monotonic() - started), await _engine_sample(url)))
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
    summary = _summary(workers, driven, rss_start, rss_end, samples, window)
    summary["engine_samples"] = engine
    return summary


def _summary(
    workers: int,
    driven: dict[str, Any],
    rss_start: int,
    rss_end: int,
    samples: list[tuple[float, int]],
    window: tuple[float, float] | None,
) -> dict[str, Any]:
    answers = driven["answers"]

    def inside(answer: tuple[float, str, int | str, float]) -> bool:
        """Was the request in flight at any moment of the window (sent before its end, answered
        after its start)? A search under way when the engine is killed is answered 503 too."""
        sent, answered = answer[0], answer[0] + answer[3] / 1000
        return window is not None and sent <= window[1] and answered >= window[0]

    outside = [a for a in answers if not inside(a)]
    during = [a for a in answers if inside(a)]
    errors = [a for a in outside if isinstance(a[2], str)]
    ok_ms = [a[3] for a in outside if isinstance(a[2], int)]
    return {
        "workers": workers,
        "clients": CLIENTS,
        "seconds": round(driven["wall"]),
        "requests": len(answers),
        "per_second": len(answers) / driven["wall"],
        "errors": len(errors),
        "error_statuses": dict(Counter(a[2] for a in errors)),
        "statuses": {
            kind: dict(Counter(a[2] for a in answers if a[1] == kind))
            for kind in ("real", "hostile", "export")
        },
        "p50_ms": _percentile(ok_ms, 0.50),
        "p99_ms": _percentile(ok_ms, 0.99),
        "rss_start_mib": rss_start / 1024,
        "rss_end_mib": rss_end / 1024,
        "rss_samples_kib": samples,
        "restart_window_s": window,
        # When the errors outside the window were sent (seconds since the start, 10 s buckets).
        "errors_by_10s": dict(sorted(Counter(int(a[0] // 10) * 10 for a in errors).items())),
        "during_restart": dict(Counter(a[2] for a in during)),
    }


async def _main() -> list[dict[str, Any]]:
    results = []
    with tempfile.TemporaryDirectory(prefix="mucluc-soak-") as work:
        directory = Path(work) / "node"
        state = node.start(directory, heap=HEAP)
        try:
            books = await _load_demo(state.url, Path(work))
            for workers in [] if RESTART_ONLY else WORKERS:
                results.append(await _run_one(directory, state.url, books, workers, False))
                print(_table(results[-1:]), flush=True)
                write_results("soak", {"runs": results})  # kept if a later run fails
            if RESTART:
                for workers in WORKERS:
                    results.append(await _run_one(directory, state.url, books, workers, True))
                    print(_table(results[-1:]), flush=True)
                    write_results("soak", {"runs": results})
        finally:
            node.stop(directory)
            log = directory / "logs" / "mucluc.log"
            if log.exists():
                (RESULTS / "soak-node.log").write_bytes(log.read_bytes())
    return results


def _table(results: list[dict[str, Any]]) -> str:
    headers = ["workers", "restart", "clients", "seconds", "requests", "req/s", "errors",
               "503 in window", "p50 ms", "p99 ms", "RSS start MiB", "RSS end MiB",
               "breaker trips", "errors by code"]  # fmt: skip
    rows = [
        [
            r["workers"],
            "yes" if r["restart_window_s"] else "no",
            r["clients"],
            r["seconds"],
            r["requests"],
            round(r["per_second"], 1),
            r["errors"],
            sum(n for k, n in r["during_restart"].items() if str(k).startswith("503"))
            if r["restart_window_s"]
            else "-",
            round(r["p50_ms"], 1),
            round(r["p99_ms"], 1),
            round(r["rss_start_mib"], 1),
            round(r["rss_end_mib"], 1),
            _breaker_trips(r.get("engine_samples", [])),
            ", ".join(f"{code}: {n}" for code, n in sorted(r["error_statuses"].items())) or "-",
        ]
        for r in results
    ]
    return table(headers, rows)


def _breaker_trips(samples: list[tuple[float, dict[str, Any] | None]]) -> int | str:
    """The engine's circuit-breaker trips at the last sample that answered (counted since the
    node last started: after the restart, in a restart run)."""
    answered = [sample for _, sample in samples if sample is not None]
    return sum(answered[-1]["tripped"].values()) if answered else "?"


def main() -> int:
    results = asyncio.run(_main())
    print(_table(results))
    write_results("soak", {"runs": results})
    return 0 if all(r["errors"] == 0 for r in results) else 1
