"""SRU response documents for any text: records, echoes and diagnostics always serialise."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from searchapi import sru_response

TEXT = st.text(max_size=80)


@given(title=TEXT, author=TEXT, query=TEXT, details=TEXT)
def test_any_text_makes_well_formed_responses(
    title: str, author: str, query: str, details: str
) -> None:
    record = sru_response.dc_record({"title": title, "authors": [author], "year": 2000}, "id1")
    schema = sru_response.SCHEMAS["dc"]
    for version in ("1.2", "2.0"):
        body = sru_response.search_retrieve(
            version, 1, [(schema.identifier, record)], packing="xml", start=1,
            echo={"query": query},
        )
        assert etree.fromstring(body) is not None
        diagnostic = sru_response.diagnostic_response(
            "searchRetrieveResponse", version, 10, "Query syntax error", details)
        root = etree.fromstring(diagnostic)
        uris = [n.text for n in root.iter() if etree.QName(n).localname == "uri"]
        assert uris == ["info:srw/diagnostic/1/10"]


def test_next_record_position_only_when_more_remain() -> None:
    schema = sru_response.SCHEMAS["dc"]
    record = (schema.identifier, sru_response.dc_record({"title": "x"}, "a"))
    more = etree.fromstring(sru_response.search_retrieve(
        "1.2", 3, [record], packing="xml", start=2, echo={}))
    last = etree.fromstring(sru_response.search_retrieve(
        "1.2", 3, [record], packing="xml", start=3, echo={}))
    ns = sru_response.SRU_1_NS
    assert more.findtext(f"{{{ns}}}nextRecordPosition") == "3"
    assert last.find(f"{{{ns}}}nextRecordPosition") is None
