"""Raw-store documents of source records: the MARC as received, plus what is derived from it.

The Loader prepares a batch's documents in a worker thread (:func:`prepare`) while the engine
stores the previous batch; :func:`record_document` is the one shape of a stored source record.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from harvesters.records import SourceRecord
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
            marc = item.record.as_dict()
            checksum = marc_checksum(marc)
            if stored and (stored.get(doc_id) or {}).get("checksum") == checksum:
                prepared[doc_id] = Unmapped(checksum)
            else:
                prepared[doc_id] = record_document(item, harvested_at, marc=marc)
        except Exception as exc:  # noqa: BLE001 - reported by load_batch as a skipped record
            prepared[doc_id] = exc
    return prepared


def marc_checksum(marc: Mapping[str, Any]) -> str:
    """The checksum of a record's MARC (``Record.as_dict()``): equal MARC, equal checksum."""
    return hashlib.sha1(
        json.dumps(marc, sort_keys=True, ensure_ascii=False).encode("utf-8")
    ).hexdigest()


def record_document(
    item: SourceRecord, harvested_at: str, *, marc: dict[str, Any] | None = None
) -> SourceDocument:
    """The raw-store document of a source record: the MARC as received, plus what we derived.
    ``marc`` is the record's ``as_dict()`` when the caller already made it."""
    assert item.record is not None
    marc = marc if marc is not None else item.record.as_dict()
    computed = derived(item.record)
    checksum = marc_checksum(marc)
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
