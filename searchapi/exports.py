"""Exports of a book for copy cataloguing and reference managers.

MARC formats (MARCXML, ISO 2709, MARC-in-JSON) give the *union* record: the preferred member's
record as catalogued, with its own holdings fields (852, 876-878, 952) replaced by one 852 per
holding library (:func:`union_marc`), so the export says who holds the book. Every string is
NFC (libraries send decomposed Unicode too). RIS, BibTeX and CSL-JSON are citations made from
the display fields (:mod:`searchapi.citations`). ISO 2709 is always written in UTF-8
(leader/09 = ``a``): Vietnamese does not survive MARC-8 round trips reliably.

Every writer returns bytes for any stored record or display fields: text that is not valid
Unicode (a lone surrogate from a JSON escape) becomes U+FFFD instead of failing the request.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pymarc

from indexer.marc_document import marc_record
from searchapi import citations

__all__ = ["EXPORTS", "Export", "marc_record", "union_marc"]

#: The holdings fields of one library's record, replaced by the union's 852s in MARC exports.
HOLDING_TAGS = ("852", "876", "877", "878", "952")


@dataclass(frozen=True)
class Export:
    content_type: str
    extension: str
    from_marc: bool


EXPORTS: dict[str, Export] = {
    "marcxml": Export("application/marcxml+xml", "xml", True),
    "iso2709": Export("application/marc", "mrc", True),
    "marc-json": Export("application/marc+json", "json", True),
    "ris": Export("application/x-research-info-systems", "ris", False),
    "bibtex": Export("application/x-bibtex", "bib", False),
    "csl-json": Export("application/vnd.citationstyles.csl+json", "json", False),
}
ALIASES = {"marc": "iso2709", "mrc": "iso2709", "xml": "marcxml", "json-marc": "marc-json",
           "bib": "bibtex", "csl": "csl-json"}  # fmt: skip


_valid = citations.nfc


def _valid_record(record: pymarc.Record) -> pymarc.Record:
    """The record with every value in NFC and valid Unicode."""
    for field in record.fields:
        if field.is_control_field():
            field.data = _valid(field.data or "")
        else:
            field.subfields = [pymarc.Subfield(sf.code, _valid(sf.value)) for sf in field.subfields]
    return record


def holding_field(holding: Mapping[str, Any]) -> pymarc.Field:
    """One library's holding as an 852: ``$a`` library code, ``$b`` its name, ``$c`` the shelving
    location (when known), ``$h`` call number, ``$x`` the library's record number, ``$9`` copies
    (a local subfield: 852 has no count, ``$t`` is a copy *number*), ``$z`` the copies for
    people, ``$u`` the record in the library's own catalogue when configured. Every MARC the
    catalogue gives out (exports, SRU, Z39.50, OAI-PMH ``marc21``) uses this one layout."""
    copies = int(holding.get("copies") or 1)
    subfields = [pymarc.Subfield("a", str(holding.get("library", "")))]
    for code, key in (("b", "library_name"), ("c", "location")):
        if holding.get(key):
            subfields.append(pymarc.Subfield(code, str(holding[key])))
    if holding.get("call_number"):
        subfields.append(pymarc.Subfield("h", str(holding["call_number"])))
    if holding.get("record_id"):
        subfields.append(pymarc.Subfield("x", str(holding["record_id"])))
    subfields += [pymarc.Subfield("9", str(copies)), pymarc.Subfield("z", f"{copies} bản")]
    if holding.get("record_url"):
        subfields.append(pymarc.Subfield("u", str(holding["record_url"])))
    return pymarc.Field(tag="852", indicators=pymarc.Indicators(" ", " "), subfields=subfields)


def union_marc(marc: Mapping[str, Any], holdings: Sequence[Mapping[str, Any]]) -> pymarc.Record:
    """The union record of a book: ``marc`` (the preferred member's MARC-in-JSON) without its
    holdings fields, plus one 852 per holding library in the holdings' order, all NFC."""
    record = marc_record(marc)
    record.remove_fields(*HOLDING_TAGS)
    for holding in holdings:
        record.add_ordered_field(holding_field(holding))
    return _valid_record(record)


XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


def marcxml(record: pymarc.Record) -> bytes:
    return XML_DECLARATION + pymarc.record_to_xml(_valid_record(record), namespace=True)


def iso2709(record: pymarc.Record) -> bytes:
    record = _valid_record(record)
    record.force_utf8 = True
    leader = str(record.leader)
    if len(leader) >= 10 and leader[9] != "a":
        record.leader = pymarc.Leader(leader[:9] + "a" + leader[10:])
    return record.as_marc()


def marc_json(record: pymarc.Record) -> bytes:
    return json.dumps(_valid_record(record).as_dict(), ensure_ascii=False).encode("utf-8")


MARC_WRITERS: dict[str, Callable[[pymarc.Record], bytes]] = {
    "marcxml": marcxml,
    "iso2709": iso2709,
    "marc-json": marc_json,
}

DISPLAY_WRITERS: dict[str, Callable[[Mapping[str, Any], str], bytes]] = {
    "ris": citations.ris,
    "bibtex": citations.bibtex,
    "csl-json": citations.csl_json,
}


def resolve(name: str) -> str | None:
    """The canonical export name for ``name`` (aliases accepted), or None."""
    name = name.strip().lower()
    name = ALIASES.get(name, name)
    return name if name in EXPORTS else None


def unknown_format(requested: str) -> str:
    """The message of a 400 for an unknown ``format``."""
    return f"Unknown format {requested!r}; use one of json, {', '.join(EXPORTS)}."
