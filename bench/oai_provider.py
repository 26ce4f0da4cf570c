"""OAI-PMH provider: a full harvest of the union catalogue by an external client, next to the
reader API reading the same records, in one run.

Data: ``MUCLUC_BENCH_OAI_RECORDS`` (default 20,000) generated MARC records of the six demo
libraries, loaded by the real `Loader` into the catalogue ``bench-oai`` (reused when it already
holds that many union records).

`mucluc serve` runs in its own process; the harvester runs in this one: `sickle` (a client from
PyPI, as another catalogue would use) harvests ``ListRecords`` in ``marc21`` and ``oai_dc`` and
``ListIdentifiers``, following resumptionTokens to the end of each list. The reader API is read
over the same records with plain HTTP: every page of ``/api/v1/search`` (100 books a page,
following ``next_cursor``). Reported: records, seconds, records/s, and the ratio of each
OAI list to the reader API; JSON in ``bench/results/oai_provider.json``.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import requests
from sickle import Sickle

from bench.api_processes import start_server, stop, wait_healthy
from bench.common import engine_url, table, write_results
from harvesters.files import read_path
from indexer.load import Loader
from indexer.store import Store
from mucluc.core.library import Library
from mucluc.demo.generate import generate_records
from mucluc.demo.libraries import DEMO_LIBRARIES

PREFIX = "bench-oai"
RECORDS = int(os.environ.get("MUCLUC_BENCH_OAI_RECORDS", "20000"))
LIBS = {lib.code: Library(lib.code, lib.name, lib.kind, lib.parent or "") for lib in DEMO_LIBRARIES}


async def build(url: str, work: Path) -> int:
    """The union records of ``bench-oai`` (loaded unless enough are there already)."""
    async with Store.open(url, PREFIX) as store:
        await store.ensure_indices()
        existing = await store.count("union")
        if existing >= RECORDS:
            print(f"reusing {PREFIX}: {existing:,} union records", flush=True)
            return existing
        await store.drop_all()
        await store.ensure_indices()
        files: dict[str, Any] = {}
        try:
            for record in generate_records(RECORDS, seed=11):
                code = record["003"].data
                if code not in files:
                    files[code] = (work / f"{code}.mrc").open("wb")
                files[code].write(record.as_marc())
        finally:
            for handle in files.values():
                handle.close()
        loader = Loader(store, LIBS, batch_size=1000)
        started = time.perf_counter()
        for code in sorted(files):
            await loader.load(read_path(work / f"{code}.mrc", library=code))
        await store.refresh("union", "tombstones")
        count = await store.count("union")
        print(f"loaded {count:,} union records in {time.perf_counter() - started:.0f} s",
              flush=True)
        return count


def harvest(base: str, verb: str, **params: str) -> dict[str, Any]:
    """A full list by sickle: records and seconds."""
    client = Sickle(f"{base}/oai", max_retries=0)
    started = time.perf_counter()
    items = getattr(client, verb)(ignore_deleted=False, **params)
    count = sum(1 for _ in items)
    return {"records": count, "seconds": time.perf_counter() - started}


def read_api(base: str) -> dict[str, Any]:
    """Every book through ``/api/v1/search`` pages of 100: records, seconds, pages."""
    session = requests.Session()
    started = time.perf_counter()
    params: dict[str, Any] = {"q": "", "size": 100, "sort": "title"}
    count = pages = 0
    while True:
        answer = session.get(f"{base}/api/v1/search", params=params, timeout=60)
        answer.raise_for_status()
        body = answer.json()
        pages += 1
        count += len(body["hits"])
        if not body["hits"] or not body.get("next_cursor"):
            break
        params = {**params, "cursor": body["next_cursor"]}
    return {"records": count, "seconds": time.perf_counter() - started, "pages": pages}


async def run(url: str, work: Path) -> dict[str, Any]:
    union = await build(url, work)
    process, base = start_server(url, work, PREFIX, LIBS)
    try:
        await wait_healthy(process, base, work)
        results: dict[str, Any] = {"union_records": union}
        results["api_search_pages"] = await asyncio.to_thread(read_api, base)
        for name, verb, prefix in (
            ("oai_listrecords_marc21", "ListRecords", "marc21"),
            ("oai_listrecords_oai_dc", "ListRecords", "oai_dc"),
            ("oai_listidentifiers", "ListIdentifiers", "marc21"),
        ):
            results[name] = await asyncio.to_thread(harvest, base, verb, metadataPrefix=prefix)
        return results
    finally:
        stop(process)


def main() -> int:
    with engine_url() as url, tempfile.TemporaryDirectory() as tmp:
        results = asyncio.run(run(url, Path(tmp)))
    api = results["api_search_pages"]
    api_rate = api["records"] / api["seconds"]
    rows = []
    for name in ("api_search_pages", "oai_listrecords_marc21", "oai_listrecords_oai_dc",
                 "oai_listidentifiers"):
        found = results[name]
        rate = found["records"] / found["seconds"]
        found["records_per_second"] = rate
        rows.append([name, found["records"], found["seconds"], rate, rate / api_rate])
    print(table(["read", "records", "seconds", "records/s", "× reader API"], rows))
    complete = all(results[n]["records"] == results["union_records"] for n in
                   ("oai_listrecords_marc21", "oai_listrecords_oai_dc", "oai_listidentifiers"))
    results["complete"] = complete
    print(f"every OAI list complete ({results['union_records']:,} records): {complete}")
    print(f"results: {write_results('oai_provider', results)}")
    return 0 if complete else 1


if __name__ == "__main__":
    raise SystemExit(main())
