"""The catalogue-wide table of translated titles (indexer.work_aliases) on the real engine: a
translation whose record names no original joins the original's work when another record of
the same translated title names it, whichever is loaded first, after a reindex too; an
ambiguous translated title and another author's book of that title stay apart; a teacher that
stops naming its original, or is deleted, withdraws the alias."""

from __future__ import annotations

import pymarc
import pytest
from opensearchpy import AsyncOpenSearch

from bench.works_engine import shown
from harvesters.records import SourceRecord
from indexer.load import LoadSummary
from indexer.reindex import reindex
from indexer.store import Store
from tests.catalogue import Catalogue, open_catalogue
from tests.marc_builders import book
from tests.marc_builders import with_field as _with

pytestmark = pytest.mark.engine


def _original(record: pymarc.Record, title: str) -> pymarc.Record:
    return _with(record, "240", [("a", title)], "10")


ORIGINAL = book("P1", "Pride and prejudice", author="Austen, Jane", language="eng",
                publisher="Penguin", year=1996)
UNNAMED = book("F1", "Orgueil et préjugés", author="Austen, Jane", language="fre",
               publisher="Gallimard", year=2007)  # names no original
TEACHER = _original(book("F2", "Orgueil et préjugés", author="Austen, Jane", language="fre",
                         publisher="10/18", year=1990), "Pride and prejudice")
OTHER_AUTHOR = book("H1", "Orgueil et préjugés", author="Dupont, Jean", language="fre")
# One translated title naming two originals (same author): ambiguous, never used.
AMBIGUOUS = [
    _original(book("G1", "Kiêu hãnh", author="Lê Văn A", year=2001), "Pride"),
    _original(book("G2", "Kiêu hãnh", author="Lê Văn A", year=2002), "Vanity"),
]
LONE = book("G3", "Kiêu hãnh", author="Lê Văn A", year=2003)
# (the first batch, the second batch): each order loads the teachers before or after
ORDERS = {
    "teachers last": ([ORIGINAL, UNNAMED, OTHER_AUTHOR, AMBIGUOUS[0], LONE],
                      [TEACHER, AMBIGUOUS[1]]),
    "teachers first": ([TEACHER, AMBIGUOUS[1], ORIGINAL], [UNNAMED, OTHER_AUTHOR, AMBIGUOUS[0],
                                                           LONE]),
}  # fmt: skip


def _items(records: list[pymarc.Record]) -> list[SourceRecord]:
    return [SourceRecord("DBI", "test", r["001"].data, r) for r in records]



async def loaded(engine: AsyncOpenSearch, prefix: str, order: str) -> Catalogue:
    built = await open_catalogue(engine, prefix, ["DBI"])
    for batch in ORDERS[order]:
        await built.loader.load_batch(_items(batch), LoadSummary())
    return built


async def test_load_order_and_reindex_give_the_same_works(
    engine: AsyncOpenSearch, index_prefix: str
) -> None:
    seen = {}
    for number, order in enumerate(ORDERS):
        built = await loaded(engine, f"{index_prefix}-aliases-{number}", order)
        seen[order] = await shown(Store(engine, built.prefix))
    first, second = seen.values()
    assert first == second
    assert first["F1"] == first["F2"] == first["P1"]  # the translation joins the original
    assert first["H1"] != first["F1"]  # another author's book of the translated title
    assert len({first["G1"], first["G2"], first["G3"]}) == 3  # ambiguous: no alias
    store = Store(engine, built.prefix)
    await reindex(store, built.libraries)
    assert await shown(store) == first
    for number in range(len(ORDERS)):
        await Store(engine, f"{index_prefix}-aliases-{number}").drop_all()


async def test_a_teacher_that_stops_naming_its_original_withdraws_the_alias(
    engine: AsyncOpenSearch, index_prefix: str
) -> None:
    built = await loaded(engine, f"{index_prefix}-aliases-withdrawn", "teachers last")
    store = Store(engine, built.prefix)
    try:
        plain = book("F2", "Orgueil et préjugés", author="Austen, Jane", language="fre",
                     publisher="10/18", year=1990)
        await built.loader.load_batch(_items([plain]), LoadSummary())
        found = await shown(store)
        assert found["F1"] == found["F2"] != found["P1"]
        # taught again, then the teacher deleted: the alias goes with it
        await built.loader.load_batch(_items([TEACHER]), LoadSummary())
        assert (await shown(store))["F1"] == found["P1"]
        await built.loader.load_batch(
            [SourceRecord("DBI", "test", "F2", None, deleted=True)], LoadSummary())
        found = await shown(store)
        assert "F2" not in found and found["F1"] != found["P1"]
    finally:
        await store.drop_all()
