"""What a re-harvest or a reload compares, kept in one stored field of each raw-store record.

A re-harvest asks the raw store, page after page, for the stored records of the page's OAI
identifiers: their local id, raw hash, checksum and repairs (:class:`~harvesters.unchanged.
KnownHarvested`); a reload asks for the same by record id (:class:`~harvesters.unchanged.
KnownRecords`). Read from ``_source`` the engine parses each whole stored record (its MARC
too) to filter out those few values: most of its CPU for the lookup. The
``harvested`` field holds them as one small JSON array, stored apart from ``_source`` and read
with ``stored_fields`` (neither indexed nor with doc values).

The field is written with the record (:func:`indexer.source_documents.record_document`) and is
only ever absent, never stale: a write that changes one of its values without rewriting the
record (the Loader's raw-hash update) removes it, and a record stored before the field existed
has none; the lookup then reads that record's ``_source`` as it did before
(:meth:`indexer.raw_records.RawRecords.stored_harvested`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson

from harvesters.records import Repair
from harvesters.unchanged import Stored

#: The field's name in the raw store's mapping (:data:`indexer.schema.HARVEST_STATE`: stored
#: apart from ``_source``, neither searched nor sorted on) and documents.
FIELD = "harvested"
#: What the lookup reads of a record without the field (its ``_source``).
SOURCE_FIELDS = ["library", "local_id", "source_id", "raw_hash", "checksum", "repairs"]


def harvest_state(library: str, local_id: str, source_id: str, raw_hash: str, checksum: str,
                  repairs: Sequence[dict[str, Any]]) -> str:
    """The field's value for a record stored with these values."""
    return orjson.dumps([library, local_id, source_id, raw_hash, checksum, list(repairs)]
                        ).decode()


def from_source(doc: dict[str, Any]) -> list[Any]:
    """A stored record's ``_source`` (its :data:`SOURCE_FIELDS`) as the field's values."""
    return [doc.get("library", ""), str(doc.get("local_id", "")), doc.get("source_id") or "",
            doc.get("raw_hash") or "", str(doc.get("checksum", "")), doc.get("repairs") or []]


def read(values: list[Any]) -> tuple[str, str, str, Stored | None]:
    """(library, key, local id, what a reader compares or None without a raw hash) of the
    field's values; the key is the OAI identifier, or the local id of a record stored before
    source ids existed."""
    library, local_id, source_id, raw_hash, checksum, repairs = values
    kept = Stored(raw_hash, str(checksum), tuple(Repair(**r) for r in repairs)
                  ) if raw_hash else None
    return library, source_id or local_id, str(local_id), kept


def parse(value: str) -> list[Any]:
    """The field's stored value as its values."""
    values: list[Any] = orjson.loads(value)
    return values
