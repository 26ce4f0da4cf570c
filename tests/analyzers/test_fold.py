"""fold: what an unaccented query matches."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analyzers.fold import fold


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Điện Biên Phủ", "dien bien phu", id="d-stroke-and-tones"),
        pytest.param("Truyện Kiều", "truyen kieu", id="tones-and-circumflex"),
        pytest.param("Trường đại học", "truong dai hoc", id="horn"),
        pytest.param("ĂN QUẢ", "an qua", id="capitals-and-breve"),
        pytest.param("\u00d0ào", "dao", id="eth-folds-like-d-stroke"),
        pytest.param("Les Misérables", "les miserables", id="french-accents"),
        pytest.param("Straße Øre", "straße øre", id="no-ascii-base-kept"),
        pytest.param("ꪼꪕꪒꪾ", "ꪼꪕꪒꪾ", id="tai-viet-untouched"),
        pytest.param("q\u0303", "q", id="stray-combining-mark-removed"),
    ],
)
def test_fold(text: str, expected: str) -> None:
    assert fold(text) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [("Hòa", "hoa"), ("Hoà", "hoa"), ("Việt", "viet"), ("viết", "viet"), ("Đào", "dao")],
)
def test_spellings_fold_together(a: str, b: str) -> None:
    assert fold(a) == fold(b)


@given(st.text())
def test_idempotent(text: str) -> None:
    once = fold(text)
    assert fold(once) == once
