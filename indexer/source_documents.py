"""Raw-store documents of source records: the MARC as received, plus what is derived from it.

The Loader prepares a batch's documents in a worker thread (:func:`prepare`) while the engine
stores the previous batch; :func:`record_document` is the one shape of a stored source record.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

from harvesters.records import SourceRecord
from indexer.clusters import cluster_id
from indexer.store.derived import derived
from indexer.store.names import record_id
from indexer.store.types import SourceDocument

Prepared = SourceDocument | Exception


def prepare(batch: list[SourceRecord]) -> dict[str, Prepared]:
    """Raw-store documents of a batch (or the error mapping one raised), keyed by record id."""
    harvested_at = datetime.now(UTC).isoformat(timespec="seconds")
    prepared: dict[str, Prepared] = {}
    for item in batch:
        if item.deleted or item.record is None:
            continue
        try:
            prepared[record_id(item.library, item.local_id)] = record_document(item, harvested_at)
        except Exception as exc:  # noqa: BLE001 - reported by load_batch as a skipped record
            prepared[record_id(item.library, item.local_id)] = exc
    return prepared


def record_document(item: SourceRecord, harvested_at: str) -> SourceDocument:
    """The raw-store document of a source record: the MARC as received, plus what we derived."""
    assert item.record is not None
    marc = item.record.as_dict()
    computed = derived(item.record)
    checksum = hashlib.sha1(
        json.dumps(marc, sort_keys=True, ensure_ascii=False).encode("utf-8")
    ).hexdigest()
    return {
        "library": item.library,
        "source": item.source,
        "local_id": item.local_id,
        "source_id": item.source_id,
        "checksum": checksum,
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
        "repairs": [vars(r) for r in item.repairs],  # type: ignore[misc]
    }
