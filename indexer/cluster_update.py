"""Incremental clustering: the part of the catalogue a batch can change, decided again.

The Loader stores each batch's new, changed and deleted records and must give every record the
cluster a rebuild from scratch (`indexer.clusters.cluster_records` over the whole catalogue)
would give it. :func:`recluster_batch` finds the *neighbourhood* of the batch and decides it with
that same function:

* the catalogue-wide count of every key the batch touches, after the batch (so hotness is what
  a rebuild would see, whatever was stored when the batch ran);
* the records of every key that becomes hot or stops being hot (their pairs appear or vanish);
* then, repeatedly, the records sharing a non-hot key with the neighbourhood that `verify` says
  are the same book as one of its records, with their whole clusters — until nothing is added.
  The old versions of changed and deleted records take part in this search (records that were
  joined through them may now split) but not in the clustering.

The result is a union of whole connected parts of the verified-pair graph, and joining treats
each such part on its own (see "Neighbourhoods" in `indexer.clusters`), so every record outside
it keeps a correct cluster and every record inside gets the rebuild's. Each key's records are
fetched only while it is not hot (at most `MAX_KEY_GROUP` of them), so a batch costs a few
lookups per round and ingest is not quadratic. Nothing here talks to the engine: the caller
passes the three lookups (:class:`StoredRecords`), so tests run the real path in memory.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from indexer.clusters import cluster_records, hot_keys, profile_keys
from indexer.matching import verify
from indexer.profiles import Profile, profile

Member = Mapping[str, Any]  # a stored record: at least "fields" and "cluster"
GONE = "\x00"  # prefix of the old versions' ids inside the search (no record id starts so)


class StoredRecords(Protocol):
    """The three questions incremental clustering asks of the raw store (before the batch)."""

    async def key_counts(self, keys: list[str]) -> dict[str, int]:
        """How many stored records carry each of these keys (absent: none)."""
        ...

    async def with_keys(self, keys: list[str]) -> dict[str, Member]:
        """id → every stored record that carries one of these keys."""
        ...

    async def in_clusters(self, clusters: list[str]) -> dict[str, Member]:
        """id → every stored record whose cluster is one of these."""
        ...


@dataclass
class Reclustered:
    """The neighbourhood of a batch after it: stored records as read (old cluster kept) and the
    batch's documents, with the cluster each now belongs to. It holds whole clusters, before
    and after."""

    pool: dict[str, Member]
    assignment: dict[str, str]


class _Search:
    """The neighbourhood being grown: its records, their keys, and the keys' counts."""

    def __init__(self, removed: Mapping[str, str]) -> None:
        self.removed = removed
        self.pool: dict[str, Member] = {}
        self.gone: dict[str, Member] = {}  # old versions of changed and deleted records
        self.profiles: dict[str, Profile] = {}
        self.keys: dict[str, list[str]] = {}
        self.by_key: dict[str, set[str]] = defaultdict(set)
        self.counts: dict[str, int] = {}
        self.queried: set[str] = set()
        self.clusters: set[str] = set(removed.values())

    def know(self, record: str, member: Member) -> None:
        if record not in self.profiles:
            # profiled from the stored dict as it is (building a RecordFields first cost 15 %
            # of the decision; `profile` reads the same values either way)
            self.profiles[record] = profile(member["fields"])
            self.keys[record] = profile_keys(self.profiles[record])

    def add(self, record: str, member: Member, *, gone: bool = False) -> None:
        if gone:  # the old version of a record the batch may store again under the same id
            record = GONE + record
        self.know(record, member)
        (self.gone if gone else self.pool)[record] = member
        for key in self.keys[record]:
            self.by_key[key].add(record)

    def hot(self) -> set[str]:
        return hot_keys(self.counts)

    def joins(self, record: str, among: set[str], hot: set[str]) -> bool:
        """Does `verify` match this record with one of `among` through a non-hot key?"""
        mine = self.profiles[record]
        return any(
            verify(mine, self.profiles[other]).same
            for key in self.keys[record]
            if key in self.queried and key not in hot
            for other in self.by_key[key] & among
        )


async def recluster_batch(
    stored: StoredRecords, documents: Mapping[str, Member], removed: Mapping[str, str]
) -> Reclustered:
    """Decide the clusters around a batch (see the module docstring).

    `documents` are the batch's new and changed records (id → raw-store document with
    "fields"); `removed` maps every stored record the batch deletes or replaces to its cluster.
    """
    search = _Search(removed)
    old = await stored.in_clusters(sorted(search.clusters))
    for record, member in old.items():
        search.add(record, member, gone=record in removed)
    for record, member in documents.items():  # a changed record's old version is in `gone`
        search.add(record, member)
    # Key counts after the batch: stored, less the old versions, plus the new documents.
    touched = sorted({key for record in [*documents, *search.gone] for key in search.keys[record]})
    before = await stored.key_counts(touched)
    search.counts = {key: before.get(key, 0) for key in touched}
    for record in search.gone:
        for key in search.keys[record]:
            search.counts[key] -= 1
    for record in documents:
        for key in search.keys[record]:
            search.counts[key] += 1
    was_hot, now_hot = hot_keys(before), search.hot()
    turned = [key for key in touched if (key in was_hot) != (key in now_hot)]
    frontier = set(search.pool) | set(search.gone)
    frontier |= await _take(search, stored, await stored.with_keys(turned))
    outside: dict[str, Member] = {}
    while frontier:
        found = await _query(search, stored, frontier)
        fresh = {r: m for r, m in found.items() if r not in outside}
        outside.update(fresh)
        everyone = set(search.pool) | set(search.gone)
        hot = search.hot()
        joined = {
            record: outside[record]
            for record in outside
            if search.joins(record, everyone if record in fresh else frontier, hot)
        }
        for record in joined:
            del outside[record]
        frontier = await _take(search, stored, joined)
    assignment = cluster_records(
        {record: member["fields"] for record, member in search.pool.items()}, hot=search.hot(),
        profiles=search.profiles,
    )
    return Reclustered(search.pool, assignment)


async def _query(
    search: _Search, stored: StoredRecords, frontier: Iterable[str]
) -> dict[str, Member]:
    """Stored records sharing a non-hot key with the frontier, not yet in the neighbourhood."""
    keys = sorted({key for record in frontier for key in search.keys[record]} - search.queried)
    uncounted = [key for key in keys if key not in search.counts]
    if uncounted:  # keys no record of the batch carries: the batch left their count alone
        counted = await stored.key_counts(uncounted)
        search.counts.update({key: counted.get(key, 0) for key in uncounted})
    hot = search.hot()
    usable = [key for key in keys if key not in hot]
    search.queried.update(usable)
    found = await stored.with_keys(usable) if usable else {}
    for record, member in found.items():
        search.know(record, member)
    return {
        record: member
        for record, member in found.items()
        if record not in search.removed and record not in search.pool and record not in search.gone
    }


async def _take(search: _Search, stored: StoredRecords, found: Mapping[str, Member]) -> set[str]:
    """Add these stored records and their whole clusters; returns the ids added."""
    added = {r for r in found if r not in search.removed and r not in search.pool}
    for record in added:
        search.add(record, found[record])
    clusters = sorted({found[r]["cluster"] for r in added} - search.clusters)
    search.clusters.update(clusters)
    if clusters:
        for record, member in (await stored.in_clusters(clusters)).items():
            if record not in search.removed and record not in search.pool:
                search.add(record, member)
                added.add(record)
    return added
