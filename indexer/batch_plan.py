"""A batch decided but not yet written: its plan, and the clustering that fills it in.

:class:`indexer.load.Loader` decides a batch against the store as it will be once every batch
submitted before is stored (:mod:`indexer.in_flight`), then writes it; what is decided lives
here, how it is written stays in the Loader.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from harvesters.records import SourceRecord
from harvesters.reports import RunReport
from indexer.batch_outcome import Outcome
from indexer.cluster_update import recluster_batch
from indexer.in_flight import VisibleRecords
from indexer.union import union_document
from mucluc.core.library import Library


@dataclass
class Plan:
    """A batch decided but not yet written (:meth:`indexer.load.Loader._plan`)."""

    seq: int
    report: RunReport  # its records counted, apart from the load's report until submitted
    unique: dict[str, SourceRecord]
    outcome: Outcome
    undecoded: list[SourceRecord]
    affected: set[str] = field(default_factory=set)  # clusters whose union document changes
    actions: list[dict[str, Any]] = field(default_factory=list)  # raw-store bulk actions
    members: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    moved: dict[str, dict[str, Any]] = field(default_factory=dict)  # id → member, new cluster
    #: Affected clusters that no record belonged to before the batch: no union document is
    #: stored under them (one is written only for a cluster with members, and removed when
    #: its last member leaves), so it is not read back before being written.
    new_clusters: set[str] = field(default_factory=set)


_COUNTS = ("read", "new", "updated", "unchanged", "deleted", "merged")


def absorb(summary: RunReport, part: RunReport) -> None:
    """Add a batch's own report (what `decide` counted) into the load's."""
    for name in _COUNTS:
        setattr(summary, name, getattr(summary, name) + getattr(part, name))
    summary.problems += part.problems
    summary.repairs += part.repairs
    summary.warnings += part.warnings


def union_documents(
    clusters: set[str], members: Mapping[str, list[dict[str, Any]]],
    libraries: Mapping[str, Library],
) -> dict[str, dict[str, Any] | None]:
    """Cluster → its union document (None for a cluster left without members)."""
    return {
        cluster: union_document(cluster, members[cluster], libraries)
        if members.get(cluster) else None
        for cluster in clusters
    }


async def recluster_plan(
    visible: VisibleRecords, records_alias: str, plan: Plan,
    existing: Mapping[str, Mapping[str, Any]],
) -> None:
    """Fill in the plan's clusters whose union document must be rebuilt, its bulk actions
    for the raw store, cluster → its members after the batch, and the stored records that
    move to another cluster.

    The pool holds whole clusters (every current cluster of every record in it is read
    whole), so the members of each affected cluster are known without asking again.
    """
    documents, deleted = plan.outcome.documents, plan.outcome.deleted
    removed = dict(deleted)
    removed.update({i: existing[i]["cluster"] for i in documents if i in existing})
    reclustered = await recluster_batch(visible, documents, removed)
    pool, assignment = reclustered.pool, reclustered.assignment
    affected = set(removed.values())
    actions: list[dict[str, Any]] = []
    for doc_id in deleted:
        actions.append({"delete": {"_index": records_alias, "_id": doc_id}})
    for doc_id, document in documents.items():
        document["cluster"] = assignment[doc_id]
        affected.add(document["cluster"])
        actions += [{"index": {"_index": records_alias, "_id": doc_id}}, document]
    for doc_id, source in sorted(pool.items()):
        if doc_id in documents or source.get("cluster") == assignment[doc_id]:
            continue
        affected |= {source["cluster"], assignment[doc_id]}
        actions += [
            {"update": {"_index": records_alias, "_id": doc_id}},
            {"doc": {"cluster": assignment[doc_id]}},
        ]
        plan.moved[doc_id] = {**source, "cluster": assignment[doc_id]}
    for doc_id, source in sorted(pool.items()):
        cluster = assignment[doc_id]
        if cluster in affected:
            plan.members.setdefault(cluster, []).append({**source, "cluster": cluster})
    plan.affected, plan.actions = affected, actions
    # whole clusters: every record that belonged to an affected cluster is in the pool
    before = set(removed.values()) | {
        source["cluster"] for doc_id, source in pool.items() if doc_id not in documents
    }
    plan.new_clusters = affected - before
