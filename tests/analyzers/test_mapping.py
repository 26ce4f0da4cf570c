"""Mapping behaves like Lucene's mapping char filter: longest match, no rescanning."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

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


def _longest_match(rules: dict[str, str], text: str) -> str:
    """The char filter's rule, restated position by position: the longest key at each
    position is replaced, the output is not scanned again, other characters are copied."""
    out, i = [], 0
    while i < len(text):
        for size in range(len(text) - i, 0, -1):
            if text[i : i + size] in rules:
                out.append(rules[text[i : i + size]])
                i += size
                break
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


_ALPHABET = "abcé\u0301\u0300"


@given(
    rules=st.dictionaries(st.text(_ALPHABET, min_size=1, max_size=3), st.text(_ALPHABET + "XY",
                          max_size=2), max_size=8),
    text=st.text(_ALPHABET + "d", max_size=20),
)
def test_mapping_is_longest_match(rules: dict[str, str], text: str) -> None:
    """Tables of one-character keys, of longer keys and of both (the fold, tone and compose
    tables), on text with and without the characters that can continue a key."""
    assert Mapping(rules)(text) == _longest_match(rules, text)


@pytest.mark.parametrize("table", ["fold", "compose", "tone"])
@given(text=st.text(st.sampled_from(
    "aAeEoOuUyYiIdD đĐơƠưƯâÂêÊôÔăĂ" "\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b"
    "òóỏõọùúủũụìíỉĩịỳýỷỹỵ’\u200b\t"), max_size=12))
def test_project_tables_are_longest_match(table: str, text: str) -> None:
    from analyzers.fold import fold_mapping
    from analyzers.normalise import compose_mapping, tone_mapping

    mapping = {"fold": fold_mapping, "compose": compose_mapping, "tone": tone_mapping}[table]()
    assert mapping(text) == _longest_match(mapping.rules, text)
