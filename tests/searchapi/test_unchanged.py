"""Answers kept while the catalogue is unchanged: a new fingerprint, or none, never matches."""

from __future__ import annotations

import pytest

from searchapi.unchanged import Unchanged


@pytest.mark.parametrize(
    ("stored_under", "asked_under", "expected"),
    [
        ("v1", "v1", (True, "sách")),
        ("v1", "v2", (False, None)),  # a load changed the catalogue
        ("v1", None, (False, None)),  # the fingerprint is not known (not checked lately)
        (None, None, (False, None)),  # nothing is kept without a fingerprint
    ],
)
def test_an_answer_holds_only_under_its_fingerprint(
    stored_under: str | None, asked_under: str | None, expected: tuple[bool, str | None]
) -> None:
    kept = Unchanged()
    kept.put("key", stored_under, "sách")
    assert kept.get("key", asked_under) == expected


def test_a_none_answer_is_kept_too_and_memory_is_bounded() -> None:
    kept = Unchanged(size=2)
    kept.put("a", "v1", None)  # "no suggestion" is an answer worth keeping
    kept.put("b", "v1", "x")
    assert kept.get("a", "v1") == (True, None)  # now the most recently used
    kept.put("c", "v1", "y")
    assert kept.get("b", "v1") == (False, None)
    assert kept.get("a", "v1") == (True, None)
    assert kept.get("c", "v1") == (True, "y")
