"""Where an ISO 2709 record ends when its leader lies (harvesters.iso2709.frame)."""

from __future__ import annotations

import pytest

from harvesters.iso2709 import frame
from tests.marc_builders import book


def two_records() -> tuple[bytes, bytes]:
    return book("DB-1", "Truyện Kiều", author="Nguyễn Du").as_marc(), book(
        "DB-2", "Tắt đèn", author="Ngô Tất Tố").as_marc()


def with_length(record: bytes, length: int) -> bytes:
    return b"%05d" % length + record[5:]


def test_an_honest_record_is_framed_whole() -> None:
    first, second = two_records()
    assert frame(first + second, 0) == (first, "")


@pytest.mark.parametrize("shift", [-3, 5, 17])
def test_a_lying_length_without_a_next_leader_falls_back_to_the_terminator(shift: int) -> None:
    first, second = two_records()
    lying = with_length(first, len(first) + shift)
    chunk, problem = frame(lying + second, 0)
    assert chunk == lying and "leader says" in problem


def test_a_missing_terminator_is_framed_by_the_length_when_a_leader_follows() -> None:
    first, second = two_records()
    chunk, problem = frame(first[:-1] + b" " + second, 0)  # terminator replaced by a blank
    assert chunk == first[:-1] + b" " and "terminator missing" in problem


def test_a_length_pointing_into_its_own_directory_is_not_taken_for_a_boundary() -> None:
    """Hypothesis found it: the directory ``…00046245002…`` has five digits with ``45`` twenty
    bytes on, which passed for a leader; one damaged record then became two problems."""
    first, second = two_records()
    directory = first[24 : first.index(b"\x1e")]
    inside = next(at for at in range(24, 24 + len(directory) - 22)
                  if first[at : at + 5].isdigit() and first[at + 20 : at + 22] == b"45")
    lying = with_length(first, inside)
    chunk, problem = frame(lying + second, 0)
    assert chunk == lying, problem  # the whole record, up to its own terminator
