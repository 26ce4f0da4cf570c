"""The OAI-PMH metadata formats of a union record: ``marc21`` (MARCXML) and ``oai_dc``.

``marc21`` is the union record every MARC export gives (:func:`searchapi.exports.union_marc`:
the preferred member's record, its own holdings fields replaced by one ``852`` per holding in the
union document's order, laid out by :func:`searchapi.exports.holding_field`), with ``001`` the
union id and ``003`` the repository identifier.

``oai_dc`` is made from the union document's display fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pymarc
from lxml import etree

from searchapi import dublin_core, exports
from searchapi.xml_text import xml_text

MARC_NS = "http://www.loc.gov/MARC21/slim"
MARC_SCHEMA = "http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
DC_NS = "http://purl.org/dc/elements/1.1/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
@dataclass(frozen=True)
class Format:
    prefix: str
    schema: str
    namespace: str


FORMATS: dict[str, Format] = {
    "marc21": Format("marc21", MARC_SCHEMA, MARC_NS),
    "oai_dc": Format("oai_dc", OAI_DC_SCHEMA, OAI_DC_NS),
}


def _sub(
    parent: etree._Element, element_name: str, value: Any = None, /, **attrs: str
) -> etree._Element:
    element = etree.SubElement(parent, element_name, {k: xml_text(v) for k, v in attrs.items()})
    if value is not None:
        element.text = xml_text(value)
    return element


def marc21(union_id: str, document: Mapping[str, Any], marc: Mapping[str, Any] | None,
           repository: str) -> etree._Element:
    """The ``<marc:record>`` of a union record from its preferred member's MARC-in-JSON."""
    record = exports.union_marc(marc or {"leader": " " * 24, "fields": []},
                                document.get("holdings", []))
    record.remove_fields("001", "003")
    record.add_ordered_field(pymarc.Field(tag="001", data=xml_text(union_id)))
    record.add_ordered_field(pymarc.Field(tag="003", data=xml_text(repository)))
    element = etree.fromstring(pymarc.record_to_xml(record, namespace=True))
    element.set(f"{{{XSI_NS}}}schemaLocation", f"{MARC_NS} {MARC_SCHEMA}")
    return element


def oai_dc(union_id: str, document: Mapping[str, Any]) -> etree._Element:
    """The ``<oai_dc:dc>`` of a union record, from its display fields."""
    record = etree.Element(f"{{{OAI_DC_NS}}}dc",
                           nsmap={"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI_NS})
    record.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_DC_NS} {OAI_DC_SCHEMA}")
    display = document.get("display", {})
    for name, value in dublin_core.elements(display, union_id):
        _sub(record, f"{{{DC_NS}}}{name}", value)
    return record
