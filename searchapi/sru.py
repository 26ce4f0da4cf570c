"""``GET /sru``: an SRU 1.2 / 2.0 server over the union catalogue (explain, searchRetrieve).

Queries are CQL, translated by :mod:`searchapi.cql` onto the reader API's query builder, and
ranked with the reader API's relevance sort, so the same Vietnamese query finds the same books in
the same order as ``/api/v1/search``. Records are the book's MARC 21 record (``marcxml``, made by
:mod:`searchapi.exports` as the record export is) or Dublin Core (``dc``).

Which MARC record a hit carries: the book's preferred record, except when the whole query is
restricted to a library (``mucluc.library = X and …``): then it is library X's own record of the
book, with X's own control number and holdings. That is what another catalogue harvesting
library X over SRU must receive (a librarian's identifier is the one in their own system).

Every refusal is an SRU diagnostic in XML with HTTP 200 (the standard URIs), never a JSON error;
the engine being down is diagnostic 1 with HTTP 503 and ``Retry-After``. ``resultSetTTL`` and
``sortKeys`` are accepted and ignored (result sets are not kept; sort with CQL ``sortby``).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from lxml import etree

from indexer.store import QueryTooComplex
from mucluc.core.errors import EngineError
from searchapi import exports, sru_response
from searchapi.cql import INDEXES, CQLDiagnostic, Query, translate
from searchapi.search import SORTS, TIEBREAK
from searchapi.state import STORE

VERSIONS = ("1.1", "1.2", "2.0")
DEFAULT_VERSION = "1.2"
DEFAULT_RECORDS = 10
MAX_RECORDS = 100
# The engine's result window (index.max_result_window): positions past it cannot be read by
# from/size, so they are refused with diagnostic 61 rather than failing in the engine.
MAX_POSITION = 10_000
PACKINGS = ("xml", "string")
SOURCE = ["display", "members"]
TITLE = "Mục lục — mục lục liên thông thư viện"


class _Refusal(Exception):
    def __init__(self, number: int, message: str, details: str = "") -> None:
        super().__init__(message)
        self.number, self.message, self.details = number, message, details


def _xml(body: bytes, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(body=body, status=status, content_type=sru_response.CONTENT_TYPE,
                        charset="utf-8", headers=headers)


def _number(query: Any, name: str, default: int, low: int) -> int:
    raw = query.get(name, "").strip()
    if raw == "":
        return default
    if not raw.isascii() or not raw.isdigit() or int(raw) < low:
        raise _Refusal(6, "Unsupported parameter value", name)
    return int(raw)


def _version(query: Any) -> str:
    version = query.get("version", "").strip() or DEFAULT_VERSION
    if version not in VERSIONS:
        raise _Refusal(5, "Unsupported version", "1.2")
    return version


async def sru(request: web.Request) -> web.Response:
    query = request.query
    try:
        version = _version(query)
    except _Refusal as refusal:
        return _xml(sru_response.diagnostic_response(
            "explainResponse", DEFAULT_VERSION, refusal.number, refusal.message, refusal.details))
    operation = query.get("operation", "").strip()
    if not operation:
        operation = "searchRetrieve" if "query" in query else "explain"
    if operation == "explain":
        return _xml(_explain(request, version))
    if operation != "searchRetrieve":
        return _xml(sru_response.diagnostic_response(
            "searchRetrieveResponse", version, 4, "Unsupported operation", operation))
    try:
        return _xml(await _search_retrieve(request, version))
    except _Refusal as refusal:
        body = sru_response.diagnostic_response(
            "searchRetrieveResponse", version, refusal.number, refusal.message, refusal.details)
        return _xml(body)
    except CQLDiagnostic as diagnostic:
        body = sru_response.diagnostic_response(
            "searchRetrieveResponse", version, diagnostic.number, diagnostic.message,
            diagnostic.details)
        return _xml(body)
    except QueryTooComplex:
        body = sru_response.diagnostic_response(
            "searchRetrieveResponse", version, 38, "Too many boolean operators in query",
            "the query has too many words or parts for one search")
        return _xml(body)
    except EngineError:
        body = sru_response.diagnostic_response(
            "searchRetrieveResponse", version, 1, "General system error",
            "the catalogue's search engine is not answering; try again shortly")
        return _xml(body, status=503, headers={"Retry-After": "5"})


def _explain(request: web.Request, version: str) -> bytes:
    indexes: dict[str, list[str]] = {}
    for name in INDEXES:
        set_name, index = name.split(".", 1)
        canonical = {"serverchoice": "serverChoice", "allrecords": "allRecords"}.get(index, index)
        indexes.setdefault(set_name, []).append(canonical)
    return sru_response.explain(
        version, request.url.host or "localhost", request.url.port or 80, "sru", TITLE,
        indexes, MAX_RECORDS, DEFAULT_RECORDS,
    )


def _body(translated: Query) -> dict[str, Any]:
    sort = SORTS["relevance"]
    if translated.sort is not None:
        field, descending = translated.sort
        if field == "year":
            sort = SORTS["year" if descending else "year_asc"]
        else:
            sort = [{"title_sort": {"order": "desc" if descending else "asc",
                                    "missing": "_last"}}, TIEBREAK]
    return {
        "query": {"bool": {"must": [translated.dsl], "filter": []}},
        "sort": sort,
        "track_total_hits": True,
        "_source": SOURCE,
    }


async def _search_retrieve(request: web.Request, version: str) -> bytes:
    query = request.query
    text = query.get("query", "")
    if not text.strip():
        raise _Refusal(7, "Mandatory parameter not supplied", "query")
    start = _number(query, "startRecord", 1, 1)
    maximum = min(_number(query, "maximumRecords", DEFAULT_RECORDS, 0), MAX_RECORDS)
    requested = query.get("recordSchema", "").strip() or "marcxml"
    schema_name = sru_response.SCHEMA_ALIASES.get(requested.lower())
    if schema_name is None:
        raise _Refusal(66, "Unknown schema for retrieval", requested)
    schema = sru_response.SCHEMAS[schema_name]
    packing_name = "recordXMLEscaping" if version == "2.0" else "recordPacking"
    packing = (query.get(packing_name, "") or query.get("recordPacking", "")).strip() or "xml"
    if packing not in PACKINGS:
        raise _Refusal(71, "Unsupported record packing", packing)
    if start > MAX_POSITION or start + maximum - 1 > MAX_POSITION:
        raise _Refusal(61, "First record position out of range",
                       f"positions reach {MAX_POSITION} at most")
    translated = translate(text)
    body = _body(translated)
    body["from"] = start - 1
    body["size"] = maximum
    store = request.app[STORE]
    response = await store.search("union", body, doing="answering SRU searchRetrieve")
    total = response["hits"]["total"]["value"]
    hits = response["hits"]["hits"]
    if total and start > total and maximum:
        raise _Refusal(61, "First record position out of range", str(start))
    if schema_name == "dc":
        records = [(schema.identifier, sru_response.dc_record(h["_source"].get("display", {}),
                                                              h["_id"])) for h in hits]
    else:
        records = await _marc_records(request, version, hits, translated.libraries, schema)
    echo = {"version": version, "query": text, "startRecord": str(start),
            "maximumRecords": str(maximum), "recordSchema": requested}
    return sru_response.search_retrieve(version, total, records, packing=packing,
                                        start=start, echo=echo)


def _member(source: dict[str, Any], libraries: list[str]) -> str | None:
    members = source.get("members", [])
    for code in libraries:
        for member in members:
            if member.startswith(f"{code}:"):
                return member
    preferred = source.get("display", {}).get("preferred")
    return preferred or (members[0] if members else None)


async def _marc_records(
    request: web.Request, version: str, hits: list[dict[str, Any]], libraries: list[str],
    schema: sru_response.Schema,
) -> list[tuple[str, etree._Element]]:
    chosen = [_member(h["_source"], libraries) for h in hits]
    found = await request.app[STORE].mget(
        "records", [c for c in chosen if c], source=["marc"], doing="reading MARC records for SRU"
    )
    records = []
    for member in chosen:
        marc = found.get(member, {}).get("marc") if member else None
        if not marc:
            records.append(sru_response.surrogate(version, 64, "Record temporarily unavailable"))
            continue
        xml = exports.marcxml(exports.marc_record(marc))
        records.append((schema.identifier, etree.fromstring(xml)))
    return records
