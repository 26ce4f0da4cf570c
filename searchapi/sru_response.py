"""SRU response documents: searchRetrieve, explain and diagnostics, in version 1.2 or 2.0.

1.1 and 1.2 share the namespace ``http://www.loc.gov/zing/srw/`` and ``recordPacking``; 2.0
(OASIS searchRetrieve) has its own namespaces and calls packing ``recordXMLEscaping``. The
diagnostic URIs are the same in both (``info:srw/diagnostic/1/<n>``). Records arrive here as
lxml elements (``packing == "xml"``) or are escaped into text (``"string"``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lxml import etree

from searchapi import dublin_core
from searchapi.xml_text import xml_text

SRU_1_NS = "http://www.loc.gov/zing/srw/"
SRU_2_NS = "http://docs.oasis-open.org/ns/search-ws/sruResponse"
DIAG_1_NS = "http://www.loc.gov/zing/srw/diagnostic/"
DIAG_2_NS = "http://docs.oasis-open.org/ns/search-ws/diagnostic"
EXPLAIN_NS = "http://explain.z3950.org/dtd/2.0/"
DIAGNOSTIC_URI = "info:srw/diagnostic/1/{}"
DC_NS = "http://purl.org/dc/elements/1.1/"
SRW_DC_NS = "info:srw/schema/1/dc-schema"
MARC_NS = "http://www.loc.gov/MARC21/slim"
CONTENT_TYPE = "application/xml"
SURROGATE_SCHEMA = "info:srw/schema/1/diagnostics-v1.1"


@dataclass(frozen=True)
class Schema:
    name: str
    identifier: str
    title: str


SCHEMAS: dict[str, Schema] = {
    "marcxml": Schema("marcxml", "info:srw/schema/1/marcxml-v1.1", "MARCXML (MARC 21 slim)"),
    "dc": Schema("dc", "info:srw/schema/1/dc-v1.1", "Dublin Core"),
}
# Names clients send for the same schemas (yaz and Koha say marc21 or MARC21, some send the URI).
SCHEMA_ALIASES = {
    "marcxml": "marcxml", "marc21": "marcxml", "marc": "marcxml", "marcxml-v1.1": "marcxml",
    "info:srw/schema/1/marcxml-v1.1": "marcxml", "info:srw/schema/1/marcxml-v1.2": "marcxml",
    MARC_NS.lower(): "marcxml",
    "dc": "dc", "oai_dc": "dc", "info:srw/schema/1/dc-v1.1": "dc", SRW_DC_NS: "dc",
}  # fmt: skip


def _ns(version: str) -> tuple[str, str]:
    return (SRU_2_NS, DIAG_2_NS) if version == "2.0" else (SRU_1_NS, DIAG_1_NS)


def _root(kind: str, version: str) -> tuple[etree._Element, str]:
    ns, _ = _ns(version)
    root = etree.Element(f"{{{ns}}}{kind}", nsmap={"zs": ns})
    etree.SubElement(root, f"{{{ns}}}version").text = version
    return root, ns


def _diagnostics(parent: etree._Element, version: str, number: int, message: str,
                 details: str) -> None:
    ns, diag_ns = _ns(version)
    container = etree.SubElement(parent, f"{{{ns}}}diagnostics")
    diagnostic = etree.SubElement(container, f"{{{diag_ns}}}diagnostic", nsmap={"diag": diag_ns})
    etree.SubElement(diagnostic, f"{{{diag_ns}}}uri").text = DIAGNOSTIC_URI.format(number)
    if details:
        etree.SubElement(diagnostic, f"{{{diag_ns}}}details").text = xml_text(details)
    etree.SubElement(diagnostic, f"{{{diag_ns}}}message").text = message


def serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def diagnostic_response(kind: str, version: str, number: int, message: str,
                        details: str = "") -> bytes:
    """A whole response that is one fatal diagnostic (``kind`` is the response element:
    ``searchRetrieveResponse`` or ``explainResponse``)."""
    root, ns = _root(kind, version)
    if kind == "searchRetrieveResponse":
        etree.SubElement(root, f"{{{ns}}}numberOfRecords").text = "0"
    _diagnostics(root, version, number, message, details)
    return serialise(root)


def _packed(parent: etree._Element, ns: str, version: str, data: etree._Element,
            packing: str) -> None:
    holder = etree.SubElement(parent, f"{{{ns}}}recordData")
    if packing == "string":
        holder.text = etree.tostring(data, encoding="unicode")
    else:
        holder.append(data)


def search_retrieve(
    version: str,
    total: int,
    records: Sequence[tuple[str, etree._Element]],
    *,
    packing: str,
    start: int,
    echo: Mapping[str, str],
) -> bytes:
    """A searchRetrieveResponse with ``records`` (schema identifier, data) at positions
    ``start``, ``start + 1``…; a record that could not be made is a surrogate diagnostic."""
    root, ns = _root("searchRetrieveResponse", version)
    etree.SubElement(root, f"{{{ns}}}numberOfRecords").text = str(total)
    if records:
        container = etree.SubElement(root, f"{{{ns}}}records")
        for offset, (identifier, data) in enumerate(records):
            record = etree.SubElement(container, f"{{{ns}}}record")
            etree.SubElement(record, f"{{{ns}}}recordSchema").text = identifier
            packing_name = "recordXMLEscaping" if version == "2.0" else "recordPacking"
            etree.SubElement(record, f"{{{ns}}}{packing_name}").text = packing
            _packed(record, ns, version, data, packing)
            etree.SubElement(record, f"{{{ns}}}recordPosition").text = str(start + offset)
    following = start + len(records)
    if records and following <= total:
        etree.SubElement(root, f"{{{ns}}}nextRecordPosition").text = str(following)
    echoed = etree.SubElement(root, f"{{{ns}}}echoedSearchRetrieveRequest")
    for name, value in echo.items():
        etree.SubElement(echoed, f"{{{ns}}}{name}").text = xml_text(value)
    return serialise(root)


def surrogate(version: str, number: int, message: str) -> tuple[str, etree._Element]:
    """A surrogate diagnostic standing in for one record that cannot be sent."""
    _, diag_ns = _ns(version)
    diagnostic = etree.Element(f"{{{diag_ns}}}diagnostic", nsmap={"diag": diag_ns})
    etree.SubElement(diagnostic, f"{{{diag_ns}}}uri").text = DIAGNOSTIC_URI.format(number)
    etree.SubElement(diagnostic, f"{{{diag_ns}}}message").text = message
    return SURROGATE_SCHEMA, diagnostic


def dc_record(display: Mapping[str, Any], doc_id: str) -> etree._Element:
    """Simple Dublin Core of a book's display fields (``srw_dc:dc``)."""
    root = etree.Element(f"{{{SRW_DC_NS}}}dc", nsmap={"srw_dc": SRW_DC_NS, "dc": DC_NS})

    for name, value in dublin_core.elements(display, doc_id):
        etree.SubElement(root, f"{{{DC_NS}}}{name}").text = xml_text(value)
    return root


def explain(version: str, host: str, port: int, database: str, title: str,
            indexes: Mapping[str, Sequence[str]], maximum_records: int,
            default_records: int) -> bytes:
    """The explain response: a ZeeRex record naming the server, indexes, schemas, defaults.

    ``indexes`` maps a context set's name to its index names (``{"dc": ["title", …]}``).
    """
    root, ns = _root("explainResponse", version)
    record = etree.SubElement(root, f"{{{ns}}}record")
    etree.SubElement(record, f"{{{ns}}}recordSchema").text = EXPLAIN_NS
    etree.SubElement(record, f"{{{ns}}}recordPacking" if version != "2.0"
                     else f"{{{ns}}}recordXMLEscaping").text = "xml"
    data = etree.SubElement(record, f"{{{ns}}}recordData")
    z = etree.SubElement(data, f"{{{EXPLAIN_NS}}}explain", nsmap={None: EXPLAIN_NS})

    def sub(parent: etree._Element, tag: str, text: str | None = None,
            **attrs: str) -> etree._Element:
        node = etree.SubElement(parent, f"{{{EXPLAIN_NS}}}{tag}", attrs)
        if text is not None:
            node.text = text
        return node

    server = sub(z, "serverInfo", protocol="SRU", version=version)
    sub(server, "host", host)
    sub(server, "port", str(port))
    sub(server, "database", database)
    info = sub(z, "databaseInfo")
    sub(info, "title", title, lang="vi", primary="true")
    sub(info, "description", "Mục lục liên thông các thư viện (union catalogue)", lang="vi")
    index_info = sub(z, "indexInfo")
    context_sets = {
        "cql": "info:srw/cql-context-set/1/cql-v1.2",
        "dc": "info:srw/cql-context-set/1/dc-v1.1",
        "bath": "http://zing.z3950.org/cql/bath/2.0/",
        "rec": "info:srw/cql-context-set/2/rec-1.1",
        "mucluc": "info:srw/cql-context-set/mucluc/1",
    }
    for name, identifier in context_sets.items():
        sub(index_info, "set", name=name, identifier=identifier)
    for set_name, names in indexes.items():
        for name in names:
            index = sub(index_info, "index", search="true", scan="false", sort=str(
                set_name == "dc" and name in ("date", "title")).lower())
            sub(index, "title", f"{set_name}.{name}")
            mapped = sub(index, "map")
            sub(mapped, "name", name, set=set_name)
    schema_info = sub(z, "schemaInfo")
    for schema in SCHEMAS.values():
        entry = sub(schema_info, "schema", identifier=schema.identifier, name=schema.name,
                    retrieve="true", sort="false")
        sub(entry, "title", schema.title)
    config = sub(z, "configInfo")
    sub(config, "default", str(default_records), type="numberOfRecords")
    sub(config, "setting", str(maximum_records), type="maximumRecords")
    sub(config, "default", "marcxml", type="retrieveSchema")
    sub(config, "default", "cql.serverChoice", type="index")
    sub(config, "default", "=", type="relation")
    sub(config, "supports", "and", type="booleanOperator")
    return serialise(root)
