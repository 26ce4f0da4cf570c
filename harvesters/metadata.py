"""Metadata formats carried inside protocol responses, turned into pymarc Records.

OAI-PMH and SRU both wrap one record per element: MARCXML (``marc21`` / ``marcxml``) for library
systems such as Koha, and Dublin Core (``oai_dc``) for repositories of digitised documents (the
province's "địa chí" collections). Both become a :class:`pymarc.Record` so everything downstream
reads one model. The element is already parsed by :mod:`harvesters.xml_safety`.
"""

from __future__ import annotations

import re

import pymarc
from lxml import etree
from pymarc import Field, Indicators, Subfield

from harvesters.marc_files import marcxml_record
from harvesters.records import Repair
from harvesters.xml_safety import REPLACEMENT

MARCXML_NS = "http://www.loc.gov/MARC21/slim"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC_NS = "http://purl.org/dc/elements/1.1/"

#: metadataPrefix / recordSchema names that mean MARCXML.
MARC_FORMATS = frozenset(
    {"marc21", "marcxml", "marc", "marcxml-1.1", "info:srw/schema/1/marcxml-v1.1"}
)
DC_FORMATS = frozenset({"oai_dc", "dc", "info:srw/schema/1/dc-v1.1"})

_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")


class MetadataError(ValueError):
    """The metadata element cannot be read as a record; the caller reports a RecordProblem."""


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def find_marc_record(element: etree._Element) -> etree._Element | None:
    """The MARCXML ``record`` element at or below ``element`` (namespaced or not)."""
    if _local(element.tag) == "record" and element.find(f"{{{MARCXML_NS}}}leader") is not None:
        return element
    found = element.find(f".//{{{MARCXML_NS}}}record")
    if found is not None:
        return found
    for child in element.iter():
        if _local(child.tag) == "record" and any(_local(c.tag) == "leader" for c in child):
            return child
    return None


def marcxml_to_record(element: etree._Element) -> pymarc.Record:
    """One MARCXML ``record`` element → pymarc Record, read as MARCXML files are read."""
    record = marcxml_record(element)
    if not record.fields:
        raise MetadataError("MARCXML record has no fields")
    return record


def _field(tag: str, code: str, value: str, ind: tuple[str, str] = (" ", " ")) -> Field:
    return Field(tag=tag, indicators=Indicators(*ind), subfields=[Subfield(code, value)])


def dc_to_record(element: etree._Element, *, identifier: str = "") -> pymarc.Record:
    """Dublin Core (``oai_dc:dc``) → pymarc Record, following LC's DC-to-MARC crosswalk.

    Unqualified DC has no structure to lose precision from: the first creator becomes 100,
    the others and contributors 700; the first 4-digit year found in ``dc:date`` is 260 $c.
    """
    values: dict[str, list[str]] = {}
    for child in element.iter(f"{{{DC_NS}}}*"):
        text = " ".join((child.text or "").split())
        if text:
            values.setdefault(_local(child.tag), []).append(text)
    if not values.get("title"):
        raise MetadataError("Dublin Core record has no dc:title")
    record = pymarc.Record(force_utf8=True, leader="     nam a22     uu 4500")
    if identifier:
        record.add_field(Field(tag="001", data=identifier))
    year = next(
        (m.group(1) for d in values.get("date", []) if (m := _YEAR.search(d))), ""
    )
    for lang in values.get("language", [])[:1]:
        record.add_field(_field("041", "a", lang))
    creators = values.get("creator", [])
    if creators:
        record.add_field(_field("100", "a", creators[0], ("1", " ")))
    record.add_field(_field("245", "a", values["title"][0], ("0", "0")))
    for extra in values["title"][1:]:
        record.add_field(_field("246", "a", extra, ("3", " ")))
    publishers = values.get("publisher", [])
    if publishers or year:
        subfields = [Subfield("b", p) for p in publishers[:1]]
        if year:
            subfields.append(Subfield("c", year))
        record.add_field(Field(tag="260", indicators=Indicators(" ", " "), subfields=subfields))
    for tag, name, code in (
        ("520", "description", "a"),
        ("540", "rights", "a"),
        ("650", "subject", "a"),
        ("655", "type", "a"),
    ):
        for value in values.get(name, []):
            record.add_field(_field(tag, code, value, (" ", "4") if tag == "650" else (" ", " ")))
    for name in creators[1:] + values.get("contributor", []):
        if name not in creators[:1]:
            record.add_field(_field("700", "a", name, ("1", " ")))
    for value in values.get("identifier", []):
        if value.startswith(("http://", "https://")):
            record.add_field(_field("856", "u", value, ("4", "0")))
        else:
            record.add_field(_field("024", "a", value, ("8", " ")))
    return record


def read_metadata(
    element: etree._Element, metadata_format: str, *, identifier: str = ""
) -> pymarc.Record:
    """The record inside a protocol's ``metadata`` / ``recordData`` element, in its format."""
    fmt = metadata_format.lower()
    if fmt in DC_FORMATS or element.find(f".//{{{OAI_DC_NS}}}dc") is not None or (
        _local(element.tag) == "dc"
    ):
        if fmt not in MARC_FORMATS:
            return dc_to_record(element, identifier=identifier)
    marc = find_marc_record(element)
    if marc is None:
        raise MetadataError(f"no MARCXML record in the {metadata_format!r} metadata")
    return marcxml_to_record(marc)


def control_number(record: pymarc.Record) -> str:
    """A harvested record's 001 (the library's own record number), stripped; empty when absent."""
    field_001 = record.get("001")
    return (field_001.data or "").strip() if field_001 is not None else ""


def repairs_for(record: pymarc.Record) -> list[Repair]:
    """Repairs to report for a record whose text carries a replaced illegal XML character."""
    found: list[Repair] = []
    for fld in record.fields:
        if fld.is_control_field():
            if REPLACEMENT in (fld.data or ""):
                found.append(Repair(fld.tag, "(illegal XML character)", fld.data,
                                    "xml-illegal-character"))
            continue
        for sub in fld.subfields:
            if REPLACEMENT in sub.value:
                found.append(
                    Repair(f"{fld.tag}${sub.code}", "(illegal XML character)", sub.value,
                           "xml-illegal-character")
                )
    return found
