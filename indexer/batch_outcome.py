"""What each record of a batch becomes: new, updated, unchanged, deleted or skipped.

The Loader's per-record decision, apart from its engine calls: given what the store holds
(``existing``: stored records by id; ``by_source_id``: the same protocol record stored under
other ids) and what was prepared from the batch, :func:`decide` counts every record into the
summary and returns the raw-store documents to write and the records to delete. Nothing here
talks to the engine.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from harvesters.records import Notice, RecordProblem, SourceRecord
from harvesters.reports import RunReport
from indexer.source_documents import Prepared, Unmapped, record_document
from indexer.store.names import record_id


def merged(summary: RunReport, item: SourceRecord) -> None:
    """Count a record delivered twice in one batch (the later version is kept) as merged."""
    summary.merged += 1
    summary.warnings.append(Notice(
        source=item.source, library=item.library, record_id=item.local_id,
        offset=item.offset, kind="merged",
        message="delivered twice in one batch; the later version was kept"))


def problem(item: SourceRecord, reason: str) -> RecordProblem:
    """The problem that skips ``item``, where it came from and why."""
    return RecordProblem(source=item.source, library=item.library, record_id=item.local_id,
                         offset=item.offset, reason=reason)


def refused_by_engine(
    unique: Mapping[str, SourceRecord], existed: Mapping[str, bool],
    refused: Mapping[str, str], summary: RunReport,
) -> None:
    """Records of a batch the engine refused are counted skipped instead of what the batch's
    decision counted them as (new, updated or deleted)."""
    for doc_id, reason in refused.items():
        if doc_id not in unique:
            continue
        item = unique[doc_id]
        if doc_id in existed:  # counted as new or updated: it is skipped instead
            if existed[doc_id]:
                summary.updated -= 1
            else:
                summary.new -= 1
        elif item.deleted:
            summary.deleted -= 1
        summary.skip(problem(item, f"the engine refused the record: {reason}"), counted=True)


def latest_records(batch: list[SourceRecord], summary: RunReport) -> dict[str, SourceRecord]:
    """Record id → the last version of that record in the batch (earlier ones counted merged)."""
    latest: dict[tuple[str, str], SourceRecord] = {}
    for item in batch:  # the last version of a record within a batch wins
        key = (item.library, item.source_id or item.local_id)
        if key in latest:
            merged(summary, item)
        latest[key] = item
    unique: dict[str, SourceRecord] = {}
    for item in latest.values():  # two protocol records with one 001 are one record too
        doc_id = record_id(item.library, item.local_id)
        if doc_id in unique:
            merged(summary, unique[doc_id])
        unique[doc_id] = item
    return unique


def first_seen(stored: Mapping[str, Any] | None) -> str:
    """When the stored record was first held: ``first_seen``, else (a store older than the
    field) its last harvest; "" for a record not stored yet."""
    if not stored:
        return ""
    return str(stored.get("first_seen") or stored.get("harvested_at") or "")


def unchanged(old: Mapping[str, Any] | None, checksum: str, source_id: str) -> bool:
    """Is the stored record (``old``) this one: same MARC and same OAI identifier? (A file
    load of a harvested record keeps the stored identifier.)"""
    if old is None:
        return False
    kept = old.get("source_id", "")
    return (old.get("checksum"), kept) == (checksum, source_id or kept)


@dataclass
class Outcome:
    """What to write for a batch."""

    documents: dict[str, dict[str, Any]] = field(default_factory=dict)  # raw-store documents
    existed: dict[str, bool] = field(default_factory=dict)  # per document: was it stored?
    deleted: dict[str, str] = field(default_factory=dict)  # record id → its stored cluster
    rehashed: dict[str, str] = field(default_factory=dict)  # unchanged, stored w/o this hash

    def rehash(self, doc_id: str, item: SourceRecord, old: Mapping[str, Any] | None) -> None:
        """Note an unchanged record whose stored raw hash is not this one's (stored before raw
        hashes existed, or the same MARC from other bytes): the hash is stored, nothing else."""
        if item.raw_hash and old is not None and old.get("raw_hash") != item.raw_hash:
            self.rehashed[doc_id] = item.raw_hash


def decide(
    unique: Mapping[str, SourceRecord],
    existing: Mapping[str, Mapping[str, Any]],
    by_source_id: Mapping[tuple[str, str], Mapping[str, str]],
    prepared: Mapping[str, Prepared] | None,
    summary: RunReport,
    harvested_at: str,
    undecoded: Callable[[SourceRecord], None],
) -> Outcome:
    """Count every record of ``unique`` into ``summary`` and say what to write; ``undecoded``
    is called for a record the reader did not decode (the store holds its very bytes)."""
    outcome = Outcome()
    for doc_id, item in unique.items():
        old = existing.get(doc_id)
        # The same protocol record stored under another id: a deletion (which carries only
        # the OAI identifier) or a record whose 001 changed. One raw-store record remains.
        elsewhere = {
            stored: cluster
            for stored, cluster in by_source_id.get((item.library, item.source_id), {}).items()
            if stored != doc_id
        }
        if item.unchanged:  # not decoded: the store holds these very bytes
            undecoded(item)
            continue
        if item.deleted or item.record is None:
            gone = {doc_id: old["cluster"]} if old is not None else {}
            gone.update(elsewhere)
            outcome.deleted.update(gone)
            summary.deleted += 1  # a deletion of a record never stored is still accounted
            continue
        outcome.deleted.update(elsewhere)
        try:
            ready = prepared.get(doc_id) if prepared else None
            if isinstance(ready, Unmapped):
                if unchanged(old, ready.checksum, item.source_id):
                    summary.unchanged += 1
                    summary.repairs += [(doc_id, repair) for repair in item.repairs]
                    outcome.rehash(doc_id, item, old)
                    continue
                ready = None  # the stored record changed since it was prepared
            if ready is None:
                ready = record_document(item, harvested_at)
            if isinstance(ready, Exception):
                raise ready
            document = ready
        except Exception as exc:  # noqa: BLE001 - a record that cannot be mapped is skipped
            summary.skip(problem(item, f"cannot map the record: {exc}"[:300]), counted=True)
            continue
        for repair in item.repairs:
            summary.repairs.append((doc_id, repair))
        # A file load of a harvested record keeps the OAI identifier its deletion will carry.
        document["source_id"] = document["source_id"] or (old or {}).get("source_id", "")
        # ...and the day the catalogue first held it (older stores: its last harvest)
        document["first_seen"] = first_seen(old) or document["first_seen"]
        if unchanged(old, document["checksum"], document["source_id"]):
            summary.unchanged += 1
            outcome.rehash(doc_id, item, old)
            continue
        if old is None and not elsewhere:
            summary.new += 1
        else:
            summary.updated += 1
        outcome.documents[doc_id] = document
        outcome.existed[doc_id] = old is not None
    return outcome
