"""Ingest: source records → raw store → clusters → union documents, in batches.

A batch never fails whole because of one record: a record the engine refuses becomes a problem
in the summary and the rest goes on. Records whose checksum has not changed are left alone, so
loading the same file twice adds nothing (and a resumed harvest never duplicates).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import AsyncIterable, Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from functools import partial
from typing import Any

from harvesters.records import Notice, RecordProblem, SourceRecord
from harvesters.reports import RunReport
from harvesters.unchanged import KNOWN, Fetch, KnownRecords, Stored
from indexer.batch_outcome import decide, latest_records
from indexer.cluster_update import recluster_batch
from indexer.raw_records import RawRecords
from indexer.schema import RECORDS_ADDED_FIELDS
from indexer.source_documents import Prepared, prepare
from indexer.store import Store
from indexer.store.indices import ADDED_FIELDS
from indexer.store.names import record_id
from indexer.tombstones import union_actions
from indexer.union import union_document
from indexer.work_aliases import clusters_of, resolve, stale_works
from mucluc.core.library import Library

SourceItem = SourceRecord | RecordProblem | Notice

#: Batches read ahead of the one being looked up and mapped (each holds ``batch_size`` parsed
#: records): enough to keep the reader busy while the engine answers.
READ_AHEAD = 2
#: Seconds the reader thread waits for stored raw hashes before decoding the window anyway.
STORED_RAW_TIMEOUT = 120.0


#: The Loader counts into the one run-report model (kept under its old name for callers).
LoadSummary = RunReport


def _union_documents(
    clusters: set[str], members: Mapping[str, list[dict[str, Any]]],
    libraries: Mapping[str, Library],
) -> dict[str, dict[str, Any] | None]:
    """Cluster → its union document (None for a cluster left without members)."""
    return {
        cluster: union_document(cluster, members[cluster], libraries)
        if members.get(cluster) else None
        for cluster in clusters
    }


class Loader:
    """Loads batches of source items into the raw store and the union index of one catalogue."""

    def __init__(
        self,
        store: Store,
        libraries: Mapping[str, Library],
        *,
        batch_size: int = 500,
        progress: Callable[[LoadSummary], None] | None = None,
    ) -> None:
        self.store = store
        self.libraries = libraries
        self.batch_size = batch_size
        self.progress = progress
        self.records_alias = store.alias("records")
        self.union_alias = store.alias("union")
        self._mapping_checked = False
        self.raw = RawRecords(store)
        #: Seconds spent per phase of `load_batch` ("lookup", "cluster", "store", "refresh",
        #: "union"), summed over every batch: the benchmark reports the clustering share.
        self.timings: Counter[str] = Counter()
        self._union: asyncio.Future[None] | None = None  # the previous batch's union writes
        #: Records counted unchanged without being decoded (harvesters.unchanged), summed over
        #: every load: the benchmark and the tests read it.
        self.undecoded = 0

    @contextlib.contextmanager
    def _timed(self, phase: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings[phase] += time.perf_counter() - started

    async def load(
        self,
        items: Iterable[SourceItem] | AsyncIterable[SourceItem],
        summary: LoadSummary | None = None,
    ) -> LoadSummary:
        """Load every item; problems are collected in the summary, never raised.

        For a plain iterable (files), reading, parsing and mapping the next batch happen in a
        worker thread while the engine stores the current one, so Python and the engine work
        at the same time. A batch's union documents are written while the next batch is
        looked up and clustered (that needs only the raw store); every union write has finished
        when this returns.
        """
        summary = summary if summary is not None else LoadSummary()
        started = time.perf_counter()
        try:
            if hasattr(items, "__aiter__"):
                await self._load_async(items, summary)  # type: ignore[arg-type]
            else:
                await self._load_pipelined(iter(items), summary)  # type: ignore[arg-type]
            await self._finish_union()
        except BaseException:
            await self._finish_union(quietly=True)
            raise
        await self.store.refresh("union")
        summary.seconds = time.perf_counter() - started
        if self.progress:
            self.progress(summary)
        return summary

    async def _load_async(self, items: AsyncIterable[SourceItem], summary: LoadSummary) -> None:
        batch: list[SourceRecord] = []
        async for item in items:
            batch += summary.intake([item])
            if len(batch) >= self.batch_size:
                await self.load_batch(batch, summary, defer_union=True)
                batch = []
                if self.progress:
                    self.progress(summary)
        if batch:
            await self.load_batch(batch, summary)

    async def _load_pipelined(self, items: Iterator[SourceItem], summary: LoadSummary) -> None:
        known = KnownRecords(self._stored_raw_fetch(asyncio.get_running_loop()))

        def take() -> tuple[list[SourceRecord], list[SourceItem]]:
            # Readers in this thread may skip decoding records the store already holds as they
            # are (harvesters.unchanged); those come back with the problems and notices.
            token = KNOWN.set(known)
            try:
                batch: list[SourceRecord] = []
                others: list[SourceItem] = []
                for item in items:
                    if isinstance(item, RecordProblem | Notice):
                        others.append(item)
                        continue
                    if item.unchanged:
                        others.append(item)
                    else:
                        batch.append(item)
                    if len(batch) + len(others) >= self.batch_size:
                        break
                return batch, others
            finally:
                KNOWN.reset(token)

        # Reading runs ahead of the lookups and mapping by at most READ_AHEAD batches, so the
        # reader thread keeps parsing while the engine answers (memory stays bounded).
        read: asyncio.Queue[tuple[list[SourceRecord], list[SourceItem]] | BaseException] = (
            asyncio.Queue(maxsize=READ_AHEAD)
        )

        async def reader() -> None:
            while True:
                try:
                    batch, others = await asyncio.to_thread(take)
                except Exception as exc:  # noqa: BLE001 - raised where the batch is awaited
                    await read.put(exc)
                    return
                await read.put((batch, others))
                if not batch and not others:  # the items are exhausted
                    return

        async def next_batch() -> tuple[
            list[SourceRecord], list[SourceItem], dict[str, Prepared]
        ]:
            # Ask the store for the stored checksums (records that have not changed are then
            # not mapped at all: a reload is mostly parsing); map the rest.
            got = await read.get()
            if isinstance(got, BaseException):
                raise got
            batch, others = got
            if not batch:
                return batch, others, {}
            stored = await self._existing(
                [record_id(i.library, i.local_id) for i in batch if not i.deleted]
            )
            return batch, others, await asyncio.to_thread(prepare, batch, stored)

        reading = asyncio.ensure_future(reader())
        pending = asyncio.ensure_future(next_batch())
        try:
            while True:
                batch, others, prepared = await pending
                for item in summary.intake(others):  # records the reader did not decode
                    self._count_undecoded(summary, item)
                if not batch and not others:
                    return
                summary.intake(batch)
                pending = asyncio.ensure_future(next_batch())
                if batch:
                    await self.load_batch(batch, summary, prepared=prepared, defer_union=True)
                if self.progress:
                    self.progress(summary)
        finally:  # on an error: a reader thread already running finishes its batch alone
            pending.cancel()
            reading.cancel()

    async def load_batch(
        self,
        batch: list[SourceRecord],
        summary: LoadSummary,
        *,
        prepared: Mapping[str, Prepared] | None = None,
        defer_union: bool = False,
    ) -> None:
        """Store a batch, re-cluster what it touches, and rebuild the affected union documents.

        When this returns the batch's records are stored and visible to searches; with
        ``defer_union`` its union documents may still be being written (`load` waits for
        them), otherwise they are written too. A previous batch's deferred union writes always
        finish before this batch's begin, so union documents are written in batch order.

        Clusters are maintained incrementally: `recluster_batch` finds the batch's neighbourhood
        (terms queries on `keys` and `cluster`) and decides it as a rebuild would. A record that
        moves gets its `cluster` updated; a cluster that loses its last member loses its union
        document.
        """
        await self._ensure_mapping()
        harvested_at = datetime.now(UTC).isoformat(timespec="seconds")
        unique = latest_records(batch, summary)
        with self._timed("lookup"):
            existing, by_source_id = await asyncio.gather(
                self._existing(list(unique)), self.stored_by_source_id(list(unique.values()))
            )
        if prepared is None:  # a harvested batch: map it off the event loop, unchanged ones not
            with self._timed("map"):
                prepared = await asyncio.to_thread(prepare, list(unique.values()), existing)
        outcome = decide(unique, existing, by_source_id, prepared, summary, harvested_at,
                         partial(self._count_undecoded, summary))
        documents, existed, deleted, rehashed = (
            outcome.documents, outcome.existed, outcome.deleted, outcome.rehashed
        )
        if rehashed:  # a later reload need not decode them (refusals cost only that)
            with self._timed("store"):
                await self.store.bulk([
                    line for doc_id, digest in rehashed.items() for line in (
                        {"update": {"_index": self.records_alias, "_id": doc_id}},
                        {"doc": {"raw_hash": digest}})
                ], "storing the raw hashes of unchanged records")
        if not documents and not deleted:
            return
        with self._timed("cluster"):
            affected, actions, members = await self._recluster(documents, deleted, existing)
        with self._timed("store"):
            refused = await self.store.bulk(actions, "storing records")
        for doc_id, reason in refused.items():
            if doc_id not in unique:
                continue
            item = unique[doc_id]
            if doc_id in existed:  # counted as new or updated above: it is skipped instead
                if existed[doc_id]:
                    summary.updated -= 1
                else:
                    summary.new -= 1
            elif item.deleted:
                summary.deleted -= 1
            summary.skip(
                RecordProblem(
                    source=item.source,
                    library=item.library,
                    record_id=item.local_id,
                    offset=item.offset,
                    reason=f"the engine refused the record: {reason}",
                ),
                counted=True,
            )
        with self._timed("refresh"):
            await self.store.refresh("records")
        with self._timed("works"):  # translated titles taught or withdrawn (work_aliases)
            rekey = await stale_works(self.store, documents,
                                      [*deleted, *(i for i in documents if existed[i])])
        if affected or rekey:
            # The pool held every member of every affected cluster; if the engine refused some
            # records, ask it what it actually stored instead.
            await self._finish_union()
            writing = self._write_union(affected, None if refused else members, rekey)
            if defer_union:
                self._union = asyncio.ensure_future(writing)
            else:
                await writing
            summary.clusters_touched += len(affected)

    async def _write_union(
        self, clusters: set[str], members: Mapping[str, list[dict[str, Any]]] | None,
        rekey: set[str],
    ) -> None:
        with self._timed("union"):
            await self.rebuild_clusters(clusters, members)
            # books written earlier under a work id whose alias this batch started or changed
            if rekey and (earlier := await clusters_of(self.store, rekey) - clusters):
                await self.rebuild_clusters(earlier)

    async def finish_union(self) -> None:
        """Wait for union documents still being written by a batch loaded with
        ``defer_union`` (their error is raised here)."""
        await self._finish_union()

    async def _finish_union(self, *, quietly: bool = False) -> None:
        """Wait for the previous batch's union writes (their error is raised unless
        ``quietly``: a load already failing keeps its own error)."""
        pending, self._union = self._union, None
        if pending is None:
            return
        if quietly:
            with contextlib.suppress(Exception):
                await pending
        else:
            await pending

    async def _recluster(
        self,
        documents: dict[str, dict[str, Any]],
        deleted: dict[str, str],
        existing: Mapping[str, Mapping[str, Any]],
    ) -> tuple[set[str], list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
        """(clusters whose union document must be rebuilt, bulk actions for the raw store,
        cluster → its members after this batch).

        The pool holds whole clusters (every current cluster of every record in it is read
        whole), so the members of each affected cluster are known without asking again.
        """
        removed = dict(deleted)
        removed.update({i: existing[i]["cluster"] for i in documents if i in existing})
        reclustered = await recluster_batch(self.raw, documents, removed)
        pool, assignment = reclustered.pool, reclustered.assignment
        affected = set(removed.values())
        actions: list[dict[str, Any]] = []
        for doc_id in deleted:
            actions.append({"delete": {"_index": self.records_alias, "_id": doc_id}})
        for doc_id, document in documents.items():
            document["cluster"] = assignment[doc_id]
            affected.add(document["cluster"])
            actions += [{"index": {"_index": self.records_alias, "_id": doc_id}}, document]
        for doc_id, source in sorted(pool.items()):
            if doc_id in documents or source.get("cluster") == assignment[doc_id]:
                continue
            affected |= {source["cluster"], assignment[doc_id]}
            actions += [
                {"update": {"_index": self.records_alias, "_id": doc_id}},
                {"doc": {"cluster": assignment[doc_id]}},
            ]
        members: dict[str, list[dict[str, Any]]] = {}
        for doc_id, source in sorted(pool.items()):
            cluster = assignment[doc_id]
            if cluster in affected:
                members.setdefault(cluster, []).append({**source, "cluster": cluster})
        return affected, actions, members

    async def rebuild_clusters(
        self, clusters: set[str], members: Mapping[str, list[dict[str, Any]]] | None = None
    ) -> None:
        """Recompute the union documents of these clusters from their current members (read
        from the raw store unless the caller already knows them)."""
        if members is None:
            members = await self.raw.members(sorted(clusters))
        # Built in a worker thread (a quarter of the event loop's time in a first load): the
        # next batch's lookups and bulk requests go on meanwhile.
        documents = await asyncio.to_thread(_union_documents, clusters, members, self.libraries)
        await resolve(self.store, documents)  # translated titles → their original's work
        # unchanged documents keep their datestamp; vanished ones leave a tombstone
        actions = await union_actions(self.store, documents)
        await self.store.bulk(actions, "writing union records")

    async def stored_from(self, library: str, sources: list[str]) -> dict[str, str]:
        """Record id → local id of the records of ``library`` last loaded from ``sources``
        (file paths): what a re-load of those files should find again."""
        return await self.raw.stored_from(library, sources)

    async def stored_by_source_id(
        self, items: list[SourceRecord]
    ) -> dict[tuple[str, str], dict[str, str]]:
        """See :meth:`indexer.raw_records.RawRecords.stored_by_source_id`."""
        return await self.raw.stored_by_source_id(items)

    def _count_undecoded(self, summary: LoadSummary, item: SourceRecord) -> None:
        """A record the reader did not decode (the store holds its very bytes) is unchanged."""
        self.undecoded += 1
        summary.unchanged += 1
        summary.repairs += [(record_id(item.library, item.local_id), r) for r in item.repairs]

    def _stored_raw_fetch(self, loop: asyncio.AbstractEventLoop) -> Fetch:
        """The reader thread's view of the stored raw hashes: one ``mget`` on the event loop
        per window of records (a reader waits for it; an error means "decode them all")."""

        def fetch(library: str, local_ids: list[str]) -> dict[str, Stored]:
            ids = {record_id(library, local): local for local in local_ids}
            asking = asyncio.run_coroutine_threadsafe(self.raw.stored_raw(list(ids)), loop)
            try:
                found = asking.result(timeout=STORED_RAW_TIMEOUT)
            except TimeoutError:
                asking.cancel()
                raise
            return {ids[doc_id]: stored for doc_id, stored in found.items()}

        return fetch

    async def _existing(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        return await self.raw.existing(ids)

    async def _ensure_mapping(self) -> None:
        """Raw stores created before candidate keys and source ids existed get those fields."""
        if self._mapping_checked:
            return
        await self.store.put_mapping(
            "records", {**RECORDS_ADDED_FIELDS, **ADDED_FIELDS["records"]},
            "adding the keys, source_id, first_seen and facts fields to the raw store",
        )
        self._mapping_checked = True
