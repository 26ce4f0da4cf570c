"""Ingest: source records → raw store → clusters → union documents, in batches.

A batch never fails whole because of one record: a record the engine refuses becomes a problem
in the summary and the rest goes on. Records whose checksum has not changed are left alone, so
loading the same file twice adds nothing (and a resumed harvest never duplicates).

Here a batch is read, looked up and decided (:mod:`indexer.batch_plan`); how decided batches
are written, in order, is :mod:`indexer.write_chain`.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import (
    AsyncIterable,
    Callable,
    Iterable,
    Iterator,
    Mapping,
)
from datetime import UTC, datetime
from typing import Any

from harvesters.records import Notice, RecordProblem, SourceRecord
from harvesters.reports import RunReport
from harvesters.unchanged import KNOWN, Fetch, KnownRecords, Stored
from indexer.batch_outcome import decide, latest_records
from indexer.batch_plan import Plan, absorb, recluster_plan
from indexer.in_flight import InFlight, VisibleRecords
from indexer.raw_records import RawRecords
from indexer.schema import RECORDS_ADDED_FIELDS
from indexer.source_documents import Prepared, prepare
from indexer.store import Store
from indexer.store.indices import ADDED_FIELDS
from indexer.store.names import record_id
from indexer.write_chain import WriteChain, timed
from mucluc.core.collector import streaming_records
from mucluc.core.library import Library

SourceItem = SourceRecord | RecordProblem | Notice

#: Batches read ahead of the one being looked up and mapped (each holds ``batch_size`` parsed
#: records): enough to keep the reader busy while the engine answers.
READ_AHEAD = 2
#: Seconds the reader thread waits for stored raw hashes before decoding the window anyway.
STORED_RAW_TIMEOUT = 120.0


#: The Loader counts into the one run-report model (kept under its old name for callers).
LoadSummary = RunReport


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
        #: "union"; "wait": the next batch waiting for earlier batches' writes; "read": the
        #: pipeline waiting for the next batch to be read and mapped), summed over every batch:
        #: the benchmark reports the clustering share. "union: built", "union: read" and
        #: "union: bulk" split the union phase of a rebuild (waiting for the documents built in
        #: a thread; translated titles, stored documents and tombstones read at once; the bulk
        #: request).
        self.timings: Counter[str] = Counter()
        #: Writes decided but perhaps not yet visible; lookups go through ``visible``.
        self.in_flight = InFlight()
        self.visible = VisibleRecords(self.raw, self.in_flight)
        self._batches = 0  # sequence number of the last batch submitted
        #: Writes the decided batches in order (raw store, refresh, union documents).
        self.chain = WriteChain(store, libraries, self.in_flight, self.timings)
        #: Records counted unchanged without being decoded (harvesters.unchanged), summed over
        #: every load: the benchmark and the tests read it.
        self.undecoded = 0

    def _timed(self, phase: str) -> contextlib.AbstractContextManager[None]:
        return timed(self.timings, phase)

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
        # the collector's thresholds cover the whole load, not only its reader: the reader
        # finishes batches ahead of the rest (see mucluc.core.collector)
        async with self.chain.loading():
            with streaming_records():
                try:
                    if hasattr(items, "__aiter__"):
                        await self._load_async(items, summary)  # type: ignore[arg-type]
                    else:
                        await self._load_pipelined(iter(items), summary)  # type: ignore[arg-type]
                    await self.chain.finish_union()
                except BaseException:
                    await self.chain.abandon()
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
                with self._timed("read"):  # waiting for the reader thread and the mapping
                    batch, others, prepared = await pending
                for item in summary.intake(others):  # records the reader did not decode
                    self._count_undecoded(summary, item)
                if not batch and not others:
                    break
                summary.intake(batch)
                pending = asyncio.ensure_future(next_batch())
                if batch:
                    await self._pipelined_batch(batch, summary, prepared)
                if self.progress:
                    self.progress(summary)
            await self.chain.settle()
            await self.chain.records_visible()
        finally:  # on an error: a reader thread already running finishes its batch alone
            pending.cancel()
            reading.cancel()

    async def _pipelined_batch(
        self, batch: list[SourceRecord], summary: LoadSummary, prepared: Mapping[str, Prepared]
    ) -> None:
        """Decide a batch while the previous ones are still being stored, then submit it.

        The previous batch's bulk answer is awaited after the decision: if the engine refused
        some of its records, what was held in flight for them was wrong, so the batch is
        decided again once the engine shows what it really stored."""
        await self.chain.make_room()
        plan = await self._plan(batch, prepared)
        if await self.chain.settle():
            with self._timed("wait"):
                await self.chain.records_visible()
            plan = await self._plan(batch, prepared)
        self._submit(plan, summary, pipelined=True)

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
        await self.chain.settle()  # a batch of a pipelined load before this one (none usually)
        await self.chain.records_visible()
        plan = await self._plan(batch, prepared)
        self._submit(plan, summary)
        await self.chain.settle()
        await self.chain.records_visible()
        if not defer_union:
            await self.chain.finish_union()

    async def _plan(
        self, batch: list[SourceRecord], prepared: Mapping[str, Prepared] | None
    ) -> Plan:
        """Decide a batch against the store as it will be once every batch submitted before
        is stored (:mod:`indexer.in_flight`): what each record becomes (counted into the plan's
        own report), the raw-store writes and the clusters. Nothing is written."""
        await self._ensure_mapping()
        self.in_flight.evict()
        report = LoadSummary()
        harvested_at = datetime.now(UTC).isoformat(timespec="seconds")
        unique = latest_records(batch, report)
        undecoded: list[SourceRecord] = []
        with self._timed("lookup"):
            existing, by_source_id = await asyncio.gather(
                self.visible.existing(list(unique)),
                self.visible.stored_by_source_id(list(unique.values())),
            )
        if prepared is None:  # a harvested batch: map it off the event loop, unchanged ones not
            with self._timed("map"):
                prepared = await asyncio.to_thread(prepare, list(unique.values()), existing)
        outcome = decide(unique, existing, by_source_id, prepared, report, harvested_at,
                         undecoded.append)
        plan = Plan(self._batches + 1, report, unique, outcome, undecoded)
        if outcome.documents or outcome.deleted:
            with self._timed("cluster"):
                await recluster_plan(self.visible, self.records_alias, plan, existing)
        return plan

    def _submit(self, plan: Plan, summary: LoadSummary, *, pipelined: bool = False) -> None:
        """Count a decided batch in and start writing it (:meth:`WriteChain.submit`)."""
        self._batches = plan.seq
        absorb(summary, plan.report)
        for item in plan.undecoded:
            self._count_undecoded(summary, item)
        self.chain.submit(plan, summary, pipelined=pipelined)
        summary.clusters_touched += len(plan.affected)

    async def finish_union(self) -> None:
        """Wait for union documents still being written by a batch loaded with
        ``defer_union`` (their error is raised here)."""
        await self.chain.finish_union()

    async def rebuild_clusters(
        self, clusters: set[str], members: Mapping[str, list[dict[str, Any]]] | None = None,
    ) -> None:
        """Recompute the union documents of these clusters from their current members (read
        from the raw store unless the caller already knows them)."""
        await self.chain.rebuild_clusters(clusters, members)

    async def stored_from(self, library: str, sources: list[str]) -> dict[str, str]:
        """Record id → local id of the records of ``library`` last loaded from ``sources``
        (file paths): what a re-load of those files should find again."""
        return await self.raw.stored_from(library, sources)

    async def stored_by_source_id(
        self, items: list[SourceRecord]
    ) -> dict[tuple[str, str], dict[str, str]]:
        """See :meth:`indexer.raw_records.RawRecords.stored_by_source_id` (records of batches
        still being stored included)."""
        return await self.visible.stored_by_source_id(items)

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
        return await self.visible.existing(ids)

    async def _ensure_mapping(self) -> None:
        """Raw stores created before candidate keys and source ids existed get those fields."""
        if self._mapping_checked:
            return
        await self.store.put_mapping(
            "records", {**RECORDS_ADDED_FIELDS, **ADDED_FIELDS["records"]},
            "adding the keys, source_id, first_seen and facts fields to the raw store",
        )
        self._mapping_checked = True
