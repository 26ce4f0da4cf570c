"""The one rule for text in XML responses: what XML 1.0 forbids is dropped, the rest stays."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from searchapi.xml_text import xml_text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Truyện Kiều", "Truyện Kiều"),
        ("tab\tnewline\ncr\r", "tab\tnewline\ncr\r"),
        ("a\x00b\x1fc\x0b", "abc"),
        ("lone \ud800 surrogate", "lone  surrogate"),
        ("\ufffe\uffff", ""),
        ("marked \ufffd on intake", "marked \ufffd on intake"),
        ("emoji 📚", "emoji 📚"),
        (1998, "1998"),
    ],
)
def test_forbidden_characters_are_dropped(value: object, expected: str) -> None:
    assert xml_text(value) == expected


@given(st.text())
def test_any_text_can_be_carried_by_lxml(value: str) -> None:
    cleaned = xml_text(value)
    assert all(c in value for c in cleaned)
    element = etree.Element("e")
    element.text = cleaned
    assert etree.fromstring(etree.tostring(element, encoding="utf-8")).text in (cleaned, None)
