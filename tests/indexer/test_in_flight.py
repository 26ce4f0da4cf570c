"""Batches decided while earlier ones are not yet visible still get the clusters of a rebuild.

The Loader decides batch N+1 while the engine is still storing and refreshing batch N; what it
decided for the batches before is held in flight (`indexer.in_flight.InFlight`) and corrects
the engine's answers (`VisibleRecords`). Here the engine is an in-memory store whose searches
lag behind its writes by up to two batches, each write visible or not at random, as a real
engine's refresh leaves them; its ``mget`` is real-time, as the engine's is. After every batch
the stored clusters must equal `cluster_records` over every stored record.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer import clusters
from indexer.cluster_update import recluster_batch
from indexer.clusters import candidate_keys, cluster_id, cluster_records
from indexer.in_flight import InFlight, VisibleRecords
from indexer.marc_document import RecordFields
from tests.indexer.test_cluster_update import histories

Document = dict[str, Any]


class LaggingStore:
    """Raw-store records as written (``stored``, what ``mget`` reads) and as searches see them
    (``shown``: each record's version from some earlier moment)."""

    def __init__(self) -> None:
        self.stored: dict[str, Document] = {}
        self.shown: dict[str, Document] = {}
        self.shown_from: dict[str, int] = {}  # the batch whose version of a record is shown

    async def existing(self, ids: list[str]) -> dict[str, Document]:
        return {i: dict(self.stored[i]) for i in ids if i in self.stored}

    async def key_counts(self, keys: list[str], *, excluding: list[str] | None = None
                         ) -> dict[str, int]:  # fmt: skip
        left_out = set(excluding or ())
        counts = {key: sum(key in r["keys"] for i, r in self.shown.items() if i not in left_out)
                  for key in keys}  # fmt: skip
        return {key: count for key, count in counts.items() if count}

    async def with_keys(self, keys: list[str]) -> dict[str, Document]:
        wanted = set(keys)
        return {i: dict(r) for i, r in self.shown.items() if wanted & set(r["keys"])}

    async def in_clusters(self, wanted: list[str]) -> dict[str, Document]:
        return {i: dict(r) for i, r in self.shown.items() if r["cluster"] in wanted}

    async def by_source_id(self, items: list[Any]) -> dict[str, Document]:
        return {}

    def write(
        self, written: Mapping[str, Document | None], moved: Mapping[str, Document]
    ) -> dict[str, Document | None]:
        """Store a batch's writes (None: deleted) and its moves (a partial update: only the
        cluster changes); returns the versions stored."""
        versions: dict[str, Document | None] = dict(written)
        for doc_id, member in moved.items():
            versions[doc_id] = {**self.stored[doc_id], "cluster": member["cluster"]}
        for doc_id, version in versions.items():
            if version is None:
                self.stored.pop(doc_id, None)
            else:
                self.stored[doc_id] = version
        return versions

    def lag(
        self, seq: int, versions: Mapping[str, Document | None], in_flight: InFlight,
        unrefreshed: list[tuple[int, Mapping[str, Document | None]]], data: st.DataObject,
    ) -> None:
        """The engine shows some of batch ``seq``'s writes at once (an automatic refresh may
        come in the middle of a bulk request), the rest after a refresh at most two batches
        later (``unrefreshed``: the batches written and not yet refreshed, oldest first)."""
        early = data.draw(st.sets(st.sampled_from(sorted(versions))) if versions
                          else st.just(set()))  # fmt: skip
        self.show(seq, {i: v for i, v in versions.items() if i in early})
        unrefreshed.append((seq, versions))
        lag = data.draw(st.integers(0, min(2, len(unrefreshed))))
        while len(unrefreshed) > lag:
            refreshed, shown = unrefreshed.pop(0)
            self.show(refreshed, shown)
            in_flight.visible(refreshed)

    def show(self, seq: int, versions: Mapping[str, Document | None]) -> None:
        """Searches now show batch ``seq``'s versions of these records (None: gone), unless a
        later batch's version is shown already (the engine never goes back)."""
        for doc_id, version in versions.items():
            if self.shown_from.get(doc_id, 0) > seq:
                continue
            self.shown_from[doc_id] = seq
            if version is None:
                self.shown.pop(doc_id, None)
            else:
                self.shown[doc_id] = version


async def load(
    store: LaggingStore, in_flight: InFlight, seq: int, batch: Mapping[str, RecordFields | None]
) -> dict[str, Document | None]:
    """What the Loader does with a batch decided against the lagging store; returns the
    versions it wrote (None: deleted)."""
    in_flight.evict()
    visible = VisibleRecords(store, in_flight)  # type: ignore[arg-type]
    existing = await visible.existing(sorted(batch))
    documents = {
        i: {"fields": f.as_dict(), "keys": candidate_keys(f), "cluster": cluster_id(i)}
        for i, f in batch.items() if f is not None
    }  # fmt: skip
    deleted = {i: existing[i]["cluster"] for i, f in batch.items() if f is None and i in existing}
    removed = {**deleted, **{i: existing[i]["cluster"] for i in documents if i in existing}}
    result = await recluster_batch(visible, documents, removed)
    written: dict[str, Document | None] = dict.fromkeys(deleted)
    moved: dict[str, Document] = {}
    for doc_id, member in result.pool.items():
        cluster = result.assignment[doc_id]
        if doc_id in documents:
            written[doc_id] = {**member, "cluster": cluster}
        elif member["cluster"] != cluster:
            moved[doc_id] = {**member, "cluster": cluster}
    in_flight.hold(seq, written, moved)
    return store.write(written, moved)


@pytest.mark.parametrize("cap", [3, clusters.MAX_KEY_GROUP])
@settings(max_examples=150, deadline=None)
@given(history=histories(), data=st.data())
def test_batches_decided_before_the_last_ones_are_visible_give_a_rebuild(
    history: list[dict[str, RecordFields | None]], data: st.DataObject, cap: int
) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clusters, "MAX_KEY_GROUP", cap)
        store, in_flight = LaggingStore(), InFlight()
        current: dict[str, RecordFields] = {}
        unrefreshed: list[tuple[int, Mapping[str, Document | None]]] = []
        for seq, batch in enumerate(history, 1):
            versions = asyncio.run(load(store, in_flight, seq, batch))
            store.lag(seq, versions, in_flight, unrefreshed, data)
            for record, fields in batch.items():
                if fields is None:
                    current.pop(record, None)
                else:
                    current[record] = fields
            assert {i: r["cluster"] for i, r in store.stored.items()} == cluster_records(current)
