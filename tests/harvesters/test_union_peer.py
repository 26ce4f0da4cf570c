"""One library's part of a union catalogue's record (harvesting another Mục lục over OAI-PMH)."""

from __future__ import annotations

import pymarc
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from harvesters.union_peer import MAX_COPIES, library_part
from indexer.marc_document import record_fields


def union_record(*holdings: list[tuple[str, str]]) -> pymarc.Record:
    record = pymarc.Record(force_utf8=True, leader="00000nam a2200000 a 4500")
    record.add_field(pymarc.Field(tag="001", data="c852616929d984ac7592"))
    record.add_field(pymarc.Field(tag="003", data="mucluc.local"))
    record.add_field(pymarc.Field(tag="245", indicators=pymarc.Indicators("0", "0"),
                                  subfields=[pymarc.Subfield("a", "Truyện Kiều")]))
    for subfields in holdings:
        record.add_field(pymarc.Field(tag="852", indicators=pymarc.Indicators(" ", " "),
                                      subfields=[pymarc.Subfield(c, v) for c, v in subfields]))
    return record


DBI = [("a", "DBI"), ("b", "Thư viện tỉnh"), ("h", "895.9 NG-D"), ("9", "3"), ("x", "DBI0001")]
TGI = [("a", "TGI"), ("c", "Kho mở"), ("9", "1"), ("x", "T-77")]


@pytest.mark.parametrize(
    ("library", "local_id", "call_number", "copies", "location"),
    [("DBI", "DBI0001", "895.9 NG-D", 3, ""), ("TGI", "T-77", "", 1, "Kho mở")],
    ids=["provincial-three-copies", "district-with-location"],
)
def test_a_library_gets_its_own_record_number_and_copies(
    library, local_id, call_number, copies, location
):
    record, found = library_part(union_record(DBI, TGI), library)
    assert found == local_id
    assert record["001"].data == local_id
    assert record.get_fields("852", "003") == []
    fields = record_fields(record)
    assert (fields.copies, fields.location) == (copies, location)
    if call_number:
        assert fields.call_number == call_number


@pytest.mark.parametrize(
    "holdings",
    [[], [[("a", "DBI"), ("h", "895.9")]], [[("a", "TGI"), ("x", "T-77")]]],
    ids=["no-852", "852-without-record-number", "another-library-only"],
)
def test_records_that_are_not_a_union_catalogues_are_left_alone(holdings):
    assert library_part(union_record(*holdings), "DBI") is None


@given(st.text(max_size=8))
@example("0\x1f")  # str.strip() takes a MARC unit separator as white space; int() does not
def test_any_copies_text_gives_a_bounded_positive_count(copies):
    record, _ = library_part(union_record([("a", "DBI"), ("9", copies), ("x", "X1")]), "DBI")
    assert 1 <= len(record.get_fields("952")) <= MAX_COPIES
