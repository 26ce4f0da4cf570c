"""Properties of the query language on any input: it parses or raises QueryError, never anything
else, never loops (issue #12), and whatever parses builds a serialisable engine query."""

from __future__ import annotations

import json

from hypothesis import example, given
from hypothesis import strategies as st

from mucluc.core.errors import QueryError
from searchapi import didyoumean
from searchapi.query_parser import MAX_QUERY_LENGTH, free_text, parse, to_dsl
from searchapi.query_tokens import CLOSERS, QUOTES, tokenize
from tests.searchapi.hostile import QUOTE_MARKS, WORDS, hostile_query


def _parse_or_query_error(q: str) -> object:
    try:
        node = parse(q)
    except QueryError as exc:
        assert exc.code in {"bad_query", "query_too_long"}
        assert exc.message
        return exc
    dsl = to_dsl(node)
    json.dumps(dsl, ensure_ascii=False).encode("utf-8")  # the engine request can be sent
    words = free_text(node)
    assert all(isinstance(word, str) for word in words)
    return node


@given(hostile_query)
@example("Sống Cho Chính Mình” Phiên Bản Mini")
@example("»")
@example("”" * MAX_QUERY_LENGTH)
@example("(" * 300 + "a")
@example("NOT " * 120 + "a")
def test_any_query_parses_or_is_a_query_error(q: str) -> None:
    _parse_or_query_error(q)


@given(st.text(st.sampled_from(QUOTE_MARKS + "ab ()"), max_size=40))
def test_every_quotation_mark_alone_paired_or_mismatched(q: str) -> None:
    result = _parse_or_query_error(q)
    # A mark that only closes never makes a query fail: it is punctuation.
    if all(char in CLOSERS or char in "ab " for char in q):
        assert not isinstance(result, QueryError), result


@given(st.text(max_size=MAX_QUERY_LENGTH) | hostile_query)
def test_the_tokenizer_consumes_input_on_every_token(q: str) -> None:
    try:
        tokens = tokenize(q)
    except QueryError:
        return
    assert len(tokens) <= len(q)
    positions = [token.position for token in tokens]
    assert positions == sorted(set(positions))  # strictly increasing: progress on every token
    assert all(token.text or token.kind == "PHRASE" for token in tokens)


@given(st.sampled_from(sorted(QUOTES)), st.text(max_size=30), st.sampled_from(["", " x"]))
def test_a_closed_phrase_is_one_token(opener: str, inside: str, after: str) -> None:
    inside = "".join(c for c in inside if c not in QUOTES[opener])
    tokens = tokenize(f"{opener}{inside}{QUOTES[opener][0]}{after}")
    assert tokens[0].kind == "PHRASE" and tokens[0].text == inside


@given(hostile_query, st.lists(st.sampled_from(WORDS), max_size=6))
def test_corrections_applied_to_any_query_still_parse_or_fail_cleanly(
    q: str, words: list[str]
) -> None:
    q = q[:MAX_QUERY_LENGTH]
    try:
        parse(q)
    except QueryError:
        return
    pieces = didyoumean.free_words(q)
    assert all(q[p.start : p.start + len(p.text)] == p.text for p in pieces)
    assert [p.start for p in pieces] == sorted({p.start for p in pieces})
    replacements = {
        piece.start: (len(piece.text), word) for piece, word in zip(pieces, words, strict=False)
    }
    _parse_or_query_error(didyoumean.apply(q, replacements))


# Pieces of Vietnamese field names (words of "tác giả", "nhà xuất bản", colons, spaces): the
# several-word names must not let the tokenizer stand still or swallow a value.
FIELD_PIECES = ["tác", "giả", "tac", "gia", "nhà", "xuất", "bản", "nhan", "đề", "năm", "nxb",
                "Kiều", ":", " ", "  ", "x", '"', "(", ")", "-"]


@given(st.lists(st.sampled_from(FIELD_PIECES), max_size=40).map("".join))
def test_vietnamese_field_names_never_stall_the_tokenizer(q: str) -> None:
    try:
        tokens = tokenize(q)
    except QueryError:
        return
    positions = [token.position for token in tokens]
    assert positions == sorted(set(positions))
    _parse_or_query_error(q)
