"""The catalogue store against the real engine: reads are never capped, errors are ours.

The acceptance of issue #11: recovery and every other lookup work when a batch matches more than
10,000 documents (the old lookups asked for ``size: 10000`` and dropped the rest silently).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from opensearchpy import AsyncOpenSearch

from indexer.load import Loader
from indexer.store import Store
from indexer.store.recovery import HarvestStore
from mucluc.core.errors import EngineError
from mucluc.core.library import Library

pytestmark = pytest.mark.engine

LIBRARIES = {"DBI": Library("DBI", "Thư viện tỉnh Điện Biên", "provincial")}


@pytest.fixture
async def store(engine: AsyncOpenSearch, index_prefix: str, request: pytest.FixtureRequest
                ) -> AsyncIterator[Store]:
    name = "".join(c if c.isalnum() else "-" for c in request.node.name[-30:].lower())
    catalogue = Store(engine, f"{index_prefix}-store-{name}")
    await catalogue.ensure_indices()
    yield catalogue
    await catalogue.drop_all()


def raw(n: int, cluster: str) -> dict[str, object]:
    """A small raw-store document (only what clustering and union documents read)."""
    return {"library": "DBI", "local_id": f"R{n:05d}", "source": "test", "cluster": cluster,
            "checksum": str(n), "fields": {"title": f"Sách số {n}", "year": 2020}}


async def put(store: Store, kind: str, documents: dict[str, dict[str, object]]) -> None:
    actions: list[dict[str, object]] = []
    for doc_id, document in documents.items():
        actions += [{"index": {"_index": store.alias(kind), "_id": doc_id}}, document]  # type: ignore[arg-type]
    for start in range(0, len(actions), 4000):
        await store.bulk_all(actions[start:start + 4000], "writing test documents")
    await store.refresh(kind)


async def open_pits(engine: AsyncOpenSearch) -> int:
    found = await engine.transport.perform_request("GET", "/_search/point_in_time/_all")
    return len(found.get("pits", []))


@pytest.mark.parametrize(
    ("documents", "page_size", "pages"),
    [
        (50, 7, [7] * 7 + [1]),
        (49, 7, [7] * 7),
        (6, 7, [6]),
        (0, 7, []),
        (50, 1, [1] * 50),
    ],
    ids=["50-by-7", "49-by-7-exact", "one-short-page", "nothing", "50-by-1"],
)
async def test_scan_returns_every_document_in_full_pages(
    store: Store, engine: AsyncOpenSearch, documents: int, page_size: int, pages: list[int]
) -> None:
    await put(store, "records", {f"DBI:R{n:05d}": raw(n, f"c{n % 3}") for n in range(documents)})
    before = await open_pits(engine)
    seen: list[str] = []
    sizes: list[int] = []
    async for hits in store.scan("records", source=["local_id"], page_size=page_size,
                                 sort=[{"local_id": "desc"}]):
        sizes.append(len(hits))
        seen += [hit["_source"]["local_id"] for hit in hits]
    assert sizes == pages
    assert seen == [f"R{n:05d}" for n in reversed(range(documents))]  # in order, no repeats
    assert await open_pits(engine) == before  # the point in time was closed


async def test_a_lookup_stopped_early_closes_its_point_in_time(
    store: Store, engine: AsyncOpenSearch
) -> None:
    await put(store, "records", {f"DBI:R{n:05d}": raw(n, "c") for n in range(30)})
    before = await open_pits(engine)
    pages = store.scan("records", page_size=5)
    async for _hits in pages:
        break
    await pages.aclose()  # type: ignore[attr-defined]
    assert await open_pits(engine) == before


async def test_where_reads_every_match_past_one_page(store: Store) -> None:
    small = Store(store.client, store.prefix, page_size=7)
    await put(store, "records", {f"DBI:R{n:05d}": raw(n, f"c{n % 4}") for n in range(50)})
    found = await small.where("records", "cluster", ["c1", "c2", "absent"], source=["cluster"])
    assert sorted(found) == sorted(f"DBI:R{n:05d}" for n in range(50) if n % 4 in (1, 2))
    assert {source["cluster"] for source in found.values()} == {"c1", "c2"}


async def test_get_and_mget_leave_missing_documents_out(store: Store) -> None:
    await put(store, "records", {"DBI:R00001": raw(1, "c")})
    assert (await store.get("records", "DBI:R00001", source=["cluster"])) == {"cluster": "c"}
    assert await store.get("records", "DBI:nothing") is None
    assert await store.get("no-such-index", "x") is None
    found = await store.mget("records", ["DBI:R00001", "DBI:nothing"], source=["checksum"])
    assert found == {"DBI:R00001": {"checksum": "1"}}


async def test_a_refused_request_is_an_engine_error_with_the_engines_reason(store: Store) -> None:
    with pytest.raises(EngineError, match=r"refused searching: .*no_such_query"):
        await store.search("union", {"query": {"no_such_query": {}}})


BIG = 10_050  # more than the 10,000 a `size: 10000` lookup returned
CLUSTERS = 10


async def test_recovery_rebuilds_clusters_held_by_more_than_10000_records(
    store: Store, tmp_path: Path
) -> None:
    """A killed batch of 10 records whose clusters hold 10,050 records: every stale union
    document listing any of those records is found and removed, every cluster rebuilt whole."""
    clusters = [f"big-{c}" for c in range(CLUSTERS)]
    records = {f"DBI:R{n:05d}": raw(n, clusters[n % CLUSTERS]) for n in range(BIG)}
    await put(store, "records", records)
    # Union documents a killed run left behind: each lists one record that has since moved.
    await put(store, "union", {f"stale-{n:05d}": {"members": [doc_id], "title": ["cũ"]}
                               for n, doc_id in enumerate(records)})
    batch = [f"DBI:R{n:05d}" for n in range(CLUSTERS)]  # one record of each cluster
    markers = tmp_path / "in-flight"
    markers.mkdir()
    harvest = HarvestStore(store, Loader(store, LIBRARIES), markers)
    harvest.marker("source").write_text(json.dumps({"ids": batch, "clusters": clusters}))

    affected = await harvest.affected(batch, clusters)
    assert len(affected) == CLUSTERS + BIG

    rebuilt = await harvest.repair("source")
    assert rebuilt == affected
    assert not harvest.marker("source").exists()
    await store.refresh("union")
    assert await store.count("union") == CLUSTERS
    union = await store.mget("union", clusters, source=["member_count"])
    assert {doc_id: doc["member_count"] for doc_id, doc in union.items()} == {
        cluster: BIG // CLUSTERS for cluster in clusters
    }


@pytest.mark.parametrize("kind", ["union", "jobs", "records"])
async def test_indices_made_before_a_field_existed_gain_it_when_the_store_opens(
    engine: AsyncOpenSearch, index_prefix: str, kind: str
) -> None:
    """An index made by an older version (without the fields of ADDED_FIELDS) gains them in
    place, so strict mappings accept the new fields and nothing is reindexed."""
    from indexer.store.indices import ADDED_FIELDS, BODIES
    from indexer.store.names import alias, versioned_name

    prefix = f"{index_prefix}-store-added-{kind}"
    old_body = BODIES[kind]()  # type: ignore[index]
    for name in ADDED_FIELDS[kind]:  # type: ignore[index]
        del old_body["mappings"]["properties"][name]
    index = versioned_name(prefix, kind)  # type: ignore[arg-type]
    await engine.indices.create(index=index, body=old_body)
    await engine.indices.put_alias(index=index, name=alias(prefix, kind))  # type: ignore[arg-type]
    store = Store(engine, prefix)
    try:
        await store.ensure_indices()
        mapping = await engine.indices.get_mapping(index=index)
        properties = mapping[index]["mappings"]["properties"]
        assert set(ADDED_FIELDS[kind]) <= set(properties)  # type: ignore[index]
    finally:
        await store.drop_all()
