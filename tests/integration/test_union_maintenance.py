"""Union records kept right as libraries add, change and delete records, and through a reindex.

Runs against the real engine: records go through `indexer.load.Loader` into the raw store, the
Loader re-clusters each batch's neighbourhood, and the union index is read back.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pymarc
import pytest
from opensearchpy import AsyncOpenSearch, AsyncTransport

from harvesters.records import SourceRecord
from indexer.reindex import reindex
from indexer.store import Store, alias
from tests.catalogue import Catalogue
from tests.catalogue import catalogue as build_catalogue
from tests.marc_builders import book

pytestmark = pytest.mark.engine


def item(library: str, record: pymarc.Record) -> SourceRecord:
    return SourceRecord(library=library, source="test", local_id=record["001"].data, record=record)


def gone(library: str, local_id: str) -> SourceRecord:
    return SourceRecord(
        library=library, source="test", local_id=local_id, record=None, deleted=True
    )


KIEU = {"author": "Nguyễn Du", "year": 2015, "pages": 320}


def starting_records() -> list[SourceRecord]:
    return [
        item("DBI", book("D1", "Truyện Kiều", isbn="978-604-69-1234-7", **KIEU)),
        # NFD, inverted author, ISBD punctuation, ISBN-10 of the same book, another publisher.
        item("TGI", book("T1", "Truye\u0302\u0323n Kie\u0302\u0300u /", author="Nguyễn, Du",
                         year=2015, isbn="6046912342", publisher="NXB Văn học", pages=322)),
        # No ISBN, old tone placement in the title does not matter, same year and pages.
        item("MCH", book("M1", "Truyện Kiều.", **KIEU)),
        # Volumes of one set sharing an ISBN stay apart.
        item("DBI", book("D2", "Tây du ký", author="Ngô Thừa Ân", part="Tập 1",
                         isbn="978-604-2-12345-7", year=2010)),
        item("TGI", book("T2", "Tây du ký", author="Ngô Thừa Ân", part="Tập 2",
                         isbn="978-604-2-12345-7", year=2010)),
        item("MCH", book("M2", "Tây du ký. Tập 1", author="Ngô, Thừa Ân", year=2010)),
        # Editions stay apart.
        item("DBI", book("D3", "Hòa bình và phát triển", author="Nguyễn Khắc Viện", year=2018,
                         edition="Tái bản lần thứ 2")),
        item("TGI", book("T3", "Hoà bình và phát triển", author="Nguyễn Khắc Viện", year=2018,
                         edition="Tái bản lần thứ 2")),
        item("MCH", book("M3", "Hòa bình và phát triển", author="Nguyễn Khắc Viện", year=2018,
                         edition="Tái bản lần thứ 3")),
    ]  # fmt: skip


async def clusters(engine: AsyncOpenSearch, prefix: str) -> set[frozenset[str]]:
    """The membership of every union document, as sets of "library:local_id"."""
    await engine.indices.refresh(index=alias(prefix, "union"))
    response = await engine.search(
        index=alias(prefix, "union"), body={"size": 1000, "_source": ["members"]}
    )
    return {frozenset(hit["_source"]["members"]) for hit in response["hits"]["hits"]}


async def stored_clusters(engine: AsyncOpenSearch, prefix: str) -> dict[str, str]:
    await engine.indices.refresh(index=alias(prefix, "records"))
    response = await engine.search(
        index=alias(prefix, "records"), body={"size": 1000, "_source": ["cluster"]}
    )
    return {hit["_id"]: hit["_source"]["cluster"] for hit in response["hits"]["hits"]}


@pytest.fixture
async def catalogue(
    engine: AsyncOpenSearch, index_prefix: str, request: pytest.FixtureRequest
) -> AsyncIterator[Catalogue]:
    prefix = f"{index_prefix}-union5-{request.node.name[-40:].lower()}".replace("[", "-")
    prefix = "".join(c if c.isalnum() or c == "-" else "-" for c in prefix)
    # Small batches, libraries interleaved: clusters must not depend on how records arrive.
    async with build_catalogue(engine, prefix, ("DBI", "TGI", "MCH"), batch_size=4) as built:
        summary = await built.loader.load(starting_records())
        assert (summary.new, summary.skipped) == (len(starting_records()), 0), summary.problems
        yield built


EXPECTED = {
    frozenset({"DBI:D1", "TGI:T1", "MCH:M1"}),
    frozenset({"DBI:D2", "MCH:M2"}),
    frozenset({"TGI:T2"}),
    frozenset({"DBI:D3", "TGI:T3"}),
    frozenset({"MCH:M3"}),
}


async def test_same_books_join_and_volumes_and_editions_stay_apart(engine, catalogue) -> None:
    prefix = catalogue.prefix
    assert await clusters(engine, prefix) == EXPECTED


async def test_a_new_record_joins_its_cluster(engine, catalogue) -> None:
    prefix, loader = catalogue.prefix, catalogue.loader
    await loader.load([item("DBI", book("D9", "TÂY DU KÝ :", author="Ngô Thừa Ân", part="T.2",
                                        year=2010))])  # fmt: skip
    found = await clusters(engine, prefix)
    assert frozenset({"TGI:T2", "DBI:D9"}) in found
    assert frozenset({"DBI:D2", "MCH:M2"}) in found


async def test_a_changed_record_moves_and_its_old_cluster_shrinks(engine, catalogue) -> None:
    prefix, loader = catalogue.prefix, catalogue.loader
    # The Mường Chà librarian corrects the edition statement: it is the 2nd reprint after all.
    await loader.load([item("MCH", book("M3", "Hòa bình và phát triển", author="Nguyễn Khắc Viện",
                                        year=2018, edition="Tái bản lần thứ 2"))])  # fmt: skip
    found = await clusters(engine, prefix)
    assert frozenset({"DBI:D3", "TGI:T3", "MCH:M3"}) in found
    assert frozenset({"MCH:M3"}) not in found
    # And a record changed into another book leaves its cluster.
    await loader.load([item("TGI", book("T1", "Số đỏ", author="Vũ Trọng Phụng", year=2015))])
    found = await clusters(engine, prefix)
    assert frozenset({"DBI:D1", "MCH:M1"}) in found
    assert frozenset({"TGI:T1"}) in found


async def test_deleting_the_last_member_removes_the_union_record(engine, catalogue) -> None:
    prefix, loader = catalogue.prefix, catalogue.loader
    before = await stored_clusters(engine, prefix)
    await loader.load([gone("TGI", "T2")])
    found = await clusters(engine, prefix)
    assert frozenset({"TGI:T2"}) not in found
    assert len(found) == len(EXPECTED) - 1
    response = await engine.get(index=alias(prefix, "union"), id=before["TGI:T2"], ignore=404)
    assert not response.get("found")


async def test_deleting_a_member_keeps_the_rest_together(engine, catalogue) -> None:
    prefix, loader = catalogue.prefix, catalogue.loader
    await loader.load([gone("DBI", "D1")])
    found = await clusters(engine, prefix)
    # The ISBN link went with D1; T1 and M1 still match on title, author, year and pages.
    assert frozenset({"TGI:T1", "MCH:M1"}) in found


async def test_cluster_ids_are_deterministic_and_reindex_gives_the_same_clusters(
    engine, catalogue
) -> None:
    prefix, loader = catalogue.prefix, catalogue.loader
    await loader.load([gone("DBI", "D1")])
    await loader.load([item("DBI", book("D1", "Truyện Kiều", isbn="978-604-69-1234-7", **KIEU))])
    before_members = await clusters(engine, prefix)
    before_ids = await stored_clusters(engine, prefix)
    result = await reindex(Store(engine, prefix), catalogue.libraries)
    assert result.union_documents == len(EXPECTED)
    assert await clusters(engine, prefix) == before_members == EXPECTED
    assert await stored_clusters(engine, prefix) == before_ids


class Interleaved(AsyncTransport):
    """The real transport, running a probe while and after each request it sends.

    Handing the code under test a client built on it puts a probe search beside every engine
    step (before and after the alias swap, around the deletion of the old index, …) in a fixed
    number and order, instead of hoping a background loop happens to hit the swap.
    """

    probe: Callable[[str], Awaitable[None]] | None = None

    async def perform_request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        probe = self.probe
        if probe is None:
            return await super().perform_request(method, url, *args, **kwargs)
        during = asyncio.create_task(probe(f"during {method} {url}"))
        try:
            return await super().perform_request(method, url, *args, **kwargs)
        finally:
            await during
            await probe(f"after {method} {url}")


def commune_histories() -> list[SourceRecord]:
    """Enough records that a reindex takes many engine requests: 150 titles in two libraries."""
    return [
        item(code, book(f"{code}-{n}", f"Địa chí xã số {n}", author=f"Lò Văn {n}", year=2000))
        for n in range(150)
        for code in ("DBI", "TGI")
    ]  # fmt: skip


async def union_count(engine: AsyncOpenSearch, prefix: str) -> int:
    await engine.indices.refresh(index=alias(prefix, "union"))
    return (await engine.count(index=alias(prefix, "union")))["count"]


async def test_queries_during_a_reindex_never_fail(
    engine: AsyncOpenSearch, opensearch_url: str, catalogue: Catalogue
) -> None:
    prefix = catalogue.prefix
    await catalogue.loader.load(commune_histories())
    union = alias(prefix, "union")
    seen: list[tuple[str, int | str]] = []

    async def probe(step: str) -> None:
        """One reader's search on the alias: no error, no failed shard, and how many books."""
        try:
            response = await engine.search(
                index=union, body={"query": {"match_all": {}}, "size": 5}
            )
        except Exception as exc:  # noqa: BLE001 - every failure is what this test counts
            seen.append((step, repr(exc)))
            return
        failed = response["_shards"]["failed"]
        found = response["hits"]["total"]["value"]
        seen.append((step, f"{failed} failed shards" if failed else found))

    client = AsyncOpenSearch(hosts=[opensearch_url], transport_class=Interleaved, timeout=60)
    client.transport.probe = probe
    try:
        for _ in range(2):
            before = await union_count(engine, prefix)
            old_indices = set(await engine.indices.get_alias(name=union))
            seen.clear()
            result = await reindex(Store(client, prefix), catalogue.libraries)
            steps = [step for step, _ in seen]
            # The interleaving reached the moments that matter: the swap and the old index's end.
            swap = steps.index("during POST /_aliases")
            assert steps[swap + 1] == "after POST /_aliases", steps
            assert [s for s in steps if s.startswith("after DELETE /")] == [
                f"after DELETE /{name}" for name in sorted(old_indices)
            ], steps
            assert len(steps) == 2 * len([s for s in steps if s.startswith("during ")]), steps
            # Every search saw a whole union index: the old one until the swap, then the new.
            wrong = [(step, got) for step, got in seen[:swap] if got != before]
            wrong += [(s, got) for s, got in seen[swap + 2 :] if got != result.union_documents]
            wrong += [
                (s, got)
                for s, got in seen[swap : swap + 2]
                if got not in (before, result.union_documents)
            ]
            assert wrong == []
    finally:
        await client.close()


async def test_a_reindex_keeps_the_clusters_loading_built(
    engine: AsyncOpenSearch, catalogue: Catalogue
) -> None:
    # Each numbered history's two copies join (their keys carry the volume), whatever the cap.
    await catalogue.loader.load(commune_histories())
    loaded = await clusters(engine, catalogue.prefix)
    for n in range(150):
        assert frozenset({f"DBI:DBI-{n}", f"TGI:TGI-{n}"}) in loaded
    await reindex(Store(engine, catalogue.prefix), catalogue.libraries)
    assert await clusters(engine, catalogue.prefix) == loaded
