"""The union record of MARC exports: one 852 per holding library, NFC whatever was stored."""

from __future__ import annotations

import io
import json
import unicodedata

import pymarc
from hypothesis import given
from hypothesis import strategies as st

from searchapi import exports
from tests.searchapi.test_export_properties import marc

HOLDINGS = [
    {"library": "DBI", "call_number": "895.9221 NG-D", "copies": 3, "record_id": "DBI0001",
     "record_url": "https://opac.example/?biblionumber=DBI0001"},
    {"library": "TGI", "call_number": "V23 NG-D", "copies": 2, "record_id": "TG-0042"},
]  # fmt: skip
NFD_RECORD = {
    "leader": "00000nam a2200000 a 4500",
    "fields": [
        {"001": "DBI0001"},
        {"245": {"ind1": "0", "ind2": "0",
                 "subfields": [{"a": unicodedata.normalize("NFD", "Truyện Kiều /")}]}},
        {"260": {"ind1": " ", "ind2": " ", "subfields": [{"a": "H."}, {"b": "Văn học"}]}},
        {"852": {"ind1": " ", "ind2": " ", "subfields": [{"h": "old"}, {"t": "9"}]}},
        {"952": {"ind1": " ", "ind2": " ", "subfields": [{"p": "B1"}]}},
    ],
}  # fmt: skip


def read(name: str, body: bytes) -> pymarc.Record:
    if name == "marcxml":
        (record,) = pymarc.parse_xml_to_array(io.BytesIO(body))
    elif name == "iso2709":
        (record,) = list(pymarc.MARCReader(body, to_unicode=True, force_utf8=True))
    else:
        (record,) = list(pymarc.JSONReader(body.decode("utf-8")))
    return record


def strings(record: pymarc.Record) -> list[str]:
    found = []
    for field in record.fields:
        if field.is_control_field():
            found.append(field.data)
        else:
            found += [sf.value for sf in field.subfields]
    return found


def test_union_record_replaces_the_libraries_holdings_and_is_nfc() -> None:
    for name, write in exports.MARC_WRITERS.items():
        record = read(name, write(exports.union_marc(NFD_RECORD, HOLDINGS)))
        assert record["245"]["a"] == "Truyện Kiều /"  # NFC, otherwise as catalogued
        assert record["260"]["a"] == "H."
        assert not record.get_fields("952")
        assert [
            tuple(f.get(code) for code in "ahx9zu") for f in record.get_fields("852")
        ] == [
            ("DBI", "895.9221 NG-D", "DBI0001", "3", "3 bản", HOLDINGS[0]["record_url"]),
            ("TGI", "V23 NG-D", "TG-0042", "2", "2 bản", None),
        ], name


@given(marc.map(lambda m: json.loads(json.dumps(m))), st.sampled_from(sorted(exports.MARC_WRITERS)))
def test_every_string_of_a_union_export_is_nfc(stored: dict, name: str) -> None:
    body = exports.MARC_WRITERS[name](exports.union_marc(stored, HOLDINGS))
    if name == "marc-json":
        record = json.loads(body)
        texts = [
            value
            for field in record["fields"]
            for value in (
                [next(iter(field.values()))]
                if isinstance(next(iter(field.values())), str)
                else [v for sf in next(iter(field.values()))["subfields"] for v in sf.values()]
            )
        ]
    else:
        texts = [body.decode("utf-8")]
    assert all(unicodedata.is_normalized("NFC", text) for text in texts)
