"""Whether a record's directory can be trusted as it is (harvesters.iso2709._directory_clean).

Every record read asks this once, in one pass over its directory; it must answer what the
three checks it replaced answered together (entries of digits, every entry ending on a field
terminator inside the record, ASCII indicators in every data field), on honest records and on
records damaged anywhere.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harvesters.iso2709 import _directory_clean, _entry_data
from tests.marc_builders import book

HONEST = book("DB-1", "Truyện Kiều", author="Nguyễn Du").as_marc()


def _parts(record: bytes) -> tuple[bytes, int, list[bytes]]:
    """(body, base address, directory entries) as fix_framing reads them."""
    body = record if record.endswith(b"\x1d") else record + b"\x1d"
    directory_end = body.find(b"\x1e", 24)
    directory = body[24:directory_end]
    entries = [directory[i : i + 12]
               for i in range(0, len(directory) - len(directory) % 12, 12)]
    return body, directory_end + 1, entries


def _reference(body: bytes, base: int, entries: list[bytes]) -> bool:
    """The three checks, one after the other, as fix_framing made them before."""
    if not all(e[3:12].isdigit() for e in entries):
        return False
    for entry in entries:
        length, where = int(entry[3:7]), int(entry[7:12])
        end = base + where + length - 1
        if length < 1 or end >= len(body) or body[end] != 0x1E:
            return False
    for entry in entries:
        data = _entry_data(body, base, entry) or b""
        if entry[:3] >= b"010" and not data.partition(b"\x1f")[0].isascii():
            return False
    return True


def _field_start(tag: bytes) -> int:
    _body, base, entries = _parts(HONEST)
    entry = next(e for e in entries if e[:3] == tag)
    return base + int(entry[7:12])


@pytest.mark.parametrize(("record", "clean"), [
    (HONEST, True),
    (HONEST[:_field_start(b"245")] + b"\xc3" + HONEST[_field_start(b"245") + 1:], False),
    (HONEST[:24] + HONEST[24:27] + b"9999" + HONEST[31:], False),
    (HONEST[:24] + HONEST[24:30] + b"x" + HONEST[31:], False),
], ids=["honest record", "stray byte in an indicator", "length past the record",
        "letter in a length"])
def test_directory_clean(record: bytes, clean: bool) -> None:
    assert _directory_clean(*_parts(record)) is clean


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10_000),
                          st.binary(min_size=1, max_size=3)
                          | st.sampled_from([b"\x1e", b"\x1f", b"\xc3", b"0", b"9", b" "])),
                max_size=4))
def test_one_pass_answers_as_the_three_checks(damage: list[tuple[int, bytes]]) -> None:
    record = HONEST
    for at, replacement in damage:  # anywhere after the leader: directory or fields
        at = 24 + at % (len(record) - 24)
        record = record[:at] + replacement + record[at + len(replacement):]
    if record.find(b"\x1e", 24) == -1:
        return  # fix_framing refuses it before asking
    body, base, entries = _parts(record)
    assert _directory_clean(body, base, entries) is _reference(body, base, entries)
