"""The OAI-PMH metadata formats of a union record: ``marc21`` (MARCXML) and ``oai_dc``.

``marc21`` is the preferred member's MARC record (see :func:`indexer.union.preferred`) made the
union record's: ``001`` is the union id and ``003`` the repository identifier, the member's own
holdings fields (``852``, Koha's ``952``) are dropped, and one ``852`` is added per holding, in
the union document's order:

- ``$a`` the library's code, ``$b`` its name, ``$c`` the shelving location (when known),
- ``$h`` the call number, ``$9`` the number of copies (a local subfield: ``$t`` is a copy
  *number*), ``$7`` the library's own record number (MARC 001 in its system).

``oai_dc`` is made from the union document's display fields.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lxml import etree

MARC_NS = "http://www.loc.gov/MARC21/slim"
MARC_SCHEMA = "http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
DC_NS = "http://purl.org/dc/elements/1.1/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
DROPPED_TAGS = {"001", "003", "852", "952"}
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class Format:
    prefix: str
    schema: str
    namespace: str


FORMATS: dict[str, Format] = {
    "marc21": Format("marc21", MARC_SCHEMA, MARC_NS),
    "oai_dc": Format("oai_dc", OAI_DC_SCHEMA, OAI_DC_NS),
}


def text(value: Any) -> str:
    """``value`` as text XML can carry (characters XML 1.0 forbids are dropped)."""
    return _NOT_XML.sub("", str(value))


def _sub(
    parent: etree._Element, element_name: str, value: Any = None, /, **attrs: str
) -> etree._Element:
    element = etree.SubElement(parent, element_name, {k: text(v) for k, v in attrs.items()})
    if value is not None:
        element.text = text(value)
    return element


def marc21(union_id: str, document: Mapping[str, Any], marc: Mapping[str, Any] | None,
           repository: str) -> etree._Element:
    """The ``<marc:record>`` of a union record from its preferred member's MARC-in-JSON."""
    m = f"{{{MARC_NS}}}"
    record = etree.Element(f"{m}record", nsmap={"marc": MARC_NS, "xsi": XSI_NS})
    record.set(f"{{{XSI_NS}}}schemaLocation", f"{MARC_NS} {MARC_SCHEMA}")
    marc = marc or {}
    leader = text(marc.get("leader", "")).ljust(24)[:24] or " " * 24
    _sub(record, f"{m}leader", leader)
    _sub(record, f"{m}controlfield", union_id, tag="001")
    _sub(record, f"{m}controlfield", repository, tag="003")
    fields = [entry for entry in marc.get("fields", []) if next(iter(entry)) not in DROPPED_TAGS]
    for entry in fields:
        ((tag, value),) = entry.items()
        if isinstance(value, str):
            _sub(record, f"{m}controlfield", value, tag=tag)
            continue
        field = _sub(record, f"{m}datafield", tag=tag, ind1=_indicator(value.get("ind1")),
                     ind2=_indicator(value.get("ind2")))
        for subfield in value.get("subfields", []):
            ((code, data),) = subfield.items()
            _sub(field, f"{m}subfield", data, code=code)
    for holding in document.get("holdings", []):
        field = _sub(record, f"{m}datafield", tag="852", ind1=" ", ind2=" ")
        for code, value in (
            ("a", holding.get("library")),
            ("b", holding.get("library_name")),
            ("c", holding.get("location")),
            ("h", holding.get("call_number")),
            ("9", holding.get("copies")),
            ("7", holding.get("record_id")),
        ):
            if value not in (None, ""):
                _sub(field, f"{m}subfield", value, code=code)
    return record


def _indicator(value: Any) -> str:
    value = text(value or " ")
    return value[:1] if value[:1].isalnum() else " "


def oai_dc(union_id: str, document: Mapping[str, Any]) -> etree._Element:
    """The ``<oai_dc:dc>`` of a union record, from its display fields."""
    record = etree.Element(f"{{{OAI_DC_NS}}}dc",
                           nsmap={"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI_NS})
    record.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_DC_NS} {OAI_DC_SCHEMA}")
    display = document.get("display", {})
    d = f"{{{DC_NS}}}"
    title = display.get("title", "")
    if display.get("subtitle"):
        title = f"{title} : {display['subtitle']}"
    values: list[tuple[str, Any]] = [("title", title)]
    values += [("creator", author) for author in display.get("authors", [])]
    values += [("subject", subject) for subject in display.get("subjects", [])]
    values += [("description", display.get("summary", ""))]
    values += [("publisher", display.get("publisher", ""))]
    values += [("date", display.get("year") or "")]
    values += [("type", display.get("type", ""))]
    values += [("identifier", f"urn:isbn:{isbn}") for isbn in display.get("isbns", [])]
    values += [("identifier", union_id)]
    values += [("language", language) for language in display.get("languages", [])]
    for name, value in values:
        if value not in (None, ""):
            _sub(record, f"{d}{name}", value)
    return record
