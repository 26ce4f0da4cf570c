"""The OpenAPI description of the interconnection routes: ``/sru``, the Atom feed and the
OpenSearch description with its suggestions (kept apart so :mod:`searchapi.openapi` stays small).
"""

from __future__ import annotations

from typing import Any

from searchapi.feed import FEED_SORTS, MAX_ENTRIES
from searchapi.openapi import (
    COMMON_ERRORS,
    SEARCH_PARAMETERS,
    STRING,
    STRINGS,
    _error,
    _query,
)
from searchapi.search import FILTERS, MAX_QUERY_LENGTH
from searchapi.suggest import MAX_CHARS

FILTER_PARAMETERS = [p for p in SEARCH_PARAMETERS if p["name"] in FILTERS]
XML_TEXT = {"type": "string"}
# /sru answers every refusal with an SRU diagnostic in XML (HTTP 200), as the standard says.
PATHS: dict[str, Any] = {
    "/sru": {
        "get": {
            "operationId": "sru",
            "summary": "SRU 1.2 / 2.0: explain, searchRetrieve with CQL (docs/api.md).",
            "parameters": [
                _query("operation", STRING, "`explain` (default without a query) or "
                       "`searchRetrieve`."),
                _query("version", STRING, "`1.2` (default), `1.1` or `2.0`."),
                _query("query", {"type": "string", "maxLength": MAX_QUERY_LENGTH},
                       "CQL: dc.title, dc.creator, dc.subject, dc.date, dc.publisher, bath.isbn, "
                       "rec.identifier, mucluc.library, cql.serverChoice; and/or/not; "
                       "= all any adj exact; right truncation *."),
                _query("startRecord", {"type": "integer", "minimum": 1}, "First position."),
                _query("maximumRecords", {"type": "integer", "minimum": 0},
                       "Records per response (at most 100)."),
                _query("recordSchema", STRING, "`marcxml` (default) or `dc`."),
                _query("recordPacking", STRING, "`xml` (default) or `string` (1.x)."),
                _query("recordXMLEscaping", STRING, "`xml` (default) or `string` (2.0)."),
                _query("resultSetTTL", STRING, "Accepted and ignored."),
            ],
            "responses": {
                "200": {"description": "An SRU response (records, explain, or diagnostics).",
                        "content": {"application/xml": {"schema": XML_TEXT}}},
                "429": _error("Too many requests from this address (see Retry-After)."),
                "503": {"description": "The engine is not answering: SRU diagnostic 1.",
                        "content": {"application/xml": {"schema": XML_TEXT}}},
            },
        }
    },
    "/api/v1/feed": {
        "get": {
            "operationId": "feed",
            "summary": "An Atom feed of a query, e.g. `library=DBI&sort=newest`.",
            "parameters": [
                _query("q", {"type": "string", "maxLength": MAX_QUERY_LENGTH},
                       "Query, as in /api/v1/search (empty: every book)."),
                _query("sort", {"type": "string", "enum": ["", *FEED_SORTS]},
                       "Order (empty: relevance with a query, else newest)."),
                _query("size", {"type": "integer", "minimum": 1, "maximum": MAX_ENTRIES},
                       "Entries."),
                *FILTER_PARAMETERS,
            ],
            "responses": {
                "200": {"description": "Atom 1.0 feed.",
                        "content": {"application/atom+xml": {"schema": XML_TEXT}}},
                "400": _error("A parameter or the query is invalid."),
                **COMMON_ERRORS,
            },
        }
    },
    "/opensearch.xml": {
        "get": {
            "operationId": "opensearchDescription",
            "summary": "OpenSearch description: add Mục lục to a browser's search engines.",
            "responses": {
                "200": {"description": "OpenSearch 1.1 description document.",
                        "content": {"application/opensearchdescription+xml": {
                            "schema": XML_TEXT}}},
                "429": COMMON_ERRORS["429"],
            },
        }
    },
    "/opensearch/suggest": {
        "get": {
            "operationId": "opensearchSuggest",
            "summary": "Suggestions for a browser's search box: `[query, [completions]]`.",
            "parameters": [
                _query("q", {"type": "string", "maxLength": MAX_CHARS}, "Typed text."),
            ],
            "responses": {
                "200": {"description": "OpenSearch suggestions.",
                        "content": {"application/x-suggestions+json": {"schema": {
                            "type": "array", "minItems": 2, "maxItems": 2,
                            "items": {"anyOf": [STRING, STRINGS]}}}}},
                "400": _error("Overlong text."),
                **COMMON_ERRORS,
            },
        }
    },
}
