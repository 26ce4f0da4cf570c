"""Changes to stores made by earlier versions, applied in place by `mucluc reindex` and `harvest`.

Harvested records keyed by their OAI identifier (issue #11). Before, a record harvested over
OAI-PMH was stored as ``LIB:oai:…`` with ``local_id`` = the OAI identifier, so a library both
harvested and file-loaded showed each book twice in its own holdings, under an identifier no
librarian can look up. Now the raw-store record is ``LIB:<001>`` with ``source_id`` = the OAI
identifier. :func:`rekey_oai_records` re-loads every old-shaped record through the
:class:`~indexer.load.Loader` with that identity: the Loader finds the old document by its OAI
identifier, deletes it, upserts ``LIB:<001>`` (onto the file-loaded record of the same 001, if
any) and rebuilds the union documents of every cluster concerned. A record without a 001 keeps
its key and only gains its ``source_id``.

Old-shaped records are recognised as ``local_id`` starting with ``oai:`` (the scheme the OAI-PMH
guidelines give identifiers; every repository we harvest uses it) and no ``source_id`` (absent,
or empty as the Loader writes it for files); the re-loaded records have one, so the migration
runs once, is safe to interrupt and to repeat, and costs one count query when there is nothing
to do.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from harvesters.metadata import control_number
from harvesters.records import Repair, SourceRecord
from indexer.load import Loader, LoadSummary
from indexer.marc_document import marc_record
from indexer.store import Store
from mucluc.core.library import Library

PAGE = 500
OLD_OAI_KEYS: dict[str, Any] = {
    "bool": {
        "filter": [{"prefix": {"local_id": "oai:"}}],
        "must_not": [{"prefix": {"source_id": "oai:"}}],  # absent or empty: never set
    }
}


@dataclass
class RekeyResult:
    """What :func:`rekey_oai_records` did: records found in the old shape, how many of them are
    now keyed by their 001, and how many had no 001 and kept the OAI identifier."""

    found: int = 0
    rekeyed: int = 0
    without_001: int = 0

    def line(self) -> str:
        return (f"{self.found} harvested records were keyed by their OAI identifier: "
                f"{self.rekeyed} now by their 001, {self.without_001} without a 001 kept it")


async def count_old_oai_keys(store: Store) -> int:
    """How many raw-store records are still keyed by their OAI identifier (cheap: one count)."""
    return await store.count("records", {"query": OLD_OAI_KEYS},
                             doing="counting records keyed by OAI identifier")


async def rekey_oai_records(store: Store, libraries: Mapping[str, Library]) -> RekeyResult:
    """Re-key every old-shaped harvested record by its 001 (see the module docstring).

    The old-shaped records are listed first (ids only) and then re-loaded page by page, so the
    Loader's writes never move the read's cursor.
    """
    result = RekeyResult()
    if not await count_old_oai_keys(store):
        return result
    loader = Loader(store, libraries, batch_size=PAGE)
    ids: list[str] = []
    async for hits in store.scan("records", OLD_OAI_KEYS, source=False,
                                 doing="reading records keyed by OAI identifier"):
        ids += [hit["_id"] for hit in hits]
    for start in range(0, len(ids), PAGE):
        stored = await store.mget("records", ids[start : start + PAGE],
                                  source=["library", "source", "local_id", "marc", "repairs"],
                                  doing="reading records keyed by OAI identifier")
        batch = [_rekeyed(source) for source in stored.values()]
        result.found += len(batch)
        result.rekeyed += sum(1 for item in batch if item.local_id != item.source_id)
        result.without_001 += sum(1 for item in batch if item.local_id == item.source_id)
        await loader.load_batch(batch, LoadSummary())
    return result


def _rekeyed(stored: Mapping[str, Any]) -> SourceRecord:
    """The stored record as the harvester now delivers it: local_id = 001, source_id = OAI id."""
    record = marc_record(stored["marc"])
    return SourceRecord(
        library=stored["library"],
        source=stored.get("source", ""),
        local_id=control_number(record) or stored["local_id"],
        record=record,
        repairs=[Repair(**repair) for repair in stored.get("repairs", [])],
        source_id=stored["local_id"],
    )
