"""Mapping behaves like Lucene's mapping char filter: longest match, no rescanning."""

import pytest

from analyzers.mapping import Mapping


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("abc", "X", id="longest-key-wins"),
        pytest.param("abd", "Yd", id="shorter-key-when-longer-fails"),
        pytest.param("zz", "", id="empty-replacement"),
        pytest.param("ab!", "Y!", id="no-rescan-of-output"),
    ],
)
def test_mapping(text: str, expected: str) -> None:
    mapping = Mapping({"abc": "X", "ab": "Y", "z": "", "Y!": "never"})
    assert mapping(text) == expected


def test_empty_key_refused() -> None:
    with pytest.raises(ValueError):
        Mapping({"": "x"})


def test_engine_rules_are_escaped() -> None:
    assert Mapping({"é": "e"}).engine_rules() == ["\\u00E9=>\\u0065"]
