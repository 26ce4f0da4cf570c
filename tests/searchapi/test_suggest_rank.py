"""Autocomplete order (issue #21 item 6): starting with the typed words first, Telex understood."""

from __future__ import annotations

import pytest

from searchapi.suggest import rank

CANDIDATES = [
    ("Thế giới của Nguyễn Nhật Ánh", "title"),
    ("Mắt biếc", "title"),
    ("Nguyễn Nhật Ánh", "author"),
    ("Nguyễn Nhật Ánh và tuổi thơ", "title"),
    ("Thanh Hóa xưa", "title"),
    ("Hoa học trò", "title"),
    ("Hóa học đại cương", "title"),
]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (
            "nguyen nha",
            ["Nguyễn Nhật Ánh", "Nguyễn Nhật Ánh và tuổi thơ", "Thế giới của Nguyễn Nhật Ánh"],
        ),
        (
            "nguyeenx",  # Telex, a whole syllable
            ["Nguyễn Nhật Ánh", "Nguyễn Nhật Ánh và tuổi thơ", "Thế giới của Nguyễn Nhật Ánh"],
        ),
        (
            "nguyeenx nhaa",  # Telex, the last word unfinished
            ["Nguyễn Nhật Ánh", "Nguyễn Nhật Ánh và tuổi thơ", "Thế giới của Nguyễn Nhật Ánh"],
        ),
        # starts (exact), starts (folded), then contains (exact)
        ("Hóa", ["Hóa học đại cương", "Hoa học trò", "Thanh Hóa xưa"]),
        ("hoa hoc", ["Hoa học trò", "Hóa học đại cương"]),
        ("mat", ["Mắt biếc"]),
        ("xyz", []),
    ],
)
def test_rank(typed: str, expected: list[str]) -> None:
    assert [entry["text"] for entry in rank(typed, CANDIDATES)] == expected


def test_rank_keeps_kinds_and_drops_duplicates() -> None:
    found = rank("nguyen", [*CANDIDATES, ("Nguyễn Nhật Ánh", "author")])
    assert found[0] == {"text": "Nguyễn Nhật Ánh", "kind": "author"}
    assert len([f for f in found if f["text"] == "Nguyễn Nhật Ánh"]) == 1
