"""Which records describe the same book: candidate keys, then verified matches, then clusters.

A union catalogue shows each book once. Clustering runs in three steps:

1. **Candidate keys** (`candidate_keys`), stored on every raw-store record (`keys`) so the Loader
   finds possible duplicates with one terms query per batch: every ISBN as ISBN-13 (ISBN-10s
   convert, so they cross-match), ISSNs, agency identifiers (010, 024, 035 "(OCoLC)…"), and three
   folded title keys: title + author, title + year, author + year. Folding removes tones and maps
   đ → d, so NFC/NFD text, both tone styles (hòa/hoà) and inverted names give the same keys.
   Every key also carries what no match can differ in (`conflict` rules 1 and 2: material type,
   volume numbers, named part; plain books without volumes carry nothing more), so "Tập 1" and
   "Tập 2" of a set, or 150 numbered commune histories by one author in one year, never share a
   key and never make one another's keys hot. This loses no match: such records never join.
2. **Verification** of every candidate pair by `indexer.matching.verify` (material type, volumes,
   editions, identifiers, years, pages, title distance, authors).
3. **Clusters**: verified pairs are joined strongest first (shared identifier, then rules), and two
   groups join only when no member of one *conflicts* with a member of the other (other volume,
   edition, year, material type, ISBNs) — so a chain of near matches never merges "Tập 1" with
   "Tập 2" or the 2015 printing with the 2019 one.

One library may hold several records of one book (copies catalogued twice, a record re-keyed in
a migration): they join one cluster like any other duplicates, and the union document lists
each as a holding. We do not enforce RecordManager's "one record per library per group".

**Hot keys.** A key carried by more than `MAX_KEY_GROUP` records of the *whole catalogue*
proposes no pairs (its pairs are found through the other keys, or not at all): verifying all of
a generic key's pairs, and fetching its thousands of records for every batch, would make ingest
quadratic. Hotness is a property of the set of records, never of how many were stored when a
batch ran: `cluster_records` counts the keys over the records it is given (a rebuild gives it
the whole catalogue), and the Loader passes the catalogue-wide counts after the batch
(`indexer.cluster_update`). A key that becomes hot (or stops being hot) in a batch has its
records decided again then, once; so loading in any order or batch size and a rebuild give the
same clusters. The price is that clusters are not quite local: the record that makes a key hot
can split records that only that key had joined.

**Neighbourhoods.** Verified pairs form a graph; joining processes its edges in one global order
(strength, then record ids), so the clusters of one connected part of the graph depend only on
that part. The Loader therefore re-decides the whole connected part around a batch (its new,
changed and deleted records, followed through verified pairs under non-hot keys, and whole
clusters), never a fixed radius: what it decides is then exactly what a rebuild decides.

The cluster id is derived from the cluster's *anchor*, its smallest member record id
(``library:local_id``), so it is deterministic (a rebuild from scratch gives the same ids) and
stable while the anchor stays. The result of `cluster_records` depends only on the set of
records given, never on their order.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Collection, Mapping
from functools import lru_cache
from typing import Any

from indexer.marc_document import RecordFields
from indexer.matching import conflict, verify
from indexer.profiles import Profile, profile

TITLE_KEY_LETTERS = 30
# A key shared by more records of the catalogue than this proposes no pairs (see "Hot keys").
MAX_KEY_GROUP = 50


def _title_key(p: Profile) -> str:
    return "".join(p.main_title.split())[:TITLE_KEY_LETTERS]


def _author_key(p: Profile) -> str:
    """The first author's full words (initials left out), sorted: inverted or not, the same.

    All the words, not one: Vietnamese names share their parts (Văn, Thị, Nguyễn), so a single
    word would make "author + year" keys that gather thousands of different people.
    """
    if not p.authors:
        return ""
    full = sorted(w for w in p.authors[0] if len(w) > 1) or sorted(p.authors[0])
    return " ".join(full)


def candidate_keys(fields: RecordFields | Mapping[str, Any]) -> list[str]:
    """The keys under which possible duplicates of this record are looked up (sorted)."""
    return profile_keys(profile(fields))


def _kind_key(p: Profile) -> str:
    """What two records of one cluster always share (`conflict` rules 1 and 2), as a key suffix;
    '' for a book without volume or part, so most records' keys are just the readable ones."""
    parts = []
    if p.type != "book":
        parts.append(f"t={p.type}")
    if p.volumes:
        parts.append("v=" + ",".join(str(v) for v in sorted(p.volumes)))
    if p.named_part:
        parts.append(f"p={p.named_part}")
    return "".join(f"|{part}" for part in parts)


def profile_keys(p: Profile) -> list[str]:
    """The candidate keys of a profile (see the module docstring), sorted (a fresh list).

    Cached like the profiles themselves: a record's keys are asked for in its own mapping and
    again in every batch whose neighbourhood holds it."""
    return list(_profile_keys(p))


@lru_cache(maxsize=8192)
def _profile_keys(p: Profile) -> tuple[str, ...]:
    keys = {f"isbn:{i}" for i in p.isbns}
    keys |= {f"issn:{i}" for i in p.issns}
    keys |= {f"id:{i}" for i in p.ids}
    title = _title_key(p)
    author = _author_key(p)
    if title:
        keys.add(f"ta:{title}|{author}")
        if p.year:
            keys.add(f"ty:{title}|{p.year}")
    if author and p.year:
        keys.add(f"ay:{author}|{p.year}")
    kind = _kind_key(p)
    return tuple(sorted(key + kind for key in keys))


def cluster_key(fields: RecordFields | Mapping[str, Any]) -> str:
    """A readable title|author|year key of the record (kept on raw-store records for people)."""
    return profile_cluster_key(profile(fields))


def profile_cluster_key(p: Profile) -> str:
    """`cluster_key` of a profile already made (a record's keys come from the same one)."""
    return f"{_title_key(p)}|{_author_key(p)}|{p.year or ''}"


def hot_keys(counts: Mapping[str, int]) -> set[str]:
    """The keys that propose no pairs, given how many records of the catalogue carry each."""
    return {key for key, count in counts.items() if count > MAX_KEY_GROUP}


def cluster_id(anchor: str) -> str:
    """The id of the cluster whose smallest member record id is `anchor`."""
    return hashlib.sha1(anchor.encode("utf-8")).hexdigest()[:20]


def cluster_records(
    records: Mapping[str, RecordFields | Mapping[str, Any]],
    hot: Collection[str] | None = None,
    *,
    profiles: Mapping[str, Profile] | None = None,
) -> dict[str, str]:
    """record id → cluster id for every record given (see the module docstring).

    `hot` are the keys that propose no pairs; by default those carried by more than
    `MAX_KEY_GROUP` of the records given, which is right when they are the whole catalogue. A
    caller deciding part of the catalogue passes the catalogue's hot keys instead. `profiles`
    may hold records' profiles the caller already computed (the profile of a record's fields;
    any record missing there is profiled here).
    """
    ids = sorted(records)
    known = profiles or {}
    profiled = [known.get(i) or profile(records[i]) for i in ids]
    by_key: dict[str, list[int]] = defaultdict(list)
    for index, record_profile in enumerate(profiled):
        for key in profile_keys(record_profile):
            by_key[key].append(index)
    if hot is None:
        hot = hot_keys({key: len(members) for key, members in by_key.items()})
    pairs: set[tuple[int, int]] = set()
    for key, members in by_key.items():
        if len(members) > 1 and key not in hot:
            for x, first in enumerate(members):
                for second in members[x + 1 :]:
                    pairs.add((first, second) if first < second else (second, first))
    edges: list[tuple[int, int, int]] = []
    for first, second in pairs:
        verdict = verify(profiled[first], profiled[second])
        if verdict.same:
            edges.append((-verdict.strength, first, second))
    edges.sort()

    group_of = list(range(len(ids)))
    groups: dict[int, list[int]] = {i: [i] for i in range(len(ids))}
    for _strength, first, second in edges:
        a, b = group_of[first], group_of[second]
        if a == b:
            continue
        if any(conflict(profiled[x], profiled[y]) for x in groups[a] for y in groups[b]):
            continue
        keep, gone = (a, b) if a < b else (b, a)
        for member in groups[gone]:
            group_of[member] = keep
        groups[keep].extend(groups.pop(gone))
    # A group's key is its smallest index, which is also its smallest record id: the anchor.
    return {record: cluster_id(ids[group_of[index]]) for index, record in enumerate(ids)}
