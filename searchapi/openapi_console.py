"""The OpenAPI description of the key-protected routes: uploads, upload jobs and statistics.

Kept apart from :mod:`searchapi.openapi` (the public search API) and merged into the same
document, so the schemathesis test checks these handlers too: without a key (401, the documented
error) and with an administrator's key (statistics and jobs answered for real).
"""

from __future__ import annotations

from typing import Any

from searchapi.console.stats import MAX_DAYS, MAX_SIZE, SECTIONS
from searchapi.console.uploads import FORMATS
from searchapi.openapi import INTEGER, NULLABLE_INT, STRING

OBJECT = {"type": "object"}
NULLABLE_STRING = {"type": ["string", "null"]}
NULLABLE_OBJECT = {"type": ["object", "null"]}
ROWS = {"type": "array", "items": OBJECT}
BEARER = [{"bearer": []}]
SECURITY_SCHEMES = {
    "bearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "A library's key from `mucluc access grant CODE` (`mlk_<id>.<secret>`).",
    }
}
JOB_STATES = ["queued", "running", "done", "failed"]
JOB = {
    "type": "object",
    "required": ["id", "library", "state", "file", "format", "mode", "created_at"],
    "properties": {
        "id": STRING,
        "library": STRING,
        "key_id": NULLABLE_STRING,
        "state": {"enum": JOB_STATES},
        "file": STRING,
        "format": STRING,
        "bytes": NULLABLE_INT,
        "records": NULLABLE_INT,
        "mode": {"enum": ["add", "replace"]},
        "confirm": NULLABLE_INT,
        "replace": NULLABLE_OBJECT,
        "created_at": STRING,
        "started_at": NULLABLE_STRING,
        "finished_at": NULLABLE_STRING,
        "progress": NULLABLE_OBJECT,
        "error": NULLABLE_STRING,
        "report": NULLABLE_OBJECT,
    },
}
QUEUED = {
    "type": "object",
    "required": ["id", "state", "report", "links"],
    "properties": {
        "id": STRING,
        "state": {"enum": JOB_STATES},
        "report": {"type": "null"},
        "links": {
            "type": "object",
            "required": ["self", "page"],
            "properties": {"self": STRING, "page": STRING},
        },
    },
}
HOLDINGS = {
    "type": "object",
    "required": ["targets", "progress", "province", "kinds", "libraries"],
    "properties": {"province": OBJECT, "kinds": ROWS, "libraries": ROWS},
}
SEARCHES = {
    "type": "object",
    "required": ["from", "to", "total", "days", "sites"],
    "properties": {"total": INTEGER, "days": ROWS, "sites": ROWS},
}
SECTION_SCHEMAS: dict[str, dict[str, Any]] = {
    "holdings": HOLDINGS,
    "quality": {"type": "object", "required": ["province", "kinds", "libraries"]},
    "growth": {"type": "object", "required": ["library", "months"]},
    "searches": SEARCHES,
    "zero-results": {"type": "object", "required": ["days", "queries"]},
    "top": {"type": "object", "required": ["days", "queries", "titles", "subjects"]},
}
EVERYTHING = {
    "type": "object",
    "required": [
        "scope",
        "holdings",
        "growth",
        "searches",
        "zero_results",
        "top_queries",
        "top_titles",
        "top_subjects",
    ],
    "properties": {"holdings": HOLDINGS, "searches": SEARCHES},
}


def paths(common_errors: dict[str, Any], error: Any, json: Any, query: Any) -> dict[str, Any]:
    """The paths, built from the main document's helpers (``error(description)`` → a JSON error
    response, ``json(description, schema)``, ``query(name, schema, description)``)."""
    denied = {
        "401": error("No key, or the key is not valid (or was revoked)."),
        "403": error("The key may not act for this library."),
    }
    library = {
        "name": "code",
        "in": "path",
        "required": True,
        "schema": STRING,
        "description": "The library's code (see /api/v1/libraries).",
    }
    stats_query = [
        query(
            "library", STRING, "Narrow to one library (administrators: any; librarians: their own)."
        ),
        query(
            "days",
            {"type": "integer", "minimum": 1, "maximum": MAX_DAYS},
            "Days of search counters to include (default 30).",
        ),
        query(
            "size",
            {"type": "integer", "minimum": 1, "maximum": MAX_SIZE},
            "Length of the top and zero-result lists (default 50).",
        ),
    ]
    return {
        "/api/v1/libraries/{code}/uploads": {
            "post": {
                "operationId": "upload",
                "summary": "Send a catalogue file (MARC, MARCXML, CSV or .xlsx) to be loaded.",
                "description": "The file is checked whole before anything is written; the "
                "answer is the queued job (follow `links.self`). `mode=replace` removes the "
                "library's holdings that are not in the file, and needs `confirm` = how many.",
                "security": BEARER,
                "parameters": [
                    library,
                    query("filename", STRING, "The file's name (or Content-Disposition)."),
                    query(
                        "format",
                        {"enum": list(FORMATS)},
                        "The file's format (default: recognised from its content).",
                    ),
                    query("mode", {"enum": ["add", "replace"]}, "Add (default) or replace."),
                    query(
                        "confirm",
                        {"type": "string", "pattern": "^[0-9]{1,9}$"},
                        "For replace: the number of holdings you agree to remove.",
                    ),
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/octet-stream": {
                            "schema": {"type": "string", "format": "binary"}
                        },
                    },
                },
                "responses": {
                    "202": json("Queued: the job, with its links.", QUEUED),
                    "400": error(
                        "Empty file, unknown format, a refused workbook (ZIP bomb) "
                        "or a bad mode/confirm."
                    ),
                    **denied,
                    "404": error("No library has this code."),
                    "408": error("Sending the file took too long."),
                    "413": error("The file is larger than the upload limit."),
                    **common_errors,
                },
            }
        },
        "/api/v1/jobs/{id}": {
            "get": {
                "operationId": "job",
                "summary": "An upload job: state, progress and, when done, its report.",
                "security": BEARER,
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": STRING}],
                "responses": {
                    "200": json("The job.", JOB),
                    **denied,
                    "404": error("There is no such job."),
                    **common_errors,
                },
            }
        },
        "/api/v1/stats": {
            "get": {
                "operationId": "stats",
                "summary": "Every indicator of the plan at once (holdings, growth, quality, "
                "searches, zero-result and top lists).",
                "security": BEARER,
                "parameters": stats_query,
                "responses": {
                    "200": json("The indicators the key may see.", EVERYTHING),
                    "400": error("Bad days or size."),
                    **denied,
                    "404": error("No library has this code."),
                    **common_errors,
                },
            }
        },
        "/api/v1/stats/{section}": {
            "get": {
                "operationId": "stats_section",
                "summary": "One indicator.",
                "security": BEARER,
                "parameters": [
                    {
                        "name": "section",
                        "in": "path",
                        "required": True,
                        "schema": {"enum": list(SECTIONS)},
                    },
                    *stats_query,
                ],
                "responses": {
                    "200": json("The indicator.", {"anyOf": list(SECTION_SCHEMAS.values())}),
                    "400": error("Bad days or size."),
                    **denied,
                    "404": error("No such indicator, or no library has this code."),
                    **common_errors,
                },
            }
        },
    }
