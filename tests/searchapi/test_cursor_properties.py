"""Cursors on any input: the values of a cursor made for this search, or QueryError("bad_cursor");
never another exception, never a value the engine would refuse."""

from __future__ import annotations

import base64
import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mucluc.core.errors import QueryError
from searchapi import cursor
from tests.searchapi.hostile import any_text

PRINT = cursor.fingerprint({"q": "kieu", "sort": "title", "size": 20})
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=30,
)


def _b64(blob: bytes) -> str:
    return base64.urlsafe_b64encode(blob).decode("ascii").rstrip("=")


def _decode_or_bad_cursor(token: str) -> None:
    try:
        after, page = cursor.decode(token, PRINT)
    except QueryError as exc:
        assert exc.code == "bad_cursor"
        return
    assert page >= 2
    for value in after:
        assert isinstance(value, (str, int, float)) and not isinstance(value, bool)
        assert not isinstance(value, float) or math.isfinite(value)
        assert not isinstance(value, int) or -(2**63) <= value < 2**63
    json.dumps(after, allow_nan=False)


@given(any_text | st.text(alphabet="ABCDEFabcdef0123456789-_=", max_size=3000))
def test_any_text_is_a_cursor_or_bad_cursor(token: str) -> None:
    _decode_or_bad_cursor(token)


@given(json_values, st.sampled_from(["", PRINT]), json_values)
def test_any_json_in_a_cursor_is_checked(after: object, made_for: str, page: object) -> None:
    blob = json.dumps({"a": after, "p": page, "f": made_for}).encode()
    _decode_or_bad_cursor(_b64(blob))


@given(json_values)
def test_any_json_document_is_checked(document: object) -> None:
    _decode_or_bad_cursor(_b64(json.dumps(document).encode()))


@given(
    st.lists(
        st.integers(-(2**63), 2**63 - 1)
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(max_size=50),
        max_size=cursor.MAX_SORT_VALUES,
    ),
    st.integers(2, cursor.MAX_PAGE),
)
def test_a_cursor_round_trips(after: list, page: int) -> None:
    assert cursor.decode(cursor.encode(after, page, PRINT), PRINT) == (after, page)


@pytest.mark.parametrize(
    "token",
    [
        _b64(b"[" * 5000 + b"]" * 5000)[: cursor.MAX_CURSOR],
        _b64(b'{"a": [NaN], "p": 2, "f": "%s"}' % PRINT.encode()),
        _b64(b'{"a": [1e999], "p": 2, "f": "%s"}' % PRINT.encode()),
        _b64(b'{"a": [99999999999999999999999], "p": 2, "f": "%s"}' % PRINT.encode()),
        _b64(b'{"a": [1], "p": true, "f": "%s"}' % PRINT.encode()),
        "A" * (cursor.MAX_CURSOR + 1),
        "é",
    ],
    ids=["deep", "nan", "infinity", "past-64-bits", "bool-page", "too-long", "non-ascii"],
)
def test_hostile_cursors_are_bad_cursor(token: str) -> None:
    with pytest.raises(QueryError) as caught:
        cursor.decode(token, PRINT)
    assert caught.value.code == "bad_cursor"
