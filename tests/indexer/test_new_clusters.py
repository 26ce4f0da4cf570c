"""A batch's plan says which affected clusters are new, so their union documents are written
without being read back first (`indexer.batch_plan.Plan.new_clusters`).

A union document exists only for a cluster some record belongs to, so a cluster is new exactly
when no stored record carried it before the batch. Here batches of histories of loads, changes
and deletions are decided by the Loader's own `recluster_plan` against the lagging in-memory
store of `test_in_flight` (searches up to two batches behind the writes): every cluster the plan
calls new must be carried by no record stored before the batch, and every affected cluster some
record carried must be read back (not new).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harvesters.reports import RunReport
from indexer import clusters
from indexer.batch_outcome import Outcome
from indexer.batch_plan import Plan, recluster_plan
from indexer.clusters import candidate_keys, cluster_id
from indexer.in_flight import InFlight, VisibleRecords
from indexer.marc_document import RecordFields
from tests.indexer.test_cluster_update import histories
from tests.indexer.test_in_flight import Document, LaggingStore


async def plan_batch(
    store: LaggingStore, in_flight: InFlight, seq: int, batch: Mapping[str, RecordFields | None]
) -> tuple[Plan, dict[str, Document | None]]:
    """Decide a batch as the Loader does and write it to the store; returns the plan and the
    versions written (None: deleted)."""
    in_flight.evict()
    visible = VisibleRecords(store, in_flight)  # type: ignore[arg-type]
    existing = await visible.existing(sorted(batch))
    outcome = Outcome(
        documents={i: {"fields": f.as_dict(), "keys": candidate_keys(f), "cluster": cluster_id(i)}
                   for i, f in batch.items() if f is not None},
        deleted={i: existing[i]["cluster"] for i, f in batch.items()
                 if f is None and i in existing},
    )  # fmt: skip
    outcome.existed = {i: i in existing for i in outcome.documents}
    plan = Plan(seq, RunReport(), {}, outcome, [])
    await recluster_plan(visible, "records", plan, existing)
    written: dict[str, Document | None] = {
        **dict.fromkeys(outcome.deleted), **outcome.documents
    }
    in_flight.hold(seq, written, plan.moved)
    return plan, store.write(written, plan.moved)


@pytest.mark.parametrize("cap", [3, clusters.MAX_KEY_GROUP])
@settings(max_examples=150, deadline=None)
@given(history=histories(), data=st.data())
def test_a_new_cluster_is_one_no_stored_record_carried_before_the_batch(
    history: list[dict[str, RecordFields | None]], data: st.DataObject, cap: int
) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clusters, "MAX_KEY_GROUP", cap)
        store, in_flight = LaggingStore(), InFlight()
        unrefreshed: list[tuple[int, Mapping[str, Document | None]]] = []
        for seq, batch in enumerate(history, 1):
            carried = {record["cluster"] for record in store.stored.values()}
            plan, versions = asyncio.run(plan_batch(store, in_flight, seq, batch))
            assert plan.new_clusters <= plan.affected
            assert not plan.new_clusters & carried
            assert plan.affected - plan.new_clusters <= carried
            store.lag(seq, versions, in_flight, unrefreshed, data)
