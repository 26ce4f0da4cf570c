"""Sort keys give Vietnamese alphabetical order (cases 41 and 42)."""

import random

import pytest

from analyzers.collation import sort_key

ORDERS = {
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
    "tones": ["ca", "cà", "cả", "cã", "cá", "cạ"],
}


@pytest.mark.parametrize("name", list(ORDERS))
def test_sort_order(name: str) -> None:
    expected = ORDERS[name]
    shuffled = random.Random(7).sample(expected, len(expected))
    assert sorted(shuffled, key=sort_key) == expected


def test_key_is_hex_text() -> None:
    key = sort_key("Điện Biên")
    assert key and all(c in "0123456789abcdef" for c in key)


def test_tone_styles_sort_together() -> None:
    assert sort_key("Hòa bình") == sort_key("Hoà bình")


def test_volume_numbers_sort_by_value() -> None:
    titles = ["Tập 10", "Tập 2", "Tập 1", "Tập 12", "Tập 11"]
    assert sorted(titles, key=sort_key) == ["Tập 1", "Tập 2", "Tập 10", "Tập 11", "Tập 12"]
