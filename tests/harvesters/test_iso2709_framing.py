"""Where an ISO 2709 record ends when its leader lies (harvesters.iso2709.frame)."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harvesters.iso2709 import BETWEEN_RECORDS, frame
from harvesters.marc_files import _frames
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


def _framed_whole(data: bytes) -> list[tuple[int, bytes, str]]:
    """Framing of the whole file in memory: what the streaming reader must give."""
    found, pos = [], 0
    while pos < len(data):
        while pos < len(data) and data[pos] in BETWEEN_RECORDS:
            pos += 1
        if pos >= len(data):
            break
        chunk, note = frame(data, pos)
        found.append((pos, chunk, note))
        pos += len(chunk)
    return found


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(two_records()), min_size=1, max_size=4),
    st.lists(st.tuples(st.integers(0, 10**6), st.integers(24, 99_999), st.booleans()),
             max_size=6),
    st.lists(st.tuples(st.integers(0, 10**6), st.binary(max_size=6)), max_size=4),
    st.integers(4096, 70_000),
)
def test_a_file_framed_a_block_at_a_time_frames_as_a_whole(
    records: list[bytes], lies: list[tuple[int, int, bool]], damage: list[tuple[int, bytes]],
    block: int,
) -> None:
    """Files larger than the reader's look-ahead (~100 kB), with lying lengths, lost
    terminators and stray bytes anywhere, across block boundaries."""
    many = records * (1 + 250_000 // sum(map(len, records)))
    for at, length, lost in lies:
        lying = with_length(many[at % len(many)], length)
        many[at % len(many)] = lying[:-1] + b" " if lost else lying
    data = b"\r\n".join(many)
    for at, replacement in damage:
        at %= len(data)
        data = data[:at] + replacement + data[at + len(replacement):]
    assert list(_frames(io.BytesIO(data), block)) == _framed_whole(data)
