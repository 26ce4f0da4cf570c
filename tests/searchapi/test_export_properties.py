"""Exports on any display fields and any MARC record the raw store could hold: bytes in the
declared encoding, one line per RIS tag, never an exception."""

from __future__ import annotations

import json

from hypothesis import example, given
from hypothesis import strategies as st

from searchapi import citations, exports
from tests.searchapi.hostile import pointed_text

text = pointed_text.map(lambda t: t[:200])
display = st.fixed_dictionaries(
    {},
    optional={
        "title": text,
        "subtitle": text,
        "part": text,
        "authors": st.lists(text, max_size=4),
        "year": st.none() | st.integers(0, 9999),
        "publisher": text,
        "place": text,
        "edition": text,
        "summary": text,
        "pages": text,
        "isbns": st.lists(text, max_size=3),
        "subjects": st.lists(text, max_size=3),
        "languages": st.lists(text, max_size=3),
        "series": st.lists(text, max_size=3),
        "type": st.sampled_from(["book", "serial", "map", "video", "other"]) | text,
    },
)
doc_id = st.from_regex(r"[A-Za-z0-9_-]{1,64}", fullmatch=True)


@given(display, doc_id)
@example({"title": "\ud800", "authors": ["Nguyễn, \udfff"], "summary": "a\r\nER  - b"}, "x")
@example({"title": "{}&%$#_\\", "year": 0, "pages": "\x00\x1b"}, "-")
def test_citations_of_any_display_fields(fields: dict, record_id: str) -> None:
    ris = citations.ris(fields, record_id).decode("utf-8")
    assert ris.endswith("ER  -\r\n")
    assert all(line[:2].isalnum() for line in ris.split("\r\n") if line)  # no field breaks a line
    bibtex = citations.bibtex(fields, record_id).decode("utf-8")
    assert citations.bibtex_key(fields, record_id).isascii()
    assert bibtex.startswith("@")
    assert isinstance(json.loads(citations.csl_json(fields, record_id)), list)


subfield_code = st.sampled_from("abcdefhnpvxyz68")
datafield = st.fixed_dictionaries(
    {
        "ind1": st.sampled_from(" 0123"),
        "ind2": st.sampled_from(" 0123"),
        "subfields": st.lists(st.dictionaries(subfield_code, text, min_size=1, max_size=1),
                              min_size=1, max_size=5),
    }
)  # fmt: skip
marc = st.fixed_dictionaries(
    {
        "leader": st.just("00000nam a2200000 a 4500"),
        "fields": st.lists(
            st.builds(lambda tag, value: {tag: value}, st.sampled_from(["001", "005", "008"]), text)
            | st.builds(
                lambda tag, value: {tag: value},
                st.sampled_from(["020", "100", "245", "260", "264", "650", "852"]),
                datafield,
            ),
            max_size=12,
        ),
    }
)


SURROGATE_RECORD = {
    "leader": "00000nam a2200000 a 4500",
    "fields": [{"001": "\ud800"}, {"245": {"subfields": [{"a": "Truyện \udc00 Kiều"}]}}],
}


@given(marc, st.sampled_from(sorted(exports.MARC_WRITERS)))
@example(SURROGATE_RECORD, "marcxml")
@example(SURROGATE_RECORD, "iso2709")
@example(SURROGATE_RECORD, "marc-json")
def test_marc_exports_of_any_stored_record(stored: dict, name: str) -> None:
    body = exports.MARC_WRITERS[name](exports.marc_record(stored))
    assert isinstance(body, bytes) and body
    body.decode("utf-8")


@given(pointed_text)
def test_any_format_name_resolves_or_is_none(name: str) -> None:
    assert exports.resolve(name) in {None, *exports.EXPORTS}
