"""Raw-store writes sent but perhaps not yet visible to searches, and the lookups that see them.

The Loader stores batch N (its bulk request and the refresh after it) while batch N+1 is looked
up and clustered, and batch N+1's neighbourhood must include batch N as a rebuild would see it.
:class:`InFlight` holds what the Loader has decided to write and the engine may not show yet:

* a **written** record (new, changed or deleted: its whole document, or None for a deletion):
  whatever version the engine shows of it (the old one, the new one, none) is ignored and the
  held one answers instead;
* a **moved** record (only its ``cluster`` updated): its keys and fields did not change, so the
  engine's answer is right but for the cluster, which the held one corrects; a lookup by
  cluster ignores the engine's answer for it and uses the held member.

A record is held from the moment its batch is decided until a refresh that began after its
bulk request was answered has finished (:meth:`InFlight.visible`, then :meth:`InFlight.evict`):
from then on every search shows it. :class:`VisibleRecords` answers the Loader's lookups
(stored checksums, OAI identifiers, and the three questions of
:class:`indexer.cluster_update.StoredRecords`) from the engine corrected by what is held, so
the answers equal those of an engine that had already stored and refreshed every batch before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from harvesters.records import SourceRecord
from indexer.raw_records import RawRecords

Document = dict[str, Any]


@dataclass
class _Held:
    batch: int  # sequence number of the batch that last wrote the record
    document: Document | None  # written: the whole document (None: deleted); moved: a member
    written: bool


class InFlight:
    """Records of batches decided but not yet known to be visible (see the module docstring)."""

    def __init__(self) -> None:
        self._held: dict[str, _Held] = {}
        self._visible = 0  # every batch up to this sequence number is visible to searches

    def __len__(self) -> int:
        return len(self._held)

    def hold(
        self, batch: int, written: Mapping[str, Document | None], moved: Mapping[str, Document]
    ) -> None:
        """Batch ``batch`` writes these documents (None: deletes the record) and moves these
        members (a member with its new ``cluster``)."""
        for doc_id, document in written.items():
            self._held[doc_id] = _Held(batch, document, True)
        for doc_id, member in moved.items():
            held = self._held.get(doc_id)
            if held is not None and held.written:  # moved after being written in flight
                if held.document is not None:
                    held.document = {**held.document, "cluster": member["cluster"]}
                held.batch = batch
            else:
                self._held[doc_id] = _Held(batch, dict(member), False)

    def visible(self, batch: int) -> None:
        """A refresh begun after batch ``batch``'s bulk request was answered has finished."""
        self._visible = max(self._visible, batch)

    def evict(self) -> None:
        """Forget what every search now shows (called between lookups, never during one)."""
        self._held = {i: h for i, h in self._held.items() if h.batch > self._visible}

    def clear(self) -> None:
        """Forget everything (every write held has been refreshed)."""
        self._held.clear()

    def written_ids(self) -> list[str]:
        return sorted(i for i, h in self._held.items() if h.written)

    def correct(
        self, found: Mapping[str, Document], matches: Callable[[Document], bool], *,
        by_cluster: bool = False,
    ) -> dict[str, Document]:
        """The engine's answer ``found`` to a lookup, corrected: held records replace what the
        engine showed of them; ``matches(document)`` says whether a held one answers it."""
        result: dict[str, Document] = {}
        for doc_id, doc in found.items():
            held = self._held.get(doc_id)
            if held is None:
                result[doc_id] = doc
            elif not held.written and not by_cluster and held.document is not None:
                result[doc_id] = {**doc, "cluster": held.document["cluster"]}
        for doc_id, held in self._held.items():
            if held.document is None or (not held.written and not by_cluster):
                continue
            if matches(held.document):
                result[doc_id] = held.document
        return result

    def counts(self, keys: list[str]) -> dict[str, int]:
        """How many held written documents carry each of these keys."""
        wanted = set(keys)
        counted: dict[str, int] = {}
        for held in self._held.values():
            if held.written and held.document is not None:
                for key in wanted.intersection(held.document.get("keys") or ()):
                    counted[key] = counted.get(key, 0) + 1
        return counted

    def existing(self, ids: list[str], found: Mapping[str, Document]) -> dict[str, Document]:
        """Stored records by id (the engine's real-time ``found``), corrected."""
        result = {i: doc for i, doc in found.items() if i not in self._held}
        for doc_id in ids:
            held = self._held.get(doc_id)
            if held is None or held.document is None:
                continue
            if held.written:
                result[doc_id] = held.document
            elif doc_id in found:
                result[doc_id] = {**found[doc_id], "cluster": held.document["cluster"]}
        return result


class VisibleRecords:
    """The raw store's lookups as an engine that had stored and refreshed every batch held in
    ``in_flight`` would answer them."""

    def __init__(self, raw: RawRecords, in_flight: InFlight) -> None:
        self.raw = raw
        self.in_flight = in_flight

    async def existing(self, ids: list[str]) -> dict[str, Document]:
        return self.in_flight.existing(ids, await self.raw.existing(ids))

    async def key_counts(self, keys: list[str]) -> dict[str, int]:
        if not keys:
            return {}
        counts = await self.raw.key_counts(keys, excluding=self.in_flight.written_ids())
        for key, count in self.in_flight.counts(keys).items():
            counts[key] = counts.get(key, 0) + count
        return counts

    async def with_keys(self, keys: list[str]) -> dict[str, Document]:
        wanted = set(keys)
        return self.in_flight.correct(
            await self.raw.with_keys(keys), lambda doc: bool(wanted.intersection(doc["keys"]))
        )

    async def in_clusters(self, clusters: list[str]) -> dict[str, Document]:
        wanted = set(clusters)
        return self.in_flight.correct(
            await self.raw.in_clusters(clusters), lambda doc: doc["cluster"] in wanted,
            by_cluster=True,
        )

    async def stored_by_source_id(
        self, items: list[SourceRecord]
    ) -> dict[tuple[str, str], dict[str, str]]:
        """See :meth:`indexer.raw_records.RawRecords.stored_by_source_id`, corrected."""
        wanted = {(item.library, item.source_id) for item in items if item.source_id}
        if not wanted:
            return {}
        found = await self.raw.by_source_id(items)
        members = self.in_flight.correct(
            found,
            lambda doc: (doc.get("library"), doc.get("source_id") or doc.get("local_id"))
            in wanted,
        )
        result: dict[tuple[str, str], dict[str, str]] = {}
        for doc_id, doc in members.items():
            key = (doc["library"], doc.get("source_id") or doc["local_id"])
            if key in wanted:
                result.setdefault(key, {})[doc_id] = doc["cluster"]
        return result
