"""Raw-store documents of source records: the MARC as received, plus what is derived from it.

The Loader prepares a batch's documents in a worker thread (:func:`prepare`) while the engine
stores the previous batch; :func:`record_document` is the one shape of a stored source record.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from harvesters.records import SourceRecord, marc_checksum
from indexer import harvest_state
from indexer.clusters import cluster_id
from indexer.store.derived import derived
from indexer.store.names import record_id
from indexer.store.types import SourceDocument


@dataclass(frozen=True)
class Unmapped:
    """A record whose checksum equalled the stored record's when it was prepared: it was not
    mapped (mapping is most of a reload's work). The Loader maps it after all if the stored
    record changed meanwhile."""

    checksum: str


Prepared = SourceDocument | Unmapped | Exception


def prepare(
    batch: list[SourceRecord], stored: Mapping[str, Mapping[str, Any]] | None = None
) -> dict[str, Prepared]:
    """Raw-store documents of a batch (or the error mapping one raised), keyed by record id.

    ``stored`` (record id → at least its stored ``checksum``) lets records whose MARC has not
    changed skip the mapping: they come back as :class:`Unmapped`.
    """
    harvested_at = datetime.now(UTC).isoformat(timespec="seconds")
    prepared: dict[str, Prepared] = {}
    for item in batch:
        if item.deleted or item.record is None:
            continue
        doc_id = record_id(item.library, item.local_id)
        try:
            marc, checksum = (None, item.checksum) if item.checksum else item.marc()
            if stored and (stored.get(doc_id) or {}).get("checksum") == checksum:
                prepared[doc_id] = Unmapped(checksum)
            else:
                prepared[doc_id] = record_document(item, harvested_at, marc=marc)
        except Exception as exc:  # noqa: BLE001 - reported by load_batch as a skipped record
            prepared[doc_id] = exc
    return prepared


__all__ = ["Prepared", "Unmapped", "marc_checksum", "prepare", "record_document"]


def record_document(
    item: SourceRecord, harvested_at: str, *, marc: dict[str, Any] | None = None
) -> SourceDocument:
    """The raw-store document of a source record: the MARC as received, plus what we derived.
    ``marc`` is the record's MARC-in-JSON when the caller already made it (with
    :meth:`SourceRecord.marc`, which keeps the checksum on the item: computed once)."""
    assert item.record is not None
    if marc is None:
        marc, checksum = item.marc()
    else:
        checksum = item.checksum or item.marc()[1]
    computed = derived(item.record)
    repairs = [vars(r) for r in item.repairs]
    return {
        "library": item.library,
        "source": item.source,
        "local_id": item.local_id,
        "source_id": item.source_id,
        "checksum": checksum,
        # the hash of the bytes received: a reload compares it before decoding
        "raw_hash": item.raw_hash,
        "harvested_at": harvested_at,
        # When the catalogue first held the record (growth by month); the Loader keeps the
        # stored one when the record comes again.
        "first_seen": harvested_at,
        "status": "active",
        # Provisional: the Loader sets the real cluster once it has seen the candidates.
        "cluster": cluster_id(record_id(item.library, item.local_id)),
        "cluster_key": computed["cluster_key"],
        "keys": computed["keys"],
        "facts": computed["facts"],
        "marc": marc,
        "fields": computed["fields"],
        "repairs": repairs,
        # what a re-harvest compares, readable without parsing the rest (indexer.harvest_state)
        harvest_state.FIELD: harvest_state.harvest_state(
            item.library, item.local_id, item.source_id, item.raw_hash, checksum, repairs),
    }
