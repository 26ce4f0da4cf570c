"""``python -m bench works_engine``: the marc4j *Pride and prejudice* set of ``bench works``
loaded through the real Loader into the engine, works read back from the union index.

``bench works`` computes the works the catalogue would show without an engine; this checks that
the engine shows those works: the set is loaded in small batches (so translations and the records
teaching their original titles land in different batches) in the file's order and reversed, each
into a fresh catalogue, and then reindexed. It prints precision and recall of each run (scored as
``bench works`` scores them) and whether the two orders and the reindex give the same works.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from typing import Any

import pymarc

from bench.common import SHARED_DATA, engine_url, table, write_results
from bench.dedup import Score
from bench.works import pride_and_prejudice_label
from harvesters.records import SourceRecord
from indexer.load import Loader
from indexer.reindex import reindex
from indexer.store import Store
from indexer.store.derived import derived
from mucluc.core.library import Library

LIBRARY = {"PP": Library("PP", "Bench library", "provincial")}
BATCH = 40  # small: a translation and its teacher usually arrive in different batches
PREFIX = "bench-works-engine"


def labelled() -> list[tuple[str, pymarc.Record]]:
    """(hand label, record) of every labelled record of the set, in file order."""
    found: list[tuple[str, pymarc.Record]] = []
    with (SHARED_DATA / "marc4j" / "pride-and-prejudice-fixed.mrc").open("rb") as handle:
        reader = pymarc.MARCReader(handle, to_unicode=True, force_utf8=True, permissive=True)
        for record in reader:
            if record is not None:
                label = pride_and_prejudice_label(record, derived(record)["fields"])
                if label is not None:
                    found.append((label, record))
    return found


async def shown(store: Store) -> dict[str, str]:
    """Local id → the work id its union document carries."""
    await store.refresh("union")
    works: dict[str, str] = {}
    async for hits in store.scan("union", source=["members", "work"]):
        for hit in hits:
            for member in hit["_source"]["members"]:
                works[member.split(":", 1)[1]] = hit["_source"]["work"]
    return works


def scored(items: list[tuple[str, pymarc.Record]], works: dict[str, str]) -> Score:
    score = Score()
    for (first, (truth_a, _)), (second, (truth_b, _)) in itertools.combinations(
        enumerate(items), 2
    ):
        score.add(truth_a == truth_b, works[f"R{first:04d}"] == works[f"R{second:04d}"])
    return score


async def run(url: str) -> dict[str, Any]:
    items = labelled()
    runs: dict[str, dict[str, str]] = {}
    rows: list[list[object]] = []
    async with Store.open(url, PREFIX) as store:
        try:
            for order in ("file order", "reversed"):
                await store.drop_all()
                await store.ensure_indices()
                sources = [SourceRecord("PP", "bench", f"R{index:04d}", record)
                           for index, (_, record) in enumerate(items)]
                if order == "reversed":
                    sources.reverse()
                started = time.perf_counter()
                await Loader(store, LIBRARY, batch_size=BATCH).load(sources)
                seconds = time.perf_counter() - started
                runs[order] = await shown(store)
                score = scored(items, runs[order])
                rows.append([f"load, {order}", score.precision, score.recall, f"{seconds:.1f}"])
            started = time.perf_counter()
            await reindex(store, LIBRARY)
            seconds = time.perf_counter() - started
            runs["reindex"] = await shown(store)
            score = scored(items, runs["reindex"])
            rows.append(["reindex after the reversed load", score.precision, score.recall,
                         f"{seconds:.1f}"])
        finally:
            await store.drop_all()
    print(table(["run", "precision", "recall", "seconds"], rows))
    same = runs["file order"] == runs["reversed"] == runs["reindex"]
    print(f"{len(items)} records in batches of {BATCH}; the same works in both orders and after "
          f"the reindex: {'yes' if same else 'NO'}")
    return {"rows": rows, "same_works": same}


def main() -> int:
    with engine_url() as url:
        results = asyncio.run(run(url))
    print(f"results: {write_results('works_engine', results)}")
    return 0 if results["same_works"] else 1
