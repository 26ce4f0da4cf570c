"""normalise: one matching form for every spelling readers see as the same."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analyzers.normalise import compose_mapping, normalise, tone_mapping


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(nfd("Nguyễn Du"), "Nguyễn Du", id="nfd-to-nfc"),
        pytest.param("Vie\u0302\u0323t", "Việt", id="marks-non-canonical-order"),
        pytest.param("Vi\u00ea\u0323t", "Việt", id="cp1258-precomposed-plus-tone"),
        pytest.param("\u01a1\u0309", "ở", id="marc21-horn-letter-plus-hook"),
        pytest.param("a\u0301\u0302", "ấ", id="tone-typed-before-circumflex"),
        pytest.param("hòa", "hoà", id="old-style-oa"),
        pytest.param("HÒA BÌNH", "HOÀ BÌNH", id="old-style-oa-capitals"),
        pytest.param("khỏe", "khoẻ", id="old-style-oe"),
        pytest.param("thủy", "thuỷ", id="old-style-uy"),
        pytest.param("Thanh Hóa", "Thanh Hoá", id="old-style-capitalised"),
        pytest.param("hòan cảnh", "hoàn cảnh", id="misplaced-hoan"),
        pytest.param("ngòai", "ngoài", id="misplaced-ngoai"),
        pytest.param("qúy", "quý", id="misplaced-quy"),
        pytest.param("Qúa", "Quá", id="misplaced-qua"),
        pytest.param("gìa", "già", id="misplaced-gia"),
        pytest.param("nghĩa", "nghĩa", id="nghia-untouched"),
        pytest.param("\u00d0iện Biên", "Điện Biên", id="eth-to-d-stroke"),
        pytest.param("H’Mông HʼMông", "H'Mông H'Mông", id="apostrophes-unified"),
        pytest.param("Việt\u00adNam\u200b", "ViệtNam", id="invisible-removed"),
        pytest.param("a\x00b\x7f", "ab", id="controls-removed"),
        pytest.param("a\t\n b\u00a0c", "a b c", id="whitespace-collapsed"),
        pytest.param("a  b", "a  b", id="plain-spaces-kept"),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


@pytest.mark.parametrize(
    "text",
    ["mùa thu", "của", "khuỷu tay", "ngoài", "thuyền", "quý", "giữa", "Les Misérables", "ꪼꪕꪒꪾ"],
)
def test_correct_spelling_unchanged(text: str) -> None:
    assert normalise(text) == text


def test_both_tone_styles_meet() -> None:
    assert normalise("Hòa bình") == normalise("Hoà bình")


def test_engine_rules_escape_every_character() -> None:
    rule = compose_mapping().engine_rules()[0]
    assert "=>" in rule and rule.startswith("\\u")


def test_tone_rules_cover_all_case_patterns() -> None:
    rules = tone_mapping().rules
    assert {"òa", "Òa", "òA", "ÒA"} <= rules.keys()


@given(st.text())
def test_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once


@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E)))
def test_printable_ascii_unchanged(text: str) -> None:
    assert normalise(text) == text


@given(st.text(alphabet="aăâeêioôơuưydđhkgnqtAĂÂEÊIOÔƠUƯYĐ \u0300\u0301\u0303\u0309\u0323"))
def test_idempotent_on_vietnamese_letters(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
