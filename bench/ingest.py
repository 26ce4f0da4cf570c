"""Ingest throughput: `mucluc load` of a generated MARC file vs. the engine's raw bulk rate.

Ours: parse ISO 2709 → map → raw store → clusters → union documents (the whole `load` path),
through the project's own engine client. Baseline: the same final documents (raw-store and union
documents our load produced), already serialised as NDJSON, sent to fresh indices with the same
mappings by plain ``_bulk`` requests of the same size, one after the other: the engine's own
rate with no Python work at all. Both run on the same node in the same run; the ratio is what
our pipeline costs over simply storing its output.

Then the same file is loaded again into the loaded catalogue (nothing changed: nothing may be
rewritten), and the ratio of that reload's rate to the first load's is reported. The clustering
share is the Loader's own phase timing (`Loader.timings`): lookups of the batch's
neighbourhood and the clustering decision, over the whole first load.

The CPU account (:mod:`bench.cpu_account`) adds the CPU-seconds of the engine's JVM and of this
process during the load and during each raw ``_bulk`` round: their sum over the cores is the
shortest time the load could take on this machine, printed beside the ratio, so a ratio can be
read as "bound by the work" or "bound by waiting" even when the shared machine is busy.
Beside it, the engine's own counters per index (:mod:`bench.engine_stats`): what its CPU went on.

Before anything is timed, a load and its raw ``_bulk`` of other records
(``MUCLUC_BENCH_WARMUP``, default as many as the timed load, at most 20,000; other indices,
dropped) warm the engine's JIT, so that neither side pays for compiling the engine's hot paths.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from opensearchpy import AsyncOpenSearch

from bench import engine_stats
from bench.common import engine_url, table, write_results
from bench.cpu_account import CORES, Cpu, CpuAccount
from harvesters.files import read_path
from indexer.load import Loader
from indexer.store import Store
from indexer.store.client import make_client
from mucluc.core.library import Library
from mucluc.demo.generate import write_marc_file

RECORDS = int(os.environ.get("MUCLUC_BENCH_RECORDS", "100000"))
#: Records of the untimed warm-up (a load and its raw _bulk, other records, other indices, then
#: dropped) run before the timed load; 0: none. A fresh JVM compiles its hot paths during its
#: first workload: without a warm-up our load paid the JIT (17 of 40 engine CPU-seconds for 20 k)
#: and the raw _bulk, run after it, did not; after a 3,000-record warm-up the JIT still took 12
#: of 28. Default: as many records as the timed load, at most 20,000.
WARMUP = int(os.environ.get("MUCLUC_BENCH_WARMUP", str(min(RECORDS, 20_000))))
BATCH = 1000
LIBRARY = {"BENCH": Library("BENCH", "Thư viện thử nghiệm", "provincial")}


async def _dump(engine: AsyncOpenSearch, index: str, target: Path) -> int:
    """Every document of ``index`` as NDJSON (id + source), read before the timed baseline."""
    count = 0
    with target.open("w", encoding="utf-8") as out:
        while True:
            body: dict[str, Any] = {"size": 2000, "sort": ["_doc"], "query": {"match_all": {}}}
            page = await engine.search(index=index, body=body, params={"scroll": "5m"})
            scroll_id = page.get("_scroll_id")
            while True:
                hits = page["hits"]["hits"]
                if not hits:
                    break
                for hit in hits:
                    out.write(
                        json.dumps(
                            {"_id": hit["_id"], "_source": hit["_source"]}, ensure_ascii=False
                        )
                        + "\n"
                    )
                    count += 1
                page = await engine.scroll(scroll_id=scroll_id, params={"scroll": "5m"})
                scroll_id = page.get("_scroll_id")
            if scroll_id:
                await engine.clear_scroll(scroll_id=scroll_id)
            return count


async def _raw_bulk(
    engine: AsyncOpenSearch, index: str, source: Path, account: CpuAccount
) -> tuple[float, Cpu]:
    """Seconds and CPU to bulk-load ``source`` (NDJSON) into ``index``, BATCH documents a
    request, the request bodies serialised before the clock starts."""
    batches: list[str] = []
    current: list[str] = []
    with source.open(encoding="utf-8") as lines:
        for line in lines:
            doc = json.loads(line)
            current += [
                json.dumps({"index": {"_index": index, "_id": doc["_id"]}}),
                json.dumps(doc["_source"], ensure_ascii=False, separators=(",", ":")),
            ]
            if len(current) >= 2 * BATCH:
                batches.append("\n".join(current) + "\n")
                current = []
    if current:
        batches.append("\n".join(current) + "\n")
    cpu, started = account.now(), time.perf_counter()
    for batch in batches:
        response = await engine.bulk(body=batch, request_timeout=300)
        if response.get("errors"):
            raise RuntimeError("the baseline bulk was refused")
    await engine.indices.refresh(index=index)
    return time.perf_counter() - started, account.now() - cpu


def _content_digest(dump: Path) -> str:
    """A digest of the dumped union documents with their datestamps left out, in id order:
    equal digests mean two loads wrote the same union documents."""
    documents = []
    with dump.open(encoding="utf-8") as lines:
        for line in lines:
            doc = json.loads(line)
            doc["_source"].pop("updated_at", None)
            documents.append(json.dumps(doc, ensure_ascii=False, sort_keys=True))
    return hashlib.sha256("\n".join(sorted(documents)).encode()).hexdigest()[:16]


async def _warm_up(engine: AsyncOpenSearch, client: AsyncOpenSearch, work: Path) -> Cpu:
    """The untimed warm-up (see WARMUP); returns what it cost."""
    prefix = "bench-warmup"
    await engine.indices.delete(index=f"{prefix}-*", params={"ignore_unavailable": "true"})
    account = await CpuAccount.of(engine)
    cpu = account.now()
    marc = write_marc_file(work / "warmup.mrc", WARMUP, seed=WARMUP)
    store = Store(client, prefix, timeout=300)
    await store.ensure_indices()
    await Loader(store, LIBRARY, batch_size=BATCH).load(read_path(marc, library="BENCH"))
    for kind in ("records", "union"):
        dump = work / f"warmup-{kind}.ndjson"
        await _dump(engine, f"{prefix}-{kind}", dump)
        await _raw_bulk(engine, await Store(engine, f"{prefix}-raw").create_versioned(kind),
                        dump, account)
    await engine.indices.delete(index=f"{prefix}-*")
    return account.now() - cpu


async def run(url: str, marc_file: Path, work: Path) -> dict[str, Any]:
    engine = AsyncOpenSearch(hosts=[url], timeout=300)
    client = make_client(url, timeout=300)
    try:
        ours_prefix, base_prefix = "bench-ingest", "bench-baseline"
        for prefix in (ours_prefix, base_prefix):
            await engine.indices.delete(index=f"{prefix}-*", params={"ignore_unavailable": "true"})
        warm_up = await _warm_up(engine, client, work) if WARMUP else Cpu(0.0, 0.0)
        ours = Store(client, ours_prefix, timeout=300)
        await ours.ensure_indices()
        loader = Loader(ours, LIBRARY, batch_size=BATCH)
        account = await CpuAccount.of(engine)
        cpu, load_average = account.now(), os.getloadavg()[0]
        before = await engine_stats.snapshot(engine)
        started = time.perf_counter()
        summary = await loader.load(read_path(marc_file, library="BENCH"))
        ours_seconds = time.perf_counter() - started
        load_cpu = account.now() - cpu
        load_stats = await engine_stats.snapshot(engine) - before
        load_average = max(load_average, os.getloadavg()[0])
        phases = dict(loader.timings)
        records_dump, union_dump = work / "records.ndjson", work / "union.ndjson"
        n_records = await _dump(engine, f"{ours_prefix}-records", records_dump)
        n_union = await _dump(engine, f"{ours_prefix}-union", union_dump)
        base_stats: list[engine_stats.EngineStats] = []

        async def baseline_round(round_: int) -> tuple[float, Cpu]:
            baseline = Store(engine, f"{base_prefix}{round_}")
            records_index = await baseline.create_versioned("records")
            union_index = await baseline.create_versioned("union")
            before = await engine_stats.snapshot(engine)
            seconds, cpu = await _raw_bulk(engine, records_index, records_dump, account)
            more_seconds, more_cpu = await _raw_bulk(engine, union_index, union_dump, account)
            base_stats.append(await engine_stats.snapshot(engine) - before)
            await engine.indices.delete(index=f"{base_prefix}{round_}-*")
            return seconds + more_seconds, cpu + more_cpu

        # The engine's own rate swings with the machine's load: measured once right after our
        # load and once after the reload; the ratio is taken against the faster round.
        rounds = [await baseline_round(1)]
        reloader = Loader(ours, LIBRARY, batch_size=BATCH)
        started = time.perf_counter()
        again = await reloader.load(read_path(marc_file, library="BENCH"))
        reload_seconds = time.perf_counter() - started
        rounds.append(await baseline_round(2))
        load_average = max(load_average, os.getloadavg()[0])
        base_rounds = [seconds for seconds, _ in rounds]
        base_seconds, base_cpu = min(rounds, key=lambda r: r[0])
        floor = load_cpu.floor_seconds()
        await engine.indices.delete(index=f"{ours_prefix}-*")
        return {
            "records": RECORDS,
            "loaded": summary.loaded,
            "skipped": summary.skipped,
            "raw_store_documents": n_records,
            "union_documents": n_union,
            "ours_seconds": ours_seconds,
            "baseline_seconds": base_seconds,
            "baseline_rounds_seconds": base_rounds,
            "ours_records_per_s": summary.loaded / ours_seconds,
            "baseline_records_per_s": summary.loaded / base_seconds,
            "ratio": (summary.loaded / ours_seconds) / (summary.loaded / base_seconds),
            "phases_seconds": phases,
            "clustering_seconds": phases.get("lookup", 0.0) + phases.get("cluster", 0.0),
            "reload_seconds": reload_seconds,
            "reload_unchanged": again.unchanged,
            "reload_rewritten": again.new + again.updated,
            "reload_undecoded": reloader.undecoded,
            "reload_ratio": ours_seconds / reload_seconds,
            "cores": CORES,
            "warmup_records": WARMUP,
            "warmup_cpu_seconds": warm_up.as_dict(),
            "load_average": load_average,
            "load_cpu_seconds": load_cpu.as_dict(),
            "baseline_cpu_seconds": base_cpu.as_dict(),
            "baseline_rounds_cpu_seconds": [cpu.as_dict() for _, cpu in rounds],
            # the load's wall time cannot fall under its CPU over the cores
            "load_floor_seconds": floor,
            "ratio_bound_by_cpu": base_seconds / floor,
            "cpu_ratio": base_cpu.total / load_cpu.total,
            # the engine's own counters over the load and over the first raw _bulk round
            "engine_profile": engine_stats.rows([
                ("load", ours_prefix, load_stats), ("raw _bulk", f"{base_prefix}1", base_stats[0]),
            ]),
            "engine_node": engine_stats.node_rows(
                [("load", load_stats), ("raw _bulk", base_stats[0])]
            ),
            "union_content": _content_digest(union_dump),
        }
    finally:
        await engine.close()
        await client.close()


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="mucluc-bench-ingest-") as tmp:
        work = Path(tmp)
        marc_file = work / "generated.mrc"
        started = time.perf_counter()
        write_marc_file(marc_file, RECORDS)
        print(
            f"generated {RECORDS:,} MARC records ({marc_file.stat().st_size / 1e6:.0f} MB) "
            f"in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
        with engine_url() as url:
            results = asyncio.run(run(url, marc_file, work))
    print(
        table(
            ["pipeline", "records", "seconds", "records/s", "vs raw bulk"],
            [
                [
                    "mucluc load (parse, map, store, cluster, union)",
                    results["loaded"],
                    results["ours_seconds"],
                    results["ours_records_per_s"],
                    results["ratio"],
                ],
                *[
                    [
                        f"raw _bulk of the same final documents, round {n} "
                        "(after the load / after the reload)",
                        results["loaded"],
                        seconds,
                        results["loaded"] / seconds,
                        results["baseline_seconds"] / seconds,
                    ]
                    for n, seconds in enumerate(results["baseline_rounds_seconds"], 1)
                ],
            ],
        )
    )
    phases = results["phases_seconds"]
    print(
        "clustering (neighbourhood lookups + decision): "
        f"{results['clustering_seconds']:.1f} s = "
        f"{results['clustering_seconds'] / results['ours_seconds']:.0%} of the load; phases: "
        + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in sorted(phases.items()))
        + " (union writes overlap the next batch)"
    )
    print(
        table(
            ["reload of the same file (unchanged)", "records", "seconds", "rewritten",
             "not decoded", "speed vs first load"],
            [[
                "mucluc load, second time", results["loaded"], results["reload_seconds"],
                results["reload_rewritten"], results["reload_undecoded"],
                results["reload_ratio"],
            ]],
        )
    )
    load_cpu, base_cpu = results["load_cpu_seconds"], results["baseline_cpu_seconds"]
    print(
        table(
            ["CPU account", "engine CPU s", "of which JIT", "of which GC", "our CPU s",
             "total CPU s", f"floor on {results['cores']} cores (s)", "wall s"],
            [
                ["mucluc load", load_cpu["engine"], load_cpu["engine_jit"], load_cpu["engine_gc"],
                 load_cpu["ours"], load_cpu["total"], results["load_floor_seconds"],
                 results["ours_seconds"]],
                ["raw _bulk (faster round)", base_cpu["engine"], base_cpu["engine_jit"],
                 base_cpu["engine_gc"], base_cpu["ours"], base_cpu["total"],
                 base_cpu["total"] / results["cores"], results["baseline_seconds"]],
            ],
        )
    )
    print(
        f"(before the load: an untimed warm-up of {results['warmup_records']:,} records, "
        f"engine CPU {results['warmup_cpu_seconds']['engine']:.1f} s of which JIT "
        f"{results['warmup_cpu_seconds']['engine_jit']:.1f} s)"
    )
    print(
        f"on {results['cores']} cores the load cannot beat {results['load_floor_seconds']:.1f} s "
        f"({results['loaded'] / results['load_floor_seconds']:,.0f} records/s): ratio "
        f"{results['ratio']:.2f}, at most {results['ratio_bound_by_cpu']:.2f} against this "
        f"baseline; CPU of the raw _bulk ÷ CPU of the load = {results['cpu_ratio']:.2f} "
        f"(load average up to {results['load_average']:.1f})"
    )
    print(
        f"({results['union_documents']:,} union documents "
        f"from {results['raw_store_documents']:,} records; their content, datestamps left "
        f"out: {results['union_content']})"
    )
    print("the engine's own counters (times in ms, summed over its threads):")
    print(table(engine_stats.headers(), results["engine_profile"]))
    print(table(*results["engine_node"]))
    print(f"results: {write_results('ingest', results)}")
    return 0
