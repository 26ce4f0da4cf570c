"""Scale curve: ingest rate, index size on disk per record, query p50/p99 and peak memory of a
load, at growing catalogue sizes (``MUCLUC_BENCH_SCALE_SIZES``, default ``10000,100000``).

Each size runs in a fresh process (so its peak RSS is its own) on the same node: the realistic
provincial catalogue of :mod:`bench.scale_catalogue` written as one ISO 2709 file per library,
loaded library by library by one `Loader` into the catalogue ``bench-scale``; then the primary
store size of its indices ÷ records; then ``QUERIES`` searches (the API's own request bodies,
:func:`searchapi.search._plan`, for titles sampled from the catalogue) sent one at a time
straight to the engine. Not part of ``make bench``'s default list at 1 M records: pass
``MUCLUC_BENCH_SCALE_SIZES=10000,100000,1000000`` for that (hours on a 2-core machine).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import engine_url, table, write_results

SIZES = tuple(int(s) for s in os.environ.get("MUCLUC_BENCH_SCALE_SIZES", "10000,100000").split(","))
QUERIES = 200
PREFIX = "bench-scale"
REPO = Path(__file__).resolve().parents[1]


def _peak_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


async def _one(url: str, n: int, work: Path) -> dict[str, Any]:
    from multidict import MultiDict

    from bench.scale_catalogue import libraries, write_catalogue
    from harvesters.files import read_path
    from indexer.load import Loader
    from indexer.store import Store
    from searchapi.search import _plan

    files = write_catalogue(work, n)
    libs = libraries()
    async with Store.open(url, PREFIX, timeout=300) as store:
        await store.drop_all()
        await store.ensure_indices()
        loader = Loader(store, libs, batch_size=1000)
        started = time.perf_counter()
        loaded = 0
        for code, path in files.items():
            loaded += (await loader.load(read_path(path, library=code))).loaded
        seconds = time.perf_counter() - started
        peak = _peak_kb()
        await store.refresh("records", "union")
        stats = await store.client.indices.stats(index=f"{PREFIX}-*", metric="store")
        size = stats["_all"]["primaries"]["store"]["size_in_bytes"]
        union = await store.count("union")
        sample = await store.search("union", {
            "size": QUERIES, "_source": ["display.title"],
            "query": {"function_score": {"random_score": {"seed": 7, "field": "_seq_no"}}},
        })
        titles = [h["_source"]["display"]["title"] for h in sample["hits"]["hits"]]
        rng = random.Random(7)
        latencies: list[float] = []
        for title in titles:
            words = title.split()
            q = " ".join(words[: rng.randint(1, max(1, len(words)))])
            *_, body = _plan(MultiDict(q=q))
            body["size"] = 20
            asked = time.perf_counter()
            await store.search("union", body)
            latencies.append((time.perf_counter() - asked) * 1000)
        await store.drop_all()
    cuts = statistics.quantiles(latencies, n=100)
    return {"records": loaded, "union_documents": union, "seconds": seconds,
            "records_per_s": loaded / seconds, "bytes_per_record": size / loaded,
            "query_p50_ms": cuts[49], "query_p99_ms": cuts[98], "peak_rss_mb": peak / 1024}


def _in_subprocess(url: str, n: int) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", "bench.scale", "--one", url, str(n)], cwd=REPO,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    rows = []
    with engine_url() as url:
        for n in SIZES:
            print(f"loading a {n:,}-record provincial catalogue in a fresh process…", flush=True)
            rows.append(_in_subprocess(url, n))
    print(table(
        ["records", "union docs", "load s", "records/s", "bytes on disk / record",
         "query p50 ms", "query p99 ms", "peak RSS MB"],
        [[r["records"], r["union_documents"], r["seconds"], r["records_per_s"],
          r["bytes_per_record"], r["query_p50_ms"], r["query_p99_ms"], r["peak_rss_mb"]]
         for r in rows],
    ))
    print(f"results: {write_results('scale', {'sizes': rows})}")
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        with tempfile.TemporaryDirectory(prefix="mucluc-bench-scale-") as tmp:
            print(json.dumps(asyncio.run(_one(sys.argv[2], int(sys.argv[3]), Path(tmp)))))
    else:
        sys.exit(main())
