"""The OpenAPI 3 description of HTTP API v1, written by hand as data.

Served at ``/api/v1/openapi.json``; the schemathesis test checks the running API against it, so
the document and the handlers cannot drift apart silently.
"""

from __future__ import annotations

from typing import Any

from searchapi.exports import ALIASES as EXPORT_ALIASES
from searchapi.exports import EXPORTS
from searchapi.list_export import EXPORT_LIMIT
from searchapi.oai.openapi import operations as oai_operations
from searchapi.search import FILTERS, MAX_PAGE_SIZE, MAX_QUERY_LENGTH, MAX_WINDOW, SORTS
from searchapi.suggest import MAX_CHARS, MAX_SIZE

STRING = {"type": "string"}
INTEGER = {"type": "integer"}
STRINGS = {"type": "array", "items": STRING}
NULLABLE_INT = {"type": ["integer", "null"]}

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {"code": STRING, "message": STRING},
        }
    },
}
HOLDING = {
    "type": "object",
    "required": ["library", "library_name", "record_id", "call_number", "copies"],
    "properties": {
        "library": STRING,
        "library_name": STRING,
        "record_id": STRING,
        "record_url": {"type": "string", "description": "The record in the library's catalogue."},
        "call_number": {"type": ["string", "null"]},
        "copies": NULLABLE_INT,
    },
}
HIT = {
    "type": "object",
    "required": [
        "id",
        "title",
        "part",
        "authors",
        "year",
        "publisher",
        "isbns",
        "subjects",
        "type",
        "languages",
        "holdings",
        "highlight",
    ],
    "properties": {
        "id": STRING,
        "title": STRING,
        "subtitle": STRING,
        "part": {"type": "string", "description": "Volume or part, e.g. `T. 1` (245 $n $p)."},
        "authors": STRINGS,
        "year": NULLABLE_INT,
        "publisher": STRING,
        "isbns": STRINGS,
        "subjects": STRINGS,
        "type": STRING,
        "languages": STRINGS,
        "holdings": {"type": "array", "items": HOLDING},
        "highlight": {"type": "object", "additionalProperties": STRINGS},
        "work": {
            "type": "object",
            "description": "The work this edition belongs to (later editions, printings and "
            "translations share it; other volumes of a set do not): its id (for `work=`), how "
            "many editions of it the catalogue holds and in how many libraries.",
            "required": ["id", "editions", "libraries"],
            "properties": {"id": STRING, "editions": INTEGER, "libraries": INTEGER},
        },
    },
}
FACET = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["value", "label", "count"],
        "properties": {"value": {"type": ["string", "integer"]}, "label": STRING, "count": INTEGER},
    },
}
SEARCH_RESULT = {
    "type": "object",
    "required": ["total", "page", "size", "hits", "facets", "suggestion", "next_cursor"],
    "properties": {
        "total": INTEGER,
        "page": INTEGER,
        "size": INTEGER,
        "hits": {"type": "array", "items": HIT},
        "facets": {
            "type": "object",
            "required": [*FILTERS, "year"],
            "properties": {name: FACET for name in [*FILTERS, "year"]},
        },
        "suggestion": {"type": ["string", "null"]},
        "next_cursor": {"type": ["string", "null"]},
    },
}
# JSON exports (media types ending in +json) are validated as JSON; the others are text/bytes.
EXPORT_SCHEMAS: dict[str, dict[str, Any]] = {
    "marc-json": {"type": "object", "required": ["leader", "fields"]},
    "csl-json": {"type": "array", "items": {"type": "object", "required": ["id", "type"]}},
}
# A result list exported (search with `format=`): MARC-in-JSON and CSL-JSON are JSON arrays.
LIST_EXPORT_SCHEMAS: dict[str, dict[str, Any]] = {
    "marc-json": {"type": "array", "items": EXPORT_SCHEMAS["marc-json"]},
    "csl-json": EXPORT_SCHEMAS["csl-json"],
}
RECORD = {
    "type": "object",
    "required": [*HIT["required"], "members"],
    "properties": {
        **HIT["properties"],
        "holdings": {"type": "array", "items": {"type": "object"}},
        "members": {"type": "array", "items": {"type": "object"}},
    },
}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ERROR}}}


# What a client does next with a page of results (and what stateful API tests follow).
SEARCH_LINKS = {
    "FirstHit": {
        "operationId": "getRecord",
        "parameters": {"id": "$response.body#/hits/0/id"},
        "description": "The first book of the page, in full.",
    },
    "NextPage": {
        "operationId": "search",
        "parameters": {
            "q": "$request.query.q",
            "sort": "$request.query.sort",
            "size": "$request.query.size",
            "cursor": "$response.body#/next_cursor",
        },
        "description": "The next page of the same search, past the paging cap too.",
    },
}


def _json(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


COMMON_ERRORS = {
    "429": _error("Too many requests from this address (see Retry-After)."),
    "503": _error("The search engine is not answering (see Retry-After)."),
}

SEARCH_PARAMETERS = [
    _query(
        "q",
        {"type": "string", "maxLength": MAX_QUERY_LENGTH},
        "Query: free text, `title:` `author:` `subject:` `publisher:` `isbn:` `year:A..B` "
        "(or in Vietnamese, with or without diacritics: `nhan đề:` `tác giả:` `chủ đề:` `nxb:` "
        '`năm:`), "phrases", AND/OR/NOT, -term, parentheses. Empty or `*`: every book (browse '
        "with filters and `sort`).",
    ),
    _query(
        "page",
        {"type": "integer", "minimum": 1, "maximum": MAX_WINDOW},
        f"Page number; pages reach the first {MAX_WINDOW} results.",
    ),
    _query("size", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}, "Hits per page."),
    _query(
        "sort", {"type": "string", "enum": ["", *SORTS]}, "Order of the hits (empty: relevance)."
    ),
    _query("year_from", {"type": "integer", "minimum": 0, "maximum": 9999}, "Earliest year."),
    _query("year_to", {"type": "integer", "minimum": 0, "maximum": 9999}, "Latest year."),
    _query("cursor", STRING, "`next_cursor` of the previous page (same query, sort and size)."),
    _query(
        "group",
        {"type": "string", "enum": ["", "edition", "work"]},
        "`work`: one hit per work (its best edition under `sort`), `total` counts works; pages "
        "by `page` only (no `cursor`). Empty or `edition`: one hit per edition.",
    ),
    _query(
        "work",
        {"type": "string", "pattern": "^([0-9a-f]{16})?$"},
        "Only the editions of this work (a hit's `work.id`).",
    ),
    _query(
        "format",
        {"type": "string", "enum": ["", "json", *EXPORTS, *EXPORT_ALIASES]},
        f"Export the result list instead of a page of JSON: the first {EXPORT_LIMIT} books, "
        "streamed (`page`, `size`, `cursor` ignored; counts in X-Total-Count and "
        "X-Export-Count). JSON when absent.",
    ),
    *[
        {
            **_query(
                name,
                {"type": "array", "items": STRING, "maxItems": 20},
                f"Filter on {name} (repeat for several values).",
            ),
            "style": "form",
            "explode": True,
        }
        for name in FILTERS
    ],
]


def document() -> dict[str, Any]:
    """The OpenAPI 3.1 document of API v1."""
    from searchapi.openapi_console import SECURITY_SCHEMES, paths  # they use this module's parts
    from searchapi.openapi_sru import PATHS as INTERCONNECTION_PATHS

    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Mục lục — union catalogue of Điện Biên public libraries",
            "version": "1",
            "description": "Search every library at once, in Vietnamese, with or without "
            "diacritics. One hit per book, with every library that holds it.",
            "license": {"name": "GPL-3.0-or-later"},
        },
        "paths": {
            "/api/v1/search": {
                "get": {
                    "operationId": "search",
                    "summary": "Search the union catalogue.",
                    "parameters": SEARCH_PARAMETERS,
                    "responses": {
                        "200": {
                            **_json("One page of books, facets and a suggestion.", SEARCH_RESULT),
                            "links": SEARCH_LINKS,
                        }
                        | {
                            "content": {
                                "application/json": {"schema": SEARCH_RESULT},
                                **{
                                    e.content_type: {
                                        "schema": LIST_EXPORT_SCHEMAS.get(name, STRING)
                                    }
                                    for name, e in EXPORTS.items()
                                },
                            }
                        },
                        "400": _error("A parameter or the query is invalid."),
                        **COMMON_ERRORS,
                    },
                }
            },
            "/api/v1/records/{id}": {
                "get": {
                    "operationId": "getRecord",
                    "summary": "One book, or an export of it.",
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"},
                        },
                        _query(
                            "format",
                            {"type": "string", "enum": ["", "json", *EXPORTS, *EXPORT_ALIASES]},
                            "Export format; JSON when absent.",
                        ),
                    ],
                    "responses": {
                        "200": {
                            "description": "The record, or the export.",
                            "content": {
                                "application/json": {"schema": RECORD},
                                **{
                                    e.content_type: {"schema": EXPORT_SCHEMAS.get(name, STRING)}
                                    for name, e in EXPORTS.items()
                                },
                            },
                        },
                        "301": {"description": "The book was merged into another: its id is "
                                "in Location."},
                        "400": _error("Bad id or format."),
                        "404": _error("No such record."),
                        **COMMON_ERRORS,
                    },
                }
            },
            "/api/v1/suggest": {
                "get": {
                    "operationId": "suggest",
                    "summary": "Completions of titles and authors as the reader types.",
                    "parameters": [
                        _query("q", {"type": "string", "maxLength": MAX_CHARS}, "Typed text."),
                        _query(
                            "size",
                            {"type": "integer", "minimum": 1, "maximum": MAX_SIZE},
                            "How many completions.",
                        ),
                    ],
                    "responses": {
                        "200": _json(
                            "Completions, exact-diacritic matches first.",
                            {
                                "type": "object",
                                "required": ["q", "suggestions"],
                                "properties": {
                                    "q": STRING,
                                    "suggestions": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "required": ["text", "kind"],
                                            "properties": {
                                                "text": STRING,
                                                "kind": {"enum": ["title", "author"]},
                                            },
                                        },
                                    },
                                },
                            },
                        ),
                        "400": _error("Bad size or overlong text."),
                        **COMMON_ERRORS,
                    },
                }
            },
            "/api/v1/libraries": {
                "get": {
                    "operationId": "libraries",
                    "summary": "The contributing libraries and what they hold.",
                    "responses": {
                        "200": _json(
                            "Every library with its record and book counts.",
                            {
                                "type": "object",
                                "required": ["libraries"],
                                "properties": {
                                    "libraries": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "required": [
                                                "code",
                                                "name",
                                                "kind",
                                                "parent",
                                                "records",
                                                "books",
                                            ],
                                            "properties": {
                                                "code": STRING,
                                                "name": STRING,
                                                "kind": {
                                                    "enum": ["provincial", "district", "school"]
                                                },
                                                "parent": {"type": ["string", "null"]},
                                                "records": INTEGER,
                                                "books": INTEGER,
                                            },
                                        },
                                    }
                                },
                            },
                        ),
                        **COMMON_ERRORS,
                    },
                }
            },
            "/oai": oai_operations(COMMON_ERRORS, _error),
            "/health": {
                "get": {
                    "operationId": "health",
                    "summary": "Can searches be answered now?",
                    "responses": {
                        "200": _json(
                            "Up: the engine answers and the catalogue's index is not red.",
                            {
                                "type": "object",
                                "required": ["status", "engine", "catalogue"],
                                "properties": {
                                    "status": STRING,
                                    "engine": {"enum": ["green", "yellow", "red"]},
                                    "catalogue": {
                                        "enum": ["green", "yellow", "missing"],
                                    },
                                },
                            },
                        ),
                        "503": _error(
                            "The engine is not answering, or the catalogue's index is red "
                            "(recovering after a restart)."
                        ),
                    },
                }
            },
            **INTERCONNECTION_PATHS,
            **paths(COMMON_ERRORS, _error, _json, _query),
        },
        "components": {"securitySchemes": SECURITY_SCHEMES},
    }
