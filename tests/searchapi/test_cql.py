"""CQL → engine query: the mapping of indexes and relations, the diagnostics, and properties
that hold for any text (only CQLDiagnostic is raised; the output is bounded)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from searchapi.cql import MAX_CLAUSES, CQLDiagnostic, translate
from searchapi.query_ast import Isbn, Phrase, Text, YearRange
from searchapi.query_dsl import to_dsl


@pytest.mark.parametrize(
    ("cql", "reader_node"),
    [
        ('"truyện kiều"', Text("truyện kiều")),
        ("cql.serverChoice = kieu", Text("kieu")),
        ('dc.title = "truyen kieu"', Text("truyen kieu", "title")),
        ("title = kieu", Text("kieu", "title")),
        ("dc.creator = du", Text("du", "author")),
        ("dc.subject = tho", Text("tho", "subject")),
        ("dc.publisher = plenum", Text("plenum", "publisher")),
        ('dc.title exact "truyện kiều"', Phrase("truyện kiều", "title")),
        ('dc.title adj "truyện kiều"', Phrase("truyện kiều", "title")),
        ("bath.isbn = 0-306-40615-2", Isbn("9780306406157")),
        ("rec.identifier = 9786046912347", Isbn("9786046912347")),
        ('"978 604 69 1234 7"', Isbn("9786046912347")),
        ("dc.date = 2019", YearRange(2019, 2019)),
        ("dc.date < 2000", YearRange(None, 1999)),
        ("dc.date >= 2000", YearRange(2000, None)),
        ('dc.date within "2010 2000"', YearRange(2000, 2010)),
    ],
    ids=lambda v: str(v),
)
def test_clauses_are_the_reader_apis_leaves(cql: str, reader_node: object) -> None:
    assert translate(cql).dsl == to_dsl(reader_node)  # type: ignore[arg-type]


def test_booleans_and_library_scope() -> None:
    query = translate("mucluc.library = TGI and (kieu or du) not dc.date = 2000")
    assert query.libraries == ["TGI"]
    assert translate("mucluc.library = TGI or kieu").libraries == []
    assert translate("mucluc.library any \"TGI DBI\"").dsl == {
        "terms": {"libraries": ["TGI", "DBI"]}
    }


def test_all_and_any_make_one_leaf_per_word() -> None:
    words = [to_dsl(Text("lich", "title")), to_dsl(Text("su", "title"))]
    assert translate('dc.title all "lich su"').dsl == {"bool": {"must": words}}
    assert translate('dc.title any "lich su"').dsl == {
        "bool": {"should": words, "minimum_should_match": 1}
    }


def test_truncation_is_a_folded_prefix() -> None:
    dsl = translate("dc.title = kiề*").dsl
    assert dsl["multi_match"]["type"] == "phrase_prefix"
    assert dsl["multi_match"]["query"] == "kiề"
    assert all(f.split("^")[0].endswith(".folded") for f in dsl["multi_match"]["fields"])


def test_sortby() -> None:
    assert translate("kieu sortby dc.date/sort.descending").sort == ("year", True)
    assert translate("kieu sortby dc.title").sort == ("title", False)


@pytest.mark.parametrize(
    ("cql", "number"),
    [
        ("dc.title = (kieu", 10),
        ('"kieu', 10),
        ("a b c d", 10),
        ("  ", 7),
        ("x" * 501, 10),
        ("dc.nosuch = kieu", 16),
        ("dc.title < kieu", 19),
        ("dc.title =/stem kieu", 20),
        ('""', 27),
        ("*ieu", 28),
        ("ki?u", 28),
        ("k*", 29),
        ("dc.date = 19a", 36),
        ("bath.isbn = 123", 36),
        ("a prox b", 37),
        (" or ".join(["kieu"] * (MAX_CLAUSES + 1)), 38),
        ("a and/rel.algorithm=x b", 46),
        ("kieu sortby dc.creator", 80),
    ],
    ids=lambda v: str(v)[:30],
)
def test_diagnostics(cql: str, number: int) -> None:
    with pytest.raises(CQLDiagnostic) as raised:
        translate(cql)
    assert raised.value.number == number


CQL_PIECES = st.sampled_from(
    ["kieu", "truyện", '"dien bien"', "dc.title", "dc.date", "=", "all", "any", "exact", "<",
     "and", "or", "not", "prox", "(", ")", "*", "?", "\\", "/", "sortby", ">", "1999", " ", '"']
)


@given(st.lists(CQL_PIECES, max_size=30).map(" ".join))
def test_any_cql_like_text_translates_or_is_a_diagnostic(text: str) -> None:
    try:
        query = translate(text)
    except CQLDiagnostic as diagnostic:
        assert diagnostic.number in {7, 10, 16, 19, 20, 27, 28, 29, 36, 37, 38, 46, 80}
        return
    assert len(json.dumps(query.dsl)) < 2_000_000


@given(st.text(max_size=600))
def test_any_text_translates_or_is_a_diagnostic(text: str) -> None:
    try:
        translate(text)
    except CQLDiagnostic:
        pass
