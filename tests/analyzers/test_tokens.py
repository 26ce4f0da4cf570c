"""Python's view of the engine's tokens (the agreement test checks it against the engine)."""

import pytest

from analyzers.tokens import folded_tokens, join_names, tokens
from analyzers.variants import variant_tokens


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Hòa bình, Việt Nam!", ["hoà", "bình", "việt", "nam"], id="punctuation"),
        pytest.param("Người H'Mông", ["người", "hmông"], id="name-prefix-joined"),
        pytest.param("H-Mông", ["hmông"], id="hyphen-prefix-joined"),
        pytest.param("l'amour", ["l", "amour"], id="french-elision-split"),
        pytest.param("ꪼꪕꪒꪾ", ["ꪼꪕꪒꪾ"], id="tai-viet"),
        pytest.param("Của chồng công vợ", ["của", "chồng", "công", "vợ"], id="no-stopwords"),
        pytest.param("ISBN 978-604", ["isbn", "978", "604"], id="digits"),
    ],
)
def test_tokens(text: str, expected: list[str]) -> None:
    assert tokens(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Điện Biên Phủ", ["dien", "bien", "phu"], id="d-stroke"),
        pytest.param("H’Mông", ["hmong"], id="curly-apostrophe"),
    ],
)
def test_folded_tokens(text: str, expected: list[str]) -> None:
    assert folded_tokens(text) == expected


def test_variant_tokens() -> None:
    assert variant_tokens("Kỹ thuật Quy Nhơn") == ["ki", "thuat", "qui", "nhon"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("H'Hen Niê", "HHen Niê"), ("M'Nông", "MNông"), ("l'amour", "l'amour"), ("ab'c", "ab'c")],
)
def test_join_names(text: str, expected: str) -> None:
    assert join_names(text) == expected
