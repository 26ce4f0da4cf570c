"""Statistics on a catalogue built for the test: every count is known in advance.

Six records of five books in three libraries (the two copies of *Truyện Kiều* are one book), and
searches made through the real API, counted in memory and flushed to the real engine.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from opensearchpy import AsyncOpenSearch

from indexer import statistics
from indexer.store import Store
from tests.catalogue import ApiClient, Catalogue, catalogue
from tests.integration.stats_books import BOOKS, CODES
from tests.marc_builders import book

pytestmark = pytest.mark.engine


@pytest.fixture(scope="module")
async def stats_catalogue(
    engine: AsyncOpenSearch, index_prefix: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Catalogue]:
    async with catalogue(
        engine, f"{index_prefix}-stats", CODES, BOOKS, tmp_path_factory.mktemp("stats")
    ) as built:
        yield built


def _tally(rows: list[dict], key: str, value: str) -> dict:
    (row,) = [r for r in rows if r[key] == value]
    return {k: row[k] for k in ("titles", "records", "copies", "isbn", "subject", "call_number")}


async def test_holdings_and_quality_are_the_known_counts(stats_catalogue: Catalogue) -> None:
    held = await statistics.holdings(
        Store(stats_catalogue.engine, stats_catalogue.prefix), stats_catalogue.libraries
    )
    data = held.as_dict(stats_catalogue.libraries)
    province = data["province"]
    assert {k: province[k] for k in ("titles", "records", "copies")} == {
        "titles": 5, "records": 6, "copies": 12,
    }  # fmt: skip
    assert (province["isbn"], province["subject"], province["call_number"]) == (4, 3, 4)
    assert province["isbn_share"] == round(4 / 6, 4)
    assert data["progress"] == {"titles": round(5 / 50_000, 4), "copies": round(12 / 200_000, 4)}
    libraries = data["libraries"]
    assert _tally(libraries, "code", "DBI") == {
        "titles": 3, "records": 3, "copies": 6, "isbn": 2, "subject": 2, "call_number": 2}
    assert _tally(libraries, "code", "TGI") == {
        "titles": 2, "records": 2, "copies": 2, "isbn": 1, "subject": 1, "call_number": 2}
    assert _tally(libraries, "code", "THCS") == {
        "titles": 1, "records": 1, "copies": 4, "isbn": 1, "subject": 0, "call_number": 0}
    kinds = data["kinds"]
    assert _tally(kinds, "kind", "provincial")["titles"] == 3
    assert _tally(kinds, "kind", "district") == _tally(libraries, "code", "TGI")
    assert _tally(kinds, "kind", "school") == _tally(libraries, "code", "THCS")


async def test_growth_counts_records_by_the_month_first_held(
    engine: AsyncOpenSearch, index_prefix: str, tmp_path: Path
) -> None:
    async with catalogue(engine, f"{index_prefix}-growth", CODES, BOOKS, tmp_path) as built:
        store = Store(engine, built.prefix)
        records = store.alias("records")
        # One record first held in March 2025; one from a store older than `first_seen`.
        await engine.update(index=records, id="DBI:DBI-2", refresh=True,
                            body={"doc": {"first_seen": "2025-03-04T08:00:00+00:00"}})
        await engine.update(index=records, id="TGI:TGI-2", refresh=True, body={"script": {
            "source": "ctx._source.remove('first_seen'); "
                      "ctx._source.harvested_at = '2025-05-01T00:00:00+00:00'"}})  # fmt: skip
        # The March record changes and is loaded again: it keeps its first day.
        changed = dict(BOOKS)
        changed["DBI"] = [BOOKS["DBI"][0], book("DBI-2", "Nhật ký trong tù", author="Hồ Chí Minh",
                                                subjects=("Thơ", "Văn học")), BOOKS["DBI"][2]]
        summaries = await built.load_marc({"DBI": changed["DBI"]}, tmp_path / "again")
        assert (summaries["DBI"].updated, summaries["DBI"].unchanged) == (1, 2)
        stored = await store.get("records", "DBI:DBI-2", source=["first_seen"])
        assert stored == {"first_seen": "2025-03-04T08:00:00+00:00"}

        months = await statistics.growth(store, built.libraries)
        this_month = datetime.now(UTC).strftime("%Y-%m")
        assert [(m["month"], m["new_records"], m["cumulative"]) for m in months] == [
            ("2025-03", 1, 1), ("2025-05", 1, 2), (this_month, 4, 6),
        ]  # fmt: skip
        assert months[0]["libraries"] == {"DBI": 1}
        only_tgi = await statistics.growth(store, built.libraries, library="TGI")
        assert [(m["month"], m["new_records"]) for m in only_tgi] == [
            ("2025-05", 1), (this_month, 1)]


async def test_records_stored_before_facts_existed_count_the_same(
    engine: AsyncOpenSearch, index_prefix: str, tmp_path: Path
) -> None:
    async with catalogue(engine, f"{index_prefix}-legacy", CODES, BOOKS, tmp_path) as built:
        store = Store(engine, built.prefix)
        before = (await statistics.holdings(store, built.libraries)).as_dict(built.libraries)
        await engine.update_by_query(index=store.alias("records"), refresh=True, body={
            "query": {"terms": {"library": ["DBI", "THCS"]}},
            "script": {"source": "ctx._source.remove('facts')"}})  # fmt: skip
        assert await store.count("records", {"query": {"exists": {"field": "facts"}}}) == 2
        after = (await statistics.holdings(store, built.libraries)).as_dict(built.libraries)
        assert after == before


SEARCHES = [  # (params, times)
    ({"q": "truyện kiều", "library": "DBI"}, 3),  # the DBI website's widget
    ({"q": "  Truyện   KIỀU "}, 1),  # the same query, spelt otherwise
    ({"q": "xyzzy qwerty"}, 2),  # finds nothing
    ({"subject": "Văn học"}, 1),  # browsing a subject, no words
]


async def test_searches_are_counted_in_memory_and_flushed(
    stats_catalogue: Catalogue, api_client: ApiClient
) -> None:
    from searchapi.stats_counter import COUNTER, flush

    store = Store(stats_catalogue.engine, stats_catalogue.prefix)
    async with api_client(stats_catalogue.prefix, stats_catalogue.libraries) as client:
        app = client.server.app
        for params, times in SEARCHES:
            for _ in range(times):
                response = await client.get("/api/v1/search", params=params)
                assert response.status == 200
        assert len(app[COUNTER].counts) > 0  # nothing written yet: counted in memory
        assert await flush(app) == len({  # one counter per (metric, key, site) of the day
            ("searches", "DBI"), ("searches", ""), ("query", "DBI"), ("query", ""),
            ("zero", ""), ("title", ""), ("subject", ""),
        })
    await store.refresh("stats")
    found = await statistics.searches(store, days=7)
    assert found["total"] == 7
    assert found["days"][-1] == {"day": datetime.now(UTC).date().isoformat(), "searches": 7}
    assert len(found["days"]) == 7
    assert found["sites"] == [{"site": "", "searches": 4}, {"site": "DBI", "searches": 3}]
    assert [(r["key"], r["count"]) for r in await statistics.ranked(store, "zero")] == [
        ("xyzzy qwerty", 2)]
    assert [(r["key"], r["count"]) for r in await statistics.ranked(store, "query")] == [
        ("truyện kiều", 4)]
    (title,) = await statistics.ranked(store, "title")
    assert (title["label"], title["count"]) == ("Truyện Kiều", 4)
    assert [(r["key"], r["count"]) for r in await statistics.ranked(store, "subject")] == [
        ("văn học", 1)]


async def test_concurrent_flushes_add_up_and_old_days_are_purged(
    engine: AsyncOpenSearch, index_prefix: str
) -> None:
    store = Store(engine, f"{index_prefix}-counters")
    await store.drop_all()
    await store.ensure_indices()
    try:
        today = datetime.now(UTC).date()
        old = (today - timedelta(days=40)).isoformat()
        worker = {(today.isoformat(), "zero", "sách cũ", ""): [2, ""],
                  (old, "zero", "sách cũ", ""): [5, ""]}  # fmt: skip
        await statistics.add_counts(store, worker)
        await statistics.add_counts(store, {k: list(v) for k, v in worker.items()})
        await store.refresh("stats")
        ranked = await statistics.ranked(store, "zero", days=60, today=today)
        assert [(r["key"], r["count"]) for r in ranked] == [("sách cũ", 14)]
        assert await statistics.purge_before(store, 30, today=today) == 1
        ranked = await statistics.ranked(store, "zero", days=60, today=today)
        assert [(r["key"], r["count"]) for r in ranked] == [("sách cũ", 4)]
    finally:
        await store.drop_all()


async def test_no_counters_yet_reads_as_nothing_and_a_dropped_catalogue_stays_dropped(
    engine: AsyncOpenSearch, index_prefix: str
) -> None:
    store = Store(engine, f"{index_prefix}-nostats")
    await store.drop_all()
    await store.ensure_indices()
    try:
        await store.drop_index(await store.current_index("stats"))  # a store older than stats
        found = await statistics.searches(store, days=3)
        assert (found["total"], len(found["days"]), found["sites"]) == (0, 3, [])
        assert await statistics.ranked(store, "zero") == []
        assert await statistics.ensure_stats_index(store)
        assert await store.current_index("stats") is not None
        await store.drop_all()
        assert not await statistics.ensure_stats_index(store)  # never brings a catalogue back
        assert await store.current_index("stats") is None
    finally:
        await store.drop_all()
