"""What the statistics count of one record, and the counters' identities, without an engine."""

from __future__ import annotations

import pytest

from indexer.statistics import Tally, counter_id
from indexer.store.derived import derived, facts
from tests.marc_builders import book


@pytest.mark.parametrize(
    ("fields", "counted"),
    [
        ({"copies": 3, "isbns": ["9786042000017"], "subjects": ["Thơ"], "call_number": "895"},
         {"copies": 3, "isbn": True, "subject": True, "call_number": True}),
        ({}, {"copies": 1, "isbn": False, "subject": False, "call_number": False}),
        ({"copies": None, "call_number": "   "},
         {"copies": 1, "isbn": False, "subject": False, "call_number": False}),
        ({"copies": "x"}, {"copies": 1, "isbn": False, "subject": False, "call_number": False}),
        ({"copies": -2}, {"copies": 0, "isbn": False, "subject": False, "call_number": False}),
    ],
    ids=["complete", "empty", "blank-call-number", "bad-copies", "negative-copies"],
)  # fmt: skip
def test_facts_of_a_record(fields: dict, counted: dict) -> None:
    assert facts(fields) == counted


def test_derived_facts_agree_with_the_mapping() -> None:
    computed = derived(book("1", "Truyện Kiều", copies=2, call_number="895.92",
                            isbn="9786042000017", subjects=("Văn học",)))
    assert computed["facts"] == {"copies": 2, "isbn": True, "subject": True,
                                 "call_number": True}  # fmt: skip
    assert computed["facts"]["copies"] == computed["fields"]["copies"]


def test_a_tally_counts_shares_of_its_records() -> None:
    tally = Tally()
    for fields in ({"isbns": ["x"], "copies": 2}, {"subjects": ["y"]}, {}):
        tally.add_record(fields)
    shown = tally.as_dict()
    assert (shown["records"], shown["copies"], shown["isbn"]) == (3, 4, 1)
    assert shown["isbn_share"] == round(1 / 3, 4)
    assert Tally().as_dict()["isbn_share"] == 0.0


@pytest.mark.parametrize(
    ("one", "other"),
    [(("2026-12-01", "query", "a", ""), ("2026-12-02", "query", "a", "")),
     (("2026-12-01", "query", "a", ""), ("2026-12-01", "zero", "a", "")),
     (("2026-12-01", "query", "a", ""), ("2026-12-01", "query", "a", "DBI")),
     (("2026-12-01", "query", "a b", ""), ("2026-12-01", "query", "a", "b"))],
    ids=["day", "metric", "site", "key-and-site-not-confused"],
)  # fmt: skip
def test_each_counter_has_its_own_id(one: tuple, other: tuple) -> None:
    assert counter_id(*one) != counter_id(*other)
    assert counter_id(*one) == counter_id(*one)
