"""Sort keys give Vietnamese filing order (cases 41 and 42, issue #21 item 5).

FILING_ORDER was ordered by hand, title by title, with a Vietnamese dictionary's rules: syllable by
syllable; letters a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y; within a syllable
the letters first, then the tone (ngang < huyền < hỏi < ngã < sắc < nặng) before the next
syllable; punctuation and spacing ignored; numbers by value, before words. `The tale of Kieu`
appears as its filing form (245 second indicator 4: `tale of Kieu`), see test_marc_document.
"""

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analyzers.collation import sort_key

FILING_ORDER = [
    "10 vạn câu hỏi vì sao",
    "20 năm sau",
    "1000 năm Thăng Long",
    "An Nam chí lược",
    "Anh hùng xạ điêu",  # an < anh: a syllable's letters end before another's go on
    "Ăn quả nhớ kẻ trồng cây",
    "Âm nhạc dân gian",
    "Ba người lính ngự lâm",
    "Bà chúa Chè",
    "Bác Hồ với thiếu nhi",  # bà < bác: the tone ends the syllable
    "Bình Ngô đại cáo",
    "Ca dao Việt Nam",
    "Ca trù Hà Nội",
    "Cà Mau quê tôi",  # ca … < cà …: the first syllable decides, tone included (ICU: camau<catru)
    "Cá voi xanh",
    "Các nhà thơ mới",
    "Cách mạng tháng Tám",
    "Dân tộc học",
    "Dế Mèn phiêu lưu ký",
    "Dòng sông Mẹ",
    "Dương Vân Nga",
    "Đại Việt sử ký toàn thư",
    '"Đất rừng phương Nam"',  # quotes ignored
    "Điện Biên Phủ",
    "Em bé đất Việt",
    "Êđê",
    "Gia đình",
    "Già néo đứt dây",
    "Giã từ vũ khí",
    "Giá trị cuộc sống",
    "Hà Nội băm sáu phố phường",
    "Hà Nội - Điện Biên Phủ trên không",  # the hyphen does not count
    "Hạ Long",  # hà < hạ < hai (ICU: hai < halong < hanoi)
    "Hai Bà Trưng",
    "Hoa học trò",
    "Hòa bình",
    "Hóa học đại cương",
    "Khoa học vui",
    "Kiều",
    "Kỹ thuật điện",
    "Lịch sử Việt Nam. Tập 1",
    "Lịch sử Việt Nam. Tập 2",
    "Lịch sử Việt Nam. Tập 10",
    "Nguyễn Du toàn tập",
    "Người mẹ cầm súng",  # u < ư
    "Nhật ký trong tù",
    "Ong vàng",
    "Ông già và biển cả",
    "Ở rể",  # o < ô < ơ
    "Sổ tay người nội trợ",
    "Số đỏ",  # hỏi < sắc, before the next syllable is looked at
    "Sơn Tinh Thủy Tinh",
    "tale of Kieu",
    "Tam quốc diễn nghĩa",
    "Tắt đèn",
    "Tây du ký",
    "Thơ Xuân Diệu",
    "Truyện Kiều",
    "Tuổi thơ dữ dội",
    "Từ ấy",
    "Văn học dân gian",
    "Xuân Quỳnh",
    "Yêu",
]

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
    assert sorted(shuffled, key=sort_key) == expected


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
