"""``GET /api/v1/records/{id}``: one book with its holdings and every member record.

``?format=`` gives an export instead of the JSON record: ``marcxml``, ``iso2709`` (``marc``),
``marc-json`` of the preferred member's MARC record, or ``ris``, ``bibtex``, ``csl-json`` made
from the display fields (see :mod:`searchapi.exports`).
"""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web
from opensearchpy import AsyncOpenSearch
from opensearchpy.exceptions import NotFoundError, OpenSearchException

from indexer.engine import translate
from mucluc.core.errors import ApiError
from searchapi import exports
from searchapi.hits import record
from searchapi.state import ENGINE, PREFIX

RECORD_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MEMBER_SOURCE = "library,local_id,source,harvested_at,fields"


async def _union(engine: AsyncOpenSearch, prefix: str, doc_id: str) -> dict[str, Any]:
    try:
        found = await engine.get(index=f"{prefix}-union", id=doc_id)
    except NotFoundError:
        raise ApiError(404, "not_found", f"No record with id {doc_id}.") from None
    except OpenSearchException as exc:
        raise translate(exc, "reading a record") from exc
    return found["_source"]


async def _members(engine: AsyncOpenSearch, prefix: str, ids: list[str]) -> list[dict[str, Any]]:
    if not ids:
        return []
    try:
        response = await engine.mget(
            index=f"{prefix}-records", body={"ids": ids}, params={"_source_includes": MEMBER_SOURCE}
        )
    except OpenSearchException as exc:
        raise translate(exc, "reading member records") from exc
    members = []
    for doc in response["docs"]:
        if not doc.get("found"):
            continue
        member = doc["_source"]
        fields = member.get("fields", {})
        members.append(
            {
                "library": member["library"],
                "record_id": member["local_id"],
                "source": member.get("source", ""),
                "harvested_at": member.get("harvested_at"),
                "title": fields.get("title", ""),
                "authors": fields.get("authors", []),
                "year": fields.get("year"),
                "publisher": fields.get("publisher", ""),
                "isbns": fields.get("isbns", []),
            }
        )
    return members


async def _preferred_marc(engine: AsyncOpenSearch, prefix: str, source: dict[str, Any]) -> Any:
    display = source.get("display", {})
    candidates = [display.get("preferred"), *source.get("members", [])]
    for member_id in [c for c in candidates if c]:
        try:
            found = await engine.get(
                index=f"{prefix}-records", id=member_id, params={"_source_includes": "marc"}
            )
        except NotFoundError:
            continue
        except OpenSearchException as exc:
            raise translate(exc, "reading a MARC record") from exc
        if found["_source"].get("marc"):
            return found["_source"]["marc"]
    raise ApiError(404, "not_found", "The book's MARC record is no longer in the raw store.")


async def get_record(request: web.Request) -> web.Response:
    doc_id = request.match_info["id"]
    if not RECORD_ID.match(doc_id):
        raise ApiError(400, "bad_id", "A record id has only letters, digits, '-' and '_'.")
    requested = request.query.get("format", "").strip()
    name = exports.resolve(requested) if requested and requested != "json" else None
    if requested and requested != "json" and name is None:
        raise ApiError(
            400,
            "bad_format",
            f"Unknown format {requested!r}; use one of json, {', '.join(exports.EXPORTS)}.",
        )
    engine = request.app[ENGINE]
    prefix = request.app[PREFIX]
    source = await _union(engine, prefix, doc_id)
    if name is None:
        members = await _members(engine, prefix, source.get("members", []))
        return web.json_response(record(source, doc_id, members))
    export = exports.EXPORTS[name]
    if export.from_marc:
        marc = exports.marc_record(await _preferred_marc(engine, prefix, source))
        body = exports.MARC_WRITERS[name](marc)
    else:
        body = exports.DISPLAY_WRITERS[name](source.get("display", {}), doc_id)
    return web.Response(
        body=body,
        content_type=export.content_type,
        charset="utf-8" if name != "iso2709" else None,
        headers={"Content-Disposition": f'inline; filename="{doc_id}.{export.extension}"'},
    )
