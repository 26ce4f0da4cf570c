"""The simple2zoom configuration `mucluc z3950 start` writes: Bib-1 → CQL map and MARC21."""

from __future__ import annotations

import pytest
from lxml import etree

from mucluc.cli.z3950 import DATABASE, gateway_config
from searchapi.cql import INDEXES


@pytest.mark.parametrize(
    ("use", "index"),
    [(4, "dc.title"), (1003, "dc.creator"), (21, "dc.subject"), (7, "bath.isbn"),
     (1016, "cql.serverChoice")],
)
def test_bib1_use_attributes_map_to_indexes_the_sru_server_knows(use: int, index: str) -> None:
    root = etree.fromstring(gateway_config("http://127.0.0.1:8080/sru").encode())
    found = root.find(f"database/search/map[@use='{use}']/index")
    assert found is not None and found.text == index
    assert index.lower() in INDEXES


def test_database_sru_url_and_marc21_schema() -> None:
    root = etree.fromstring(gateway_config("http://h:1/sru?x=1&y=2").encode())
    database = root.find("database")
    assert database.get("name") == DATABASE
    assert database.findtext("zurl") == "http://h:1/sru?x=1&y=2"
    schema = database.find("schema")
    assert schema.get("oid") == "1.2.840.10003.5.10"
    assert schema.get("format") == "MARC21" and schema.get("encoding") == "UTF-8"
