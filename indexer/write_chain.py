"""The write chain of a load: each decided batch's raw-store bulk, refresh and union documents.

:class:`indexer.load.Loader` decides batch N+1 (:mod:`indexer.batch_plan`) while batch N is
still being written; what is written, and in which order, lives here:

* a batch's raw-store bulk request is sent once the previous batch's is answered (bulk requests
  in batch order);
* then the raw store is refreshed (after the previous batch's refresh): from then on its records
  are visible to searches and no longer held in flight (:mod:`indexer.in_flight`);
* its union documents are written after the previous batch's (union writes in batch order),
  built in a worker thread meanwhile.

Callers may rely on: :meth:`WriteChain.settle` counts the records the engine refused of the
last submitted batch; :meth:`WriteChain.records_visible` returns once every raw-store write
submitted is visible to searches; :meth:`WriteChain.finish_union` once every union write
submitted is done (raising its error); :meth:`WriteChain.abandon` waits for everything still
running and drops its errors (a failing load keeps its own).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter, deque
from collections.abc import AsyncIterator, Awaitable, Collection, Iterator, Mapping
from typing import Any

from harvesters.reports import RunReport
from indexer import harvest_state
from indexer.batch_outcome import refused_by_engine
from indexer.batch_plan import Plan, union_documents
from indexer.in_flight import InFlight
from indexer.raw_records import RawRecords
from indexer.schema import LOAD_REFRESH_INTERVAL, REFRESH_INTERVAL
from indexer.store import Store
from indexer.tombstones import read_stored, union_actions
from indexer.work_aliases import clusters_of, resolve, stale_works
from mucluc.core.library import Library

#: Batches still being written (records, refresh, union documents) while the next one is
#: decided: bounds what is held in flight and how far union writes lag.
IN_FLIGHT_BATCHES = 2


@contextlib.contextmanager
def timed(timings: Counter[str], phase: str) -> Iterator[None]:
    """Add the seconds the block takes to ``timings[phase]``."""
    started = time.perf_counter()
    try:
        yield
    finally:
        timings[phase] += time.perf_counter() - started


class WriteChain:
    """Writes decided batches in order (see the module docstring) for one Loader.

    ``timings`` is the Loader's phase account: "store", "refresh", "works", "union",
    "union: built", "union: read", "union: bulk" and part of "wait" are added here.
    """

    def __init__(
        self, store: Store, libraries: Mapping[str, Library], in_flight: InFlight,
        timings: Counter[str],
    ) -> None:
        self.store = store
        self.libraries = libraries
        self.in_flight = in_flight
        self.timings = timings
        self.records_alias = store.alias("records")
        self.raw = RawRecords(store)
        # The last submitted batch's raw-store bulk, refresh and union writes (each waits for
        # the previous batch's own), and the batch whose bulk answer is not yet counted.
        self._stored: asyncio.Future[dict[str, str]] | None = None
        self._refreshed: asyncio.Future[None] | None = None
        self._union: asyncio.Future[None] | None = None
        self._unsettled: tuple[Plan, RunReport] | None = None
        self._window: deque[tuple[asyncio.Future[None], asyncio.Future[None]]] = deque()

    @contextlib.asynccontextmanager
    async def loading(self) -> AsyncIterator[None]:
        """A whole load: the raw store and the union index refresh on their own only every
        LOAD_REFRESH_INTERVAL meanwhile (the chain refreshes what the lookups need itself),
        and every REFRESH_INTERVAL again after it, failed or not."""
        await self.store.set_refresh_interval("records", "union", interval=LOAD_REFRESH_INTERVAL)
        try:
            yield
        except BaseException:
            with contextlib.suppress(Exception):  # the load keeps its own error
                await self.store.set_refresh_interval("records", "union",
                                                      interval=REFRESH_INTERVAL)
            raise
        await self.store.set_refresh_interval("records", "union", interval=REFRESH_INTERVAL)

    async def make_room(self) -> None:
        """Wait until at most IN_FLIGHT_BATCHES pipelined batches are still being written."""
        while len(self._window) > IN_FLIGHT_BATCHES:
            refreshed, union = self._window.popleft()
            with timed(self.timings, "wait"):
                await refreshed
                await union

    def submit(self, plan: Plan, summary: RunReport, *, pipelined: bool = False) -> None:
        """Start writing a decided batch (already counted into ``summary``): its records after
        the previous batch's (bulk requests in batch order), then a refresh; its union
        documents after the previous batch's. Its writes are held in flight until that
        refresh has finished. A ``pipelined`` batch counts in :meth:`make_room`'s window."""
        documents, deleted = plan.outcome.documents, plan.outcome.deleted
        self.in_flight.hold(
            plan.seq, {**dict.fromkeys(deleted), **documents}, plan.moved
        )
        stored = asyncio.ensure_future(self._store_records(plan, self._stored))
        wrote = bool(plan.actions or plan.outcome.rehashed)
        refreshed = asyncio.ensure_future(
            self._refresh_records(plan.seq, stored, self._refreshed, wrote=wrote)
        )
        union = asyncio.ensure_future(self._write_union(plan, stored, refreshed, self._union))
        self._stored, self._refreshed, self._union = stored, refreshed, union
        self._unsettled = (plan, summary)
        if pipelined:
            self._window.append((refreshed, union))

    async def settle(self) -> dict[str, str]:
        """Wait for the last submitted batch's bulk answer; records the engine refused are
        counted skipped instead of new, updated or deleted. Returns them (id → reason)."""
        if self._unsettled is None or self._stored is None:
            return {}
        (plan, counted), self._unsettled = self._unsettled, None
        with timed(self.timings, "wait"):
            refused = await self._stored
        refused_by_engine(plan.unique, plan.outcome.existed, refused, counted)
        return refused

    async def records_visible(self) -> None:
        """Wait until every raw-store write submitted is visible to searches."""
        if self._refreshed is not None:
            await self._refreshed
        self.in_flight.evict()

    async def finish_union(self, *, quietly: bool = False) -> None:
        """Wait for the last submitted batch's union writes (their error is raised unless
        ``quietly``: a load already failing keeps its own error)."""
        pending, self._union = self._union, None
        if pending is None:
            return
        if quietly:
            with contextlib.suppress(Exception):
                await pending
        else:
            await pending

    async def abandon(self) -> None:
        """A load is failing: wait for the writes still running (their errors are dropped:
        the load keeps its own)."""
        self._unsettled = None
        for pending in (self._stored, self._refreshed, *(f for w in self._window for f in w)):
            if pending is not None:
                with contextlib.suppress(Exception):
                    await pending
        self._window.clear()
        await self.finish_union(quietly=True)

    async def _store_records(
        self, plan: Plan, previous: asyncio.Future[dict[str, str]] | None
    ) -> dict[str, str]:
        """Send the batch's raw-store writes once the previous batch's are answered; returns
        id → reason for the records the engine refused (raw hashes refused cost only that)."""
        if previous is not None:
            with contextlib.suppress(Exception):  # its error is raised where it is settled
                await previous
        lines = [
            line for doc_id, digest in plan.outcome.rehashed.items() for line in (
                {"update": {"_index": self.records_alias, "_id": doc_id}},
                {"doc": {"raw_hash": digest, harvest_state.FIELD: None}})
        ]  # fmt: skip
        # a later reload need not decode the rehashed ones; their harvest state is dropped
        # (its other values are not at hand here): a re-harvest reads their _source instead
        if not lines and not plan.actions:
            return {}
        with timed(self.timings, "store"):
            refused = await self.store.bulk([*lines, *plan.actions], "storing records")
        return {i: reason for i, reason in refused.items() if i not in plan.outcome.rehashed}

    async def _refresh_records(
        self, seq: int, stored: asyncio.Future[dict[str, str]],
        previous: asyncio.Future[None] | None, *, wrote: bool,
    ) -> None:
        """Refresh the raw store after the batch's bulk request was answered (if it wrote
        anything): from then on its records are visible to searches and no longer held."""
        try:
            await stored
        except Exception:  # noqa: BLE001 - raised where the batch is settled; nothing to show
            return
        if previous is not None:
            await previous
        if wrote:
            with timed(self.timings, "refresh"):
                await self.store.refresh("records")
        self.in_flight.visible(seq)

    async def _write_union(
        self, plan: Plan, stored: asyncio.Future[dict[str, str]],
        refreshed: asyncio.Future[None], previous: asyncio.Future[None] | None,
    ) -> None:
        """The batch's translated titles and union documents, once its records are stored and
        the previous batch's union documents written."""
        try:
            refused = await stored
        except Exception:  # noqa: BLE001 - raised where the batch is settled
            refused = None
        # Built from the plan's members while the previous batch's are still being written
        # (if the engine refused some records, from what it stored, once that is visible).
        built = (self._build_union(plan.affected, plan.members)
                 if refused == {} and plan.affected else None)  # fmt: skip
        try:
            if previous is not None:
                await previous
        except BaseException:
            if built is not None:
                with contextlib.suppress(Exception):
                    await built
            raise
        if refused is None:
            return
        documents, existed = plan.outcome.documents, plan.outcome.existed
        with timed(self.timings, "works"):  # translated titles taught or withdrawn
            replaced = [*plan.outcome.deleted, *(i for i in documents if existed[i])]
            rekey = await stale_works(self.store, documents, replaced)
        if not plan.affected and not rekey:
            return
        with timed(self.timings, "union"):
            if refused or rekey:  # the members are read from what the engine stored
                await refreshed
            # The pool held every member of every affected cluster; if the engine refused some
            # records, ask it what it actually stored instead.
            if plan.affected:
                await self.rebuild_clusters(plan.affected, built=built,
                                            absent=plan.new_clusters)
            # books written earlier under a work id whose alias this batch started or changed
            if rekey and (earlier := await clusters_of(self.store, rekey) - plan.affected):
                await self.rebuild_clusters(earlier)

    async def rebuild_clusters(
        self, clusters: set[str], members: Mapping[str, list[dict[str, Any]]] | None = None,
        *, built: Awaitable[dict[str, dict[str, Any] | None]] | None = None,
        absent: Collection[str] = (),
    ) -> None:
        """Recompute the union documents of these clusters from their current members (read
        from the raw store unless the caller already knows them, or ``built`` them).

        ``absent``: clusters known to have no union document yet (no record belonged to them
        before), whose stored document is not read back."""
        if built is None:
            if members is None:
                members = await self.raw.members(sorted(clusters))
            built = self._build_union(clusters, members)
        with timed(self.timings, "union: built"):
            documents = await built
        with timed(self.timings, "union: read"):  # three reads at once, one round trip
            stored, _ = await asyncio.gather(
                read_stored(self.store, documents, absent=absent),
                resolve(self.store, documents),  # translated titles → their original's work
            )
        # unchanged documents keep their datestamp; vanished ones leave a tombstone
        actions = await union_actions(self.store, documents, stored=stored)
        with timed(self.timings, "union: bulk"):
            await self.store.bulk(actions, "writing union records")

    def _build_union(
        self, clusters: set[str], members: Mapping[str, list[dict[str, Any]]]
    ) -> asyncio.Future[dict[str, dict[str, Any] | None]]:
        """Union documents built in a worker thread (a quarter of the event loop's time in a
        first load): the next batch's lookups and bulk requests go on meanwhile."""
        return asyncio.ensure_future(
            asyncio.to_thread(union_documents, clusters, members, self.libraries)
        )
