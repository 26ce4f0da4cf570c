"""Crash recovery for harvests: in-flight markers, and the rebuild a killed run needs.

The checkpoint contract (:mod:`harvesters.checkpoints`) commits a batch only after it is stored,
so a killed harvest resumes with no loss and no duplicates. One gap remains: a process killed
*while* a batch is being stored may leave records stored whose union documents were not
rebuilt, and the re-delivered records then look unchanged. So before storing, the batch's record
ids and current clusters are written to an in-flight marker, removed after the commit; a run that
finds a marker rebuilds every cluster those records touch first.

The lookups read every matching document through the store's paginator: a batch whose clusters
are held by more than 10,000 records is recovered whole.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from harvesters.records import SourceRecord
from indexer.store.catalogue import Store
from indexer.store.names import record_id


class BatchLoader(Protocol):
    """What recovery needs of :class:`indexer.load.Loader` (kept as a protocol: the loader sits
    above the store)."""

    async def load_batch(
        self, batch: list[SourceRecord], summary: Any, *, defer_union: bool = False
    ) -> None: ...

    async def finish_union(self) -> None: ...

    async def rebuild_clusters(self, clusters: set[str]) -> None: ...

    async def stored_by_source_id(
        self, items: list[SourceRecord]
    ) -> dict[tuple[str, str], dict[str, str]]: ...


class HarvestStore:
    """One loader shared by every source, storing one batch at a time, with in-flight markers.

    ``markers`` is the folder of marker files, one per source. A batch's union documents are
    written while the harvest fetches its next page (the checkpoint only needs the records
    stored): its marker stays until they are written, so a kill meanwhile is repaired by the
    next run like any half-stored batch. Call :meth:`drain` before closing the store.
    """

    def __init__(self, store: Store, loader: BatchLoader, markers: Path) -> None:
        self.store = store
        self.loader = loader
        self.markers = markers
        self.lock = asyncio.Lock()
        self._settled: set[str] = set()  # sources whose marker goes once their union is written

    def marker(self, source: str) -> Path:
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in source)
        return self.markers / f"{safe}.json"

    async def store_batch(self, source: str, batch: list[SourceRecord], summary: Any) -> None:
        """Store ``batch`` through the loader under an in-flight marker for ``source``."""
        if not batch:
            return
        async with self.lock:
            await self._finish()
            # where deletions and renumbered records point (they carry only their OAI identifier)
            found = await self.loader.stored_by_source_id(batch)
            unique = sorted({record_id(r.library, r.local_id) for r in batch}
                            | {doc_id for stored in found.values() for doc_id in stored})
            clusters = sorted(set((await self.clusters_of(unique)).values()))
            await asyncio.to_thread(self._write_marker, source,
                                    {"ids": unique, "clusters": clusters})
            await self.loader.load_batch(batch, summary, defer_union=True)

    async def settle(self, source: str) -> None:
        """The batch is stored and committed: its marker goes once its union documents are
        written (at the next batch of any source, or at :meth:`drain`)."""
        self._settled.add(source)

    async def drain(self) -> None:
        """Wait for the last batch's union documents and forget the settled markers."""
        async with self.lock:
            await self._finish()

    async def _finish(self) -> None:
        settled, self._settled = self._settled, set()
        await self.loader.finish_union()  # its error is raised and the markers stay
        for source in sorted(settled):
            self.marker(source).unlink(missing_ok=True)

    async def repair(self, source: str) -> set[str]:
        """Rebuild the union documents a killed run may have left stale; returns the clusters
        rebuilt (none when there is no marker)."""
        path = self.marker(source)
        try:
            marker = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return set()
        except (OSError, ValueError):
            path.unlink(missing_ok=True)
            return set()
        async with self.lock:
            clusters = await self.affected(list(marker.get("ids", [])),
                                           list(marker.get("clusters", [])))
            if clusters:
                await self.loader.rebuild_clusters(clusters)
        path.unlink(missing_ok=True)
        return clusters

    async def affected(self, ids: Sequence[str], clusters: Sequence[str]) -> set[str]:
        """Every cluster a half-stored batch may have touched: the clusters the marker names,
        the records' current clusters, and every cluster whose union document lists a member
        of those clusters or of the batch."""
        found = set(clusters) | set((await self.clusters_of(ids)).values())
        members = await self.store.where("records", "cluster", sorted(found), source=["cluster"],
                                         doing="reading stored records by cluster")
        listed = await self.store.where("union", "members", sorted(set(ids) | set(members)),
                                        source=False, doing="reading union records by member")
        found |= set(listed)
        found |= {m["cluster"] for m in members.values() if m.get("cluster")}
        return found

    async def clusters_of(self, ids: Sequence[str]) -> dict[str, str]:
        """record id → its stored cluster, for the stored ones."""
        found = await self.store.mget("records", ids, source=["cluster"],
                                      doing="reading stored records")
        return {doc_id: source["cluster"] for doc_id, source in found.items()}

    def _write_marker(self, source: str, payload: Mapping[str, Any]) -> None:
        path = self.marker(source)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(payload), encoding="utf-8")
        os.replace(tmp, path)
