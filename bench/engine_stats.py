"""What the engine did over a stretch of a benchmark, per index: the profile of its CPU.

The CPU account (:mod:`bench.cpu_account`) says how many CPU-seconds the engine spent; this says
on what. Two snapshots of the node's own counters (``_nodes/_local/stats`` at ``level=indices``)
are subtracted: per index, documents indexed and the time the indexing threads spent, refreshes,
merges, searches (query phase, fetch phase) and real-time gets, and node-wide the garbage
collector and each thread pool's completed tasks. The times are the engine's own elapsed times
per operation, summed over its threads (not CPU-seconds), so they say where the work went, not
exactly what it cost; they are comparable between our load and the raw ``_bulk`` of the same
final documents.

A multi-get is counted once per document in ``get`` (the engine counts shard-level gets); a
multi-search once per search in ``query``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from opensearchpy import AsyncOpenSearch

#: (column, section, counter) read per index; times are milliseconds.
INDEX_COUNTERS: tuple[tuple[str, str, str], ...] = (
    ("indexed", "indexing", "index_total"),
    ("index ms", "indexing", "index_time_in_millis"),
    ("deleted", "indexing", "delete_total"),
    ("refreshes", "refresh", "total"),
    ("refresh ms", "refresh", "total_time_in_millis"),
    ("merges", "merges", "total"),
    ("merge ms", "merges", "total_time_in_millis"),
    ("merged docs", "merges", "total_docs"),
    ("queries", "search", "query_total"),
    ("query ms", "search", "query_time_in_millis"),
    ("fetches", "search", "fetch_total"),
    ("fetch ms", "search", "fetch_time_in_millis"),
    ("gets", "get", "total"),
    ("get ms", "get", "time_in_millis"),
)
#: Thread pools whose completed tasks are reported (the rest are idle in these benchmarks).
POOLS = ("write", "search", "get", "refresh", "flush", "force_merge", "management")

Counters = dict[str, float]


@dataclass(frozen=True)
class EngineStats:
    """One snapshot: per index its counters, node-wide GC and thread-pool counters."""

    indices: Mapping[str, Counters]
    node: Counters

    def __sub__(self, before: EngineStats) -> EngineStats:
        """What happened between ``before`` and this snapshot (indices that appeared in
        between count from zero; indices deleted in between are left out)."""
        indices = {
            name: {k: v - before.indices.get(name, {}).get(k, 0.0) for k, v in counters.items()}
            for name, counters in self.indices.items()
        }
        node = {k: v - before.node.get(k, 0.0) for k, v in self.node.items()}
        return EngineStats(indices, node)

    def kinds(self, prefix: str) -> dict[str, Counters]:
        """The indices of one catalogue (``prefix``) that did anything, by kind (the index
        name without the prefix and the version): "records", "union", "tombstones"…"""
        found: dict[str, Counters] = {}
        for name, counters in sorted(self.indices.items()):
            if not name.startswith(f"{prefix}-") or not any(counters.values()):
                continue
            kind = name[len(prefix) + 1 :].rsplit("-", 1)[0]
            found[kind] = {k: found.get(kind, {}).get(k, 0.0) + v for k, v in counters.items()}
        return found

    def as_dict(self) -> dict[str, Any]:
        return {"indices": dict(self.indices), "node": dict(self.node)}


async def snapshot(engine: AsyncOpenSearch) -> EngineStats:
    """The node's counters now (the node answering ``engine``: one node in the benchmarks)."""
    answer: dict[str, Any] = await engine.nodes.stats(
        node_id="_local", metric="indices,jvm,thread_pool", params={"level": "indices"}
    )
    (node,) = answer["nodes"].values()
    indices = {
        name: {column: float(stats.get(section, {}).get(counter, 0))
               for column, section, counter in INDEX_COUNTERS}
        for name, stats in node["indices"].get("indices", {}).items()
    }  # fmt: skip
    totals: Counters = {}
    for name, collector in node["jvm"]["gc"]["collectors"].items():
        totals[f"gc {name} ms"] = float(collector["collection_time_in_millis"])
        totals[f"gc {name} n"] = float(collector["collection_count"])
    for pool in POOLS:
        if pool in node["thread_pool"]:
            totals[f"{pool} tasks"] = float(node["thread_pool"][pool]["completed"])
    return EngineStats(indices, totals)


def rows(stretches: Sequence[tuple[str, str, EngineStats]]) -> list[list[object]]:
    """Table rows (label: index kind, then the counters) for ``(label, prefix, stats)``."""
    table: list[list[object]] = []
    for label, prefix, stats in stretches:
        for kind, counters in stats.kinds(prefix).items():
            table.append([f"{label}: {kind}",
                          *(int(counters[column]) for column, _, _ in INDEX_COUNTERS)])
    return table


def headers() -> list[str]:
    return ["stretch: index", *(column for column, _, _ in INDEX_COUNTERS)]


def node_rows(stretches: Sequence[tuple[str, EngineStats]]) -> tuple[list[str], list[list[object]]]:
    """Headers and rows of the node-wide counters (GC, thread pools) per stretch."""
    names = sorted({k for _, stats in stretches for k, v in stats.node.items() if v})
    return (["stretch", *names],
            [[label, *(int(stats.node.get(k, 0)) for k in names)] for label, stats in stretches])
