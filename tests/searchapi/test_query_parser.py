"""The reader's query language: text → AST, and every mistake → a QueryError (a 400 over HTTP)
that says how to fix it."""

from __future__ import annotations

import pytest

from mucluc.core.errors import QueryError
from searchapi.query_parser import (
    MAX_QUERY_LENGTH,
    And,
    Isbn,
    Not,
    Or,
    Phrase,
    Text,
    YearRange,
    free_text,
    parse,
    to_dsl,
)

KIEU_13 = "9786046912347"

PARSES = [
    ("", None),
    ("   ", None),
    ("truyện kiều", Text("truyện kiều")),
    ("dien bien phu", Text("dien bien phu")),
    ("Điện Biên Phủ : điểm hẹn lịch sử", Text("Điện Biên Phủ : điểm hẹn lịch sử")),
    ("title:kieu", Text("kieu", "title")),
    ("TITLE:kieu", Text("kieu", "title")),
    ("tacgia:du", Text("du", "author")),
    ("author:du truyen", And((Text("du", "author"), Text("truyen")))),
    ('title:"truyện kiều"', Phrase("truyện kiều", "title")),
    ('"truyện kiều"', Phrase("truyện kiều")),
    ("“truyện kiều”", Phrase("truyện kiều")),
    ("title:(truyen kieu)", Text("truyen kieu", "title")),
    ("subject:(lich su OR dia li)", Or((Text("lich su", "subject"), Text("dia li", "subject")))),
    ("publisher:kim", Text("kim", "publisher")),
    ("isbn:978-604-69-1234-7", Isbn(KIEU_13)),
    ("isbn:9786046912347", Isbn(KIEU_13)),
    ("978-604-69-1234-7", Isbn(KIEU_13)),
    ("978 604 69 1234 7", Isbn(KIEU_13)),
    ("isbn:0306406152", Isbn("9780306406157")),
    ("0-306-40615-2 kieu", And((Isbn("9780306406157"), Text("kieu")))),
    ("year:2019", YearRange(2019, 2019)),
    ("year:2019..2021", YearRange(2019, 2021)),
    ("year:..1975", YearRange(None, 1975)),
    ("year:2000..", YearRange(2000, None)),
    ("nam:2004", YearRange(2004, 2004)),
    ("kieu AND du", And((Text("kieu"), Text("du")))),
    ("kieu && du", And((Text("kieu"), Text("du")))),
    ("kieu OR kiều", Or((Text("kieu"), Text("kiều")))),
    ("kieu and du", Text("kieu and du")),
    ("kieu NOT thieu", And((Text("kieu"), Not(Text("thieu"))))),
    ("kieu -thieu nhi", And((Text("kieu"), Not(Text("thieu")), Text("nhi")))),
    ('-"tái bản"', Not(Phrase("tái bản"))),
    ("NOT year:2019", Not(YearRange(2019, 2019))),
    ("lịch-sử", Text("lịch-sử")),
    ("a - b", Text("a - b")),
    ("(a OR b) c", And((Or((Text("a"), Text("b"))), Text("c")))),
    ("a OR b c", Or((Text("a"), Text("b c")))),
    ("((kieu))", Text("kieu")),
    ("Toán 6: tập 1", Text("Toán 6: tập 1")),
    # Issue #12: quotation marks that only close are punctuation, wherever they stand.
    ("Sống Cho Chính Mình” Phiên Bản Mini", Text("Sống Cho Chính Mình Phiên Bản Mini")),
    ("”", None),
    ("kieu”", Text("kieu")),
    ("”kieu", Text("kieu")),
    ("” ” »", None),
    ("a » b", Text("a b")),
    ("truyện kiều»", Text("truyện kiều")),
    ("a”(b)", Text("a b")),
    ("title:kieu”", Text("kieu", "title")),
    ("„truyện kiều“", Phrase("truyện kiều")),
    ("„truyện kiều”", Phrase("truyện kiều")),
    ("«truyện kiều»", Phrase("truyện kiều")),
    ('“truyện kiều"', Phrase("truyện kiều")),
    ("「kieu」", Phrase("kieu")),
    ("O'Brien ‘x’", Text("O'Brien ‘x’")),
    ('"a" "b"', And((Phrase("a"), Phrase("b")))),
    ('"a”"', Phrase("a”")),
    ("-”", Text("-")),
    # Issue 15: a dash inside a pasted title is not an exclusion (the title holds the word).
    ("One Piece -Tập 101", Text("One Piece Tập 101")),
    ("Cánh Cửa Mở Rộng -Thần Thoại", Text("Cánh Cửa Mở Rộng Thần Thoại")),
    ("Bé Vào Lớp 1 (5 -6 tuổi)", Text("Bé Vào Lớp 1 5 6 tuổi")),
    ("(Tái Bản) -Tặng kèm", Text("Tái Bản Tặng kèm")),
    ('"Tiếng Việt" -Tập 1', And((Phrase("Tiếng Việt"), Text("Tập 1")))),
    ("Tiếng Việt -tập 1", And((Text("Tiếng Việt"), Not(Text("tập")), Text("1")))),
    ("-Tập 1", And((Not(Text("Tập")), Text("1")))),
    ("kieu (-Tập)", And((Text("kieu"), Not(Text("Tập"))))),
    ("kieu NOT Tập", And((Text("kieu"), Not(Text("Tập"))))),
    ("kieu OR -Tập", Or((Text("kieu"), Not(Text("Tập"))))),
    ("kieu -2019", And((Text("kieu"), Not(Text("2019"))))),
    ("tập 5 -6", Text("tập 5 6")),
]


@pytest.mark.parametrize(("q", "ast"), PARSES, ids=[case[0] or "empty" for case in PARSES])
def test_parses(q: str, ast: object) -> None:
    assert parse(q) == ast


ERRORS = [
    ('"truyen kieu', "never closed"),
    ('title:"truyen', "never closed"),
    ("(kieu OR du", "never closed"),
    ("kieu)", "no matching `(`"),
    ("()", "empty"),
    ('""', "empty"),
    ("colour:red", "Unknown field `colour:`"),
    ("kieu AND", "both sides"),
    ("AND kieu", "both sides"),
    ("kieu OR", "both sides"),
    ("kieu NOT", "followed by"),
    ("year:recent", "year:2019..2021"),
    ("year:2021..2019", "earlier year first"),
    ("year:..", "not a year"),
    ("isbn:123", "not a valid ISBN"),
    ("isbn:978-604-69-1234-8", "not a valid ISBN"),
    ("title:(author:du)", "inside another field"),
    ("title:)", "needs a word"),
    ("(" * 10 + "a" + ")" * 10, "nest more than"),
    (" ".join(f"w{i} AND" for i in range(40)) + " x", "more than 32 terms"),
    ("«kieu", "never closed"),
    ("“kieu", "never closed"),
    ("kieu ”a“", "never closed"),
    ("NOT " * 20 + "kieu", "Negations nest"),
    ("\ud800", "not valid text"),
]


@pytest.mark.parametrize(("q", "message"), ERRORS, ids=[case[0][:30] for case in ERRORS])
def test_mistakes_are_query_errors_with_a_fix(q: str, message: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse(q)
    assert caught.value.code == "bad_query"
    assert message in caught.value.message


def test_free_text_leaf_uses_vietnamese_text_query() -> None:
    dsl = to_dsl(parse("truyen kieu"))
    assert dsl["bool"]["should"][0]["bool"]["must"][0]["bool"]["should"][0]["multi_match"][
        "fields"
    ][0].startswith("title.folded")


@pytest.mark.parametrize(
    ("q", "dsl"),
    [
        ("", {"match_all": {}}),
        ("isbn:9786046912347", {"term": {"isbns": KIEU_13}}),
        ("year:2019..2021", {"range": {"year": {"gte": 2019, "lte": 2021}}}),
        ("year:..1975", {"range": {"year": {"lte": 1975}}}),
        (
            "NOT year:2019",
            {
                "bool": {
                    "must": [{"match_all": {}}],
                    "must_not": [{"range": {"year": {"gte": 2019, "lte": 2019}}}],
                }
            },
        ),
    ],
    ids=["empty", "isbn", "year-range", "open-range", "not-alone"],
)
def test_dsl(q: str, dsl: dict) -> None:
    assert to_dsl(parse(q)) == dsl


def test_phrase_matches_exact_and_folded() -> None:
    dsl = to_dsl(parse('title:"truyen kieu"'))
    assert dsl["multi_match"]["type"] == "phrase"
    assert "title^8" in dsl["multi_match"]["fields"]
    assert "title.folded^4" in dsl["multi_match"]["fields"]


def test_and_or_not_nest_as_bool() -> None:
    dsl = to_dsl(parse("(a OR b) -c"))
    assert len(dsl["bool"]["must"]) == 1
    assert dsl["bool"]["must"][0]["bool"]["minimum_should_match"] == 1
    assert len(dsl["bool"]["must_not"]) == 1


@pytest.mark.parametrize(
    ("q", "words"),
    [("kieu -du", ["kieu"]), ('title:"a b" c year:2019', ["a b", "c"]), ("isbn:0306406152", [])],
)
def test_free_text_for_suggestions(q: str, words: list[str]) -> None:
    assert free_text(parse(q)) == words


def test_user_text_never_reaches_query_string() -> None:
    assert "query_string" not in repr(to_dsl(parse('title:(a* OR b~) "c" -d^2 year:2019..')))


def test_a_query_over_the_limit_is_refused_before_any_work() -> None:
    with pytest.raises(QueryError) as caught:
        parse("”" * (MAX_QUERY_LENGTH + 1))
    assert caught.value.code == "query_too_long"


# Vietnamese field names next to the English ones: with or without diacritics, any case, names
# of several words; a word with diacritics that names no field stays text.
VIETNAMESE_FIELDS = [
    ("tác giả:du", Text("du", "author")),
    ("Tác Giả:du", Text("du", "author")),
    ("tac gia:du", Text("du", "author")),
    ("tacgia:du", Text("du", "author")),
    ("TÁC GIẢ:du", Text("du", "author")),
    ("tác giả:(nguyễn du)", Text("nguyễn du", "author")),
    ('nhan đề:"truyện kiều"', Phrase("truyện kiều", "title")),
    ("nhande:kieu", Text("kieu", "title")),
    ("tiêu đề:kieu", Text("kieu", "title")),
    ("chủ đề:lịch", Text("lịch", "subject")),
    ("chude:lich", Text("lich", "subject")),
    ("nxb:trẻ", Text("trẻ", "publisher")),
    ("nhà xuất bản:trẻ", Text("trẻ", "publisher")),
    ("năm:2019", YearRange(2019, 2019)),
    ("nam:2019..2021", YearRange(2019, 2021)),
    ("năm xuất bản:..1975", YearRange(None, 1975)),
    ("kiều tác giả:du", And((Text("kiều"), Text("du", "author")))),
    ("lịch sử nxb:trẻ", And((Text("lịch sử"), Text("trẻ", "publisher")))),
    ("Kiều:abc", Text("Kiều:abc")),
    ("tác giả: Nguyễn Du", Text("tác giả: Nguyễn Du")),  # a label with a space: text
    ("*", None),
    ("  *  ", None),
]


@pytest.mark.parametrize(("q", "ast"), VIETNAMESE_FIELDS, ids=[c[0] for c in VIETNAMESE_FIELDS])
def test_vietnamese_field_names(q: str, ast: object) -> None:
    assert parse(q) == ast


def test_an_unknown_field_lists_every_valid_name() -> None:
    with pytest.raises(QueryError) as caught:
        parse("colour:red")
    for name in ("title", "nhan đề", "author", "tác giả", "subject", "chủ đề", "publisher", "nxb",
                 "isbn", "year", "năm"):
        assert name in caught.value.message
