"""Incremental clustering gives what a rebuild gives, whatever the order and size of the batches.

`indexer.cluster_update.recluster_batch` is the Loader's clustering path; here it runs over an
in-memory raw store that answers the same three questions the engine does, and after every batch
the stored clusters must equal `cluster_records` over every stored record (what `mucluc reindex`
computes). The records come from a small vocabulary of near duplicates, volumes, editions, years
and shared ISBNs, so chains, conflicts and hot keys (with a cap lowered to 3) are common.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer import clusters
from indexer.cluster_update import recluster_batch
from indexer.clusters import candidate_keys, cluster_id, cluster_records
from indexer.marc_document import RecordFields


class MemoryStore:
    """The raw store's records (id → fields, keys, cluster), answering like the engine."""

    def __init__(self) -> None:
        self.records: dict[str, dict[str, Any]] = {}

    async def key_counts(self, keys: list[str]) -> dict[str, int]:
        counts = {key: sum(key in r["keys"] for r in self.records.values()) for key in keys}
        return {key: count for key, count in counts.items() if count}

    async def with_keys(self, keys: list[str]) -> dict[str, Mapping[str, Any]]:
        wanted = set(keys)
        return {i: dict(r) for i, r in self.records.items() if wanted & set(r["keys"])}

    async def in_clusters(self, wanted: list[str]) -> dict[str, Mapping[str, Any]]:
        return {i: dict(r) for i, r in self.records.items() if r["cluster"] in wanted}

    async def load(self, batch: Mapping[str, RecordFields | None]) -> None:
        """What `Loader._recluster` does with a batch (None: a deletion)."""
        documents = {
            i: {"fields": f.as_dict(), "keys": candidate_keys(f), "cluster": cluster_id(i)}
            for i, f in batch.items()
            if f is not None
        }
        removed = {i: self.records[i]["cluster"] for i in batch if i in self.records}
        result = await recluster_batch(self, documents, removed)
        assert set(documents) <= set(result.pool)
        for record in removed:
            del self.records[record]
        for record, member in result.pool.items():
            self.records[record] = {**member, "cluster": result.assignment[record]}

    def clusters(self) -> dict[str, str]:
        return {i: r["cluster"] for i, r in self.records.items()}


TITLES = ["Truyện Kiều", "Truyen Kieu", "Truyện Kiểu", "Truyện Kiều xưa", "Kiều", "Tây du ký"]
AUTHORS = [["Nguyễn Du"], ["Nguyễn, Du"], ["Nguyễn Dư"], []]

books = st.builds(
    RecordFields,
    title=st.sampled_from(TITLES),
    part=st.sampled_from(["", "", "Tập 1", "Tập 2"]),
    authors=st.sampled_from(AUTHORS),
    year=st.sampled_from([None, 2015, 2015, 2016]),
    pages=st.sampled_from([None, 300, 310, 400]),
    edition=st.sampled_from(["", "", "Tái bản lần thứ 2"]),
    isbns=st.sampled_from([[], [], ["9786041234567"], ["9786046912347"]]),
)
ids = st.builds(lambda lib, n: f"{lib}:{n}", st.sampled_from(["DBI", "TGI", "MCH"]),
                st.integers(0, 9))  # fmt: skip


@st.composite
def histories(draw: st.DrawFn) -> list[dict[str, RecordFields | None]]:
    """Batches: first loads in a random order and batch size, then changes and deletions."""
    records = draw(st.dictionaries(ids, books, min_size=1, max_size=14))
    order = draw(st.permutations(sorted(records)))
    batches: list[dict[str, RecordFields | None]] = []
    start = 0
    while start < len(order):
        size = draw(st.integers(1, 5))
        batches.append({i: records[i] for i in order[start : start + size]})
        start += size
    for _ in range(draw(st.integers(0, 3))):
        changes = draw(st.dictionaries(st.sampled_from(order), st.none() | books, max_size=3))
        batches.append(changes)
    return batches


@pytest.mark.parametrize("cap", [3, clusters.MAX_KEY_GROUP])
@settings(max_examples=150, deadline=None)
@given(history=histories())
def test_batches_in_any_order_give_the_clusters_of_a_rebuild(
    history: list[dict[str, RecordFields | None]], cap: int
) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clusters, "MAX_KEY_GROUP", cap)
        store = MemoryStore()
        current: dict[str, RecordFields] = {}
        for batch in history:
            asyncio.run(store.load(batch))
            for record, fields in batch.items():
                if fields is None:
                    current.pop(record, None)
                else:
                    current[record] = fields
            assert store.clusters() == cluster_records(current)


def test_a_key_that_turns_hot_splits_what_only_it_joined() -> None:
    # Two copies of one book (no year: title + author is their only key) and, later, more
    # records under that key: once it is hot the pair splits, as a rebuild would split it.
    book = RecordFields(title="Địa chí xã", authors=["Lò Văn Pọm"], pages=120)
    others = {f"MCH:{n}": RecordFields(title="Địa chí xã", authors=["Lò Văn Pọm"], pages=300)
              for n in range(3)}  # fmt: skip
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clusters, "MAX_KEY_GROUP", 3)
        store = MemoryStore()
        asyncio.run(store.load({"DBI:1": book, "TGI:1": book}))
        assert store.clusters()["DBI:1"] == store.clusters()["TGI:1"]
        asyncio.run(store.load(others))
        assert store.clusters() == cluster_records({"DBI:1": book, "TGI:1": book, **others})
        assert store.clusters()["DBI:1"] != store.clusters()["TGI:1"]
        asyncio.run(store.load({"MCH:0": None, "MCH:1": None}))  # cool again: joined again
        assert store.clusters()["DBI:1"] == store.clusters()["TGI:1"]


def test_numbered_volumes_never_share_a_key() -> None:
    # 150 commune histories by one author in one year: each volume's keys are its own.
    keys = [set(candidate_keys(RecordFields(title=f"Địa chí xã số {n}", authors=["Lò Văn"],
                                            year=2000))) for n in (1, 2)]  # fmt: skip
    assert keys[0] and not keys[0] & keys[1]


def test_a_batch_reaches_records_two_verified_steps_away() -> None:
    # X≈W≈Y, X and Y differ in year: loading joins {X, W} and leaves Y alone. C then shares
    # X's ISBN (the strongest match) but conflicts with W, so W leaves X for Y. Y shares no key
    # with C: only following W's keys finds it.
    kieu = {"title": "Truyện Kiều", "authors": ["Nguyễn Du"], "pages": 300}
    x = RecordFields(**kieu, year=2015, isbns=["9786041234567"])
    w = RecordFields(**kieu)
    y = RecordFields(**kieu, year=2016)
    c = RecordFields(title="Kiều", authors=["Nguyễn Du"], year=2015, pages=300,
                     isbns=["9786041234567"], edition="Tái bản lần thứ 2")  # fmt: skip
    store = MemoryStore()
    asyncio.run(store.load({"A:1": x, "A:2": w, "A:3": y}))
    assert len(set(store.clusters().values())) == 2
    asyncio.run(store.load({"A:0": c}))
    assert store.clusters() == cluster_records({"A:0": c, "A:1": x, "A:2": w, "A:3": y})
    assert store.clusters()["A:2"] == store.clusters()["A:3"] != store.clusters()["A:1"]


def test_a_record_seen_early_is_matched_with_records_that_join_later() -> None:
    # Stored: {X, Z} (shared ISBN) and C (matches X, but its year conflicts with Z). D then
    # takes Z (same ISBN, listed first) and conflicts with X, so X is free to join C. C was
    # fetched in the first round (it shares D's title key) when it matched nobody yet; X joins
    # later, through Z's cluster, and C must then be matched with it.
    kieu = {"title": "Truyện Kiều", "authors": ["Nguyễn Du"], "pages": 300}
    x = RecordFields(**kieu, isbns=["9786041234567"])
    z = RecordFields(**kieu, year=2015, isbns=["9786041234567"])
    c = RecordFields(**kieu, year=2016)
    d = RecordFields(**kieu, year=2015, isbns=["9786041234567"], edition="Tái bản lần thứ 2")
    store = MemoryStore()
    asyncio.run(store.load({"A:1": z, "A:2": x, "A:3": c}))
    assert store.clusters()["A:1"] == store.clusters()["A:2"] != store.clusters()["A:3"]
    asyncio.run(store.load({"A:0": d}))
    assert store.clusters() == cluster_records({"A:0": d, "A:1": z, "A:2": x, "A:3": c})
    assert store.clusters()["A:2"] == store.clusters()["A:3"] != store.clusters()["A:1"]
