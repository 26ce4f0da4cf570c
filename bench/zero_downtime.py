"""Zero-downtime benchmark: searches keep answering while (a) the union index is rebuilt
(`mucluc reindex`), (b) one node of three is restarted, (c) an API worker is restarted.

Set-up: a real three-node cluster on 127.0.0.1 (``MUCLUC_BENCH_CLUSTER_DIR`` reuses one started
with ``mucluc opensearch start --nodes 3``), a small catalogue, two `mucluc serve` processes.
Readers (``MUCLUC_ZD_READERS``, default 4) search a fixed query list in a closed loop for the
whole phase. Like the reverse proxy of docker/nginx.conf (``proxy_next_upstream error``), a
reader whose worker refuses the connection sends the request to the other worker; anything
else (a 5xx, a timeout, a wrong total) counts as a failed search.

Table: fault, when injected (seconds into the phase), searches attempted / failed, time to
green (cluster) or to healthy (worker).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

from bench.api_processes import start_server, stop, wait_healthy
from bench.common import table, write_results
from indexer import cluster_nodes
from indexer.load import Loader
from indexer.store import Store
from mucluc.core.library import Library
from tests.marc_builders import book

LIBRARIES = {"DBI": Library("DBI", "Thư viện tỉnh Điện Biên", "provincial")}
QUERIES = ("Điện Biên", "dien bien", "sách số 7", "Nguyễn Văn A", "nguyen van a", "số 12")
BOOKS = 200
QUIET_SECONDS = 8.0  # load before the fault and after recovery in every phase


class Readers:
    """Closed-loop searchers over two workers, counting what they tried and what failed."""

    def __init__(self, workers: list[str], expected: dict[str, int], count: int) -> None:
        self.workers, self.expected, self.count = workers, expected, count
        self.attempted = self.failed = 0
        self.failures: list[str] = []
        self._stop = asyncio.Event()

    async def run(self) -> None:
        timeout = aiohttp.ClientTimeout(total=30)
        async with aiohttp.ClientSession(timeout=timeout) as http:
            await asyncio.gather(*(self._reader(http, n) for n in range(self.count)))

    def stop(self) -> None:
        self._stop.set()

    async def _reader(self, http: aiohttp.ClientSession, number: int) -> None:
        step = 0
        while not self._stop.is_set():
            query = QUERIES[(number + step) % len(QUERIES)]
            step += 1
            self.attempted += 1
            problem = await self._search(http, query, first=(number + step) % 2)
            if problem:
                self.failed += 1
                self.failures.append(problem)

    async def _search(self, http: aiohttp.ClientSession, query: str, first: int) -> str:
        order = self.workers[first:] + self.workers[:first]
        for worker in order:
            try:
                async with http.get(f"{worker}/api/v1/search", params={"q": query}) as response:
                    if response.status != 200:
                        return f"{query}: HTTP {response.status}"
                    total = (await response.json())["total"]
                    return "" if total == self.expected[query] else f"{query}: total {total}"
            except aiohttp.ClientConnectorError:
                continue  # refused: the proxy's next upstream
            except (aiohttp.ClientError, TimeoutError) as exc:
                return f"{query}: {type(exc).__name__}"
        return f"{query}: every worker refused"


async def phase(name: str, workers: list[str], expected: dict[str, int], readers: int,
                fault) -> dict[str, Any]:
    """Readers for the whole phase; ``fault()`` (blocking, run in a thread) after a quiet
    start; returns the row."""
    load = Readers(workers, expected, readers)
    started = time.monotonic()
    running = asyncio.create_task(load.run())
    await asyncio.sleep(QUIET_SECONDS)
    injected = time.monotonic() - started
    recovered = await fault()
    await asyncio.sleep(QUIET_SECONDS)
    load.stop()
    await running
    return {"fault": name, "injected_s": round(injected, 1), "attempted": load.attempted,
            "failed": load.failed, "recovery_s": round(recovered, 1),
            "first_failures": load.failures[:5]}


async def catalogue(url: str, prefix: str, folder: Path) -> None:
    from harvesters.files import read_path
    from tests.marc_builders import write_marc

    path = folder / "dbi.mrc"
    write_marc(path, [book(f"DBI-{n}", f"Sách số {n} về Điện Biên", author="Nguyễn Văn A",
                           copies=1) for n in range(BOOKS)])
    async with Store.open(url, prefix) as store:
        await store.drop_all()
        await store.ensure_indices()
        await Loader(store, LIBRARIES).load(read_path(path, library="DBI"))
        await store.refresh("union", "records")


async def expected_totals(worker: str) -> dict[str, int]:
    async with aiohttp.ClientSession() as http:
        found = {}
        for query in QUERIES:
            async with http.get(f"{worker}/api/v1/search", params={"q": query}) as response:
                found[query] = (await response.json())["total"]
        return found


async def run(base: Path, work: Path) -> list[dict[str, Any]]:
    state = cluster_nodes.ClusterState.load(base)
    assert state is not None
    url, prefix = ",".join(state.urls), "bench-zd"
    await catalogue(url, prefix, work)
    servers = []
    for name in ("a", "b"):
        (work / name).mkdir(exist_ok=True)
        servers.append(start_server(url, work / name, prefix, LIBRARIES))
    try:
        for (process, api), name in zip(servers, "ab", strict=True):
            await wait_healthy(process, api, work / name)
        workers = [api for _process, api in servers]
        expected = await expected_totals(workers[0])
        readers = int(os.environ.get("MUCLUC_ZD_READERS", "4"))
        env = {**os.environ, "MUCLUC_OPENSEARCH_URL": url, "MUCLUC_INDEX_PREFIX": prefix,
               "MUCLUC_CONFIG": str(work / "a" / "mucluc.toml")}

        async def reindex() -> float:
            started = time.monotonic()
            await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "mucluc", "reindex"],
                                    env=env, check=True, capture_output=True)
            return time.monotonic() - started

        async def restart_node() -> float:
            victim = state.nodes[0].name
            started = time.monotonic()
            await asyncio.to_thread(cluster_nodes.kill_node, base, victim, signal.SIGTERM)
            await asyncio.to_thread(cluster_nodes.start_node, base, victim)
            await asyncio.to_thread(cluster_nodes.wait_for_status, state.nodes[1].url, "green")
            return time.monotonic() - started

        async def restart_worker() -> float:
            process = servers[0][0]
            started = time.monotonic()
            await asyncio.to_thread(stop, process)
            servers[0] = start_server(url, work / "a", prefix, LIBRARIES)
            await wait_healthy(servers[0][0], api_new := servers[0][1], work / "a")
            workers[0] = api_new
            return time.monotonic() - started

        return [
            await phase("reindex (mucluc reindex, alias swap)", workers, expected, readers,
                        reindex),
            await phase("one node of three restarted (SIGTERM, start, green)", workers,
                        expected, readers, restart_node),
            await phase("API worker restarted (stop, start, healthy)", workers, expected,
                        readers, restart_worker),
        ]
    finally:
        for process, _api in servers:
            stop(process)


def main() -> int:
    reused = os.environ.get("MUCLUC_BENCH_CLUSTER_DIR", "")
    base = Path(reused) if reused else Path(tempfile.mkdtemp(prefix="mucluc-bench-zd-"))
    work = Path(tempfile.mkdtemp(prefix="mucluc-bench-zd-work-"))
    try:
        if not reused:
            cluster_nodes.start_cluster(base, 3, heap="512m", repo=base / "backups")
        rows = asyncio.run(run(base, work))
    finally:
        if not reused:
            cluster_nodes.stop_cluster(base)
            shutil.rmtree(base, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
    print(table(
        ["fault", "injected at (s)", "searches attempted", "failed", "time to green/healthy (s)"],
        [[r["fault"], r["injected_s"], r["attempted"], r["failed"], r["recovery_s"]]
         for r in rows],
    ))
    for row in rows:
        for failure in row["first_failures"]:
            print(f"  {row['fault']}: {failure}")
    write_results("zero_downtime", {"rows": rows, "books": BOOKS, "queries": list(QUERIES)})
    return 0 if all(r["failed"] == 0 for r in rows) else 1
