"""Sort keys give Vietnamese filing order (cases 41 and 42, issue #21 item 5).

`tests.filing_order.FILING_ORDER` (63 titles) was ordered by hand with a dictionary's rules.
"""

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analyzers.collation import sort_key
from tests.filing_order import FILING_ORDER, filed

ORDERS = {
    "filing": FILING_ORDER,
    "letters": [
        "An Nam chí lược",
        "Ăn quả nhớ kẻ trồng cây",
        "Âm nhạc",
        "Bình Ngô đại cáo",
        "Dân tộc học",
        "Dương",
        "Đại Việt sử ký",
        "Điện Biên Phủ",
        "Em",
        "Êđê",
    ],
    "tones": ["ca", "cà", "cả", "cã", "cá", "cạ", "các", "cách", "cai"],
    "volumes": ["Tập 1", "Tập 2", "Tập 10", "Tập 11", "Tập 12", "Tập 100"],
}


@pytest.mark.parametrize("name", list(ORDERS))
@pytest.mark.parametrize("seed", [7, 8, 9])
def test_sort_order(name: str, seed: int) -> None:
    expected = ORDERS[name]
    shuffled = random.Random(seed).sample(expected, len(expected))
    assert sorted(shuffled, key=lambda title: sort_key(filed(title))) == expected


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Hòa bình", "Hoà bình"),  # tone-placement styles
        ("Việt Nam", "Vie\u0302\u0323t Nam"),  # decomposed, marks in either order
        ("Việt Nam", "Vie\u0323\u0302t Nam"),
        ("ĐIỆN BIÊN PHỦ", "điện biên phủ"),  # case
        ("Hà Nội - Điện Biên", "Hà Nội, Điện Biên"),  # punctuation
        ("Hà   Nội", "Hà Nội"),  # spacing
        ("Tập 02", "Tập 2"),  # leading zeros
    ],
)
def test_same_filing_form_same_key(one: str, other: str) -> None:
    assert sort_key(one) == sort_key(other)


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        ("Les Misérables", "Lịch sử"),  # é files as e (with its tone): e < i
        ("Zoo", "ꪼꪕꪒꪾ"),  # other scripts after the Latin alphabet
        ("Đ", "E"),
        ("Y", "Z"),
        ("9", "A"),
        ("", "A"),
    ],
)
def test_edges(earlier: str, later: str) -> None:
    assert sort_key(earlier) < sort_key(later)


def test_key_is_ascii_for_latin_text() -> None:
    assert sort_key("Đại Việt sử ký toàn thư 1697").isascii()


def test_long_titles_give_bounded_keys() -> None:
    assert len(sort_key("Truyện Kiều " * 1000)) < 1000


VIETNAMESE_WORDS = st.lists(
    st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạềểễếệ0123456789", min_size=1, max_size=8),
    min_size=1,
    max_size=6,
)


@given(VIETNAMESE_WORDS, st.sampled_from([" ", " - ", ", ", ". ", " : ", "  "]))
def test_case_and_punctuation_never_change_the_key(words: list[str], glue: str) -> None:
    assert sort_key(glue.join(words).upper()) == sort_key(" ".join(words))


@given(st.text(max_size=60))
def test_any_text_has_a_key(text: str) -> None:
    key = sort_key(text)
    assert isinstance(key, str) and key == sort_key(text)


@given(st.lists(st.sampled_from(FILING_ORDER), min_size=2, max_size=6))
def test_order_of_words_is_order_of_first_difference(words: list[str]) -> None:
    # Joining two titles never moves a title before a shorter title it starts with.
    joined = " ".join(words)
    assert sort_key(words[0]) <= sort_key(joined)
