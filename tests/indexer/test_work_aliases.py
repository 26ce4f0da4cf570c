"""The pure rules of the table of translated titles (indexer.work_aliases): what a record
teaches, when an alias is used, and that the table does not depend on the records' order."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indexer.marc_document import record_fields
from indexer.work_aliases import resolution, table, teaching
from indexer.works import record_work_keys, work_id
from tests.marc_builders import book
from tests.marc_builders import with_field as _with

ORIGINAL = work_id("pride prejudice|astn")

# (case, record, (translated title's key, original's key) it teaches, or None)
TEACHINGS = [
    ("a 240 naming the original",
     _with(book("1", "Orgueil et préjugés", author="Austen, Jane", language="fre"), "240",
           [("a", "Pride and prejudice")], "10"),
     ("orgueil et prejuges|astn jn", "pride prejudice|astn jn")),
    ("a Dịch từ note",
     _with(book("2", "Nhà giả kim", author="Paulo Coelho"), "500",
           [("a", "Dịch từ nguyên bản tiếng Anh: The alchemist")]),
     ("nha gia kim|clh pl", "alchemist|clh pl")),
    ("names nothing", book("3", "Orgueil et préjugés", author="Austen, Jane"), None),
    ("a 240 equal to its own title",
     _with(book("4", "Pride and prejudice", author="Austen, Jane", language="eng"), "240",
           [("a", "Pride & prejudice")], "10"), None),
    ("an anonymous work under a uniform title teaches nothing",
     _with(book("5", "Nghìn lẻ một đêm"), "130", [("a", "Arabian nights.")], "0 "), None),
]  # fmt: skip


@pytest.mark.parametrize(("record", "expected"), [c[1:] for c in TEACHINGS],
                         ids=[c[0] for c in TEACHINGS])
def test_what_a_record_teaches(record: Any, expected: tuple[str, str] | None) -> None:
    key, alias = record_work_keys(record, record_fields(record))
    taught = teaching({"work_key": key, "work_alias": alias})
    assert taught == (None if expected is None else (work_id(expected[0]), work_id(expected[1])))


# (case, the originals its teachers name, the work it stands for)
RESOLUTIONS = [
    ("one teacher", [ORIGINAL], ORIGINAL),
    ("two teachers, one original", [ORIGINAL, ORIGINAL], ORIGINAL),
    ("two originals: ambiguous", [ORIGINAL, work_id("vanity|astn")], None),
    ("no teacher left", [], None),
]


@pytest.mark.parametrize(("originals", "expected"), [c[1:] for c in RESOLUTIONS],
                         ids=[c[0] for c in RESOLUTIONS])
def test_resolution(originals: list[str], expected: str | None) -> None:
    assert resolution(originals) == expected


_KEYS = st.sampled_from(["a|x", "b|x", "c|x", "d|y"])
_FIELDS = st.lists(st.builds(lambda key, alias: {"work_key": key, "work_alias": alias},
                             _KEYS, st.one_of(st.just(""), _KEYS)), max_size=12)


@given(_FIELDS, st.randoms())
def test_the_table_does_not_depend_on_the_records_order(fields: list[dict[str, str]],
                                                        rng: Any) -> None:
    shuffled = list(fields)
    rng.shuffle(shuffled)
    learned = table(fields)
    assert table(shuffled) == learned
    for alias, original in learned.items():  # every alias has exactly one original taught
        taught = {teaching(f) for f in fields} - {None}
        assert {o for a, o in taught if a == alias} == {original}  # type: ignore[misc]
