"""``GET /api/v1/records/{id}``: one book with its holdings and every member record.

``?format=`` gives an export instead of the JSON record: ``marcxml``, ``iso2709`` (``marc``),
``marc-json`` of the preferred member's MARC record, or ``ris``, ``bibtex``, ``csl-json`` made
from the display fields (see :mod:`searchapi.exports`).
"""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from indexer.store import Store
from mucluc.core.errors import ApiError
from searchapi import exports
from searchapi.hits import record
from searchapi.state import STORE

RECORD_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MEMBER_SOURCE = ["library", "local_id", "source", "harvested_at", "fields"]


MAX_HOPS = 10  # a chain of merges longer than this is not followed (and cannot loop)


async def surviving_id(store: Store, doc_id: str) -> str | None:
    """The union id a vanished record ``doc_id`` lives on as, or None.

    Follows ``merged_into`` of its tombstone (and of the next one, when the survivor was itself
    merged later) to a union record that exists. None when ``doc_id`` exists itself, was
    deleted without a survivor, or was never known.
    """
    current = doc_id
    for _ in range(MAX_HOPS):
        if current != doc_id and await store.get(
            "union", current, source=["libraries"], doing="reading a record"
        ) is not None:
            return current
        stone = await store.get("tombstones", current, source=["merged_into"],
                                doing="reading a tombstone")
        if not stone or not stone.get("merged_into"):
            return None
        current = stone["merged_into"]
    return None


async def _union(store: Store, doc_id: str, query: str = "") -> dict[str, Any]:
    found = await store.get("union", doc_id, doing="reading a record")
    if found is None:
        survivor = await surviving_id(store, doc_id)
        if survivor is not None:
            location = f"/api/v1/records/{survivor}" + (f"?{query}" if query else "")
            raise web.HTTPMovedPermanently(location)
        raise ApiError(404, "not_found", f"No record with id {doc_id}.")
    return found


async def _members(store: Store, ids: list[str]) -> list[dict[str, Any]]:
    found = await store.mget("records", ids, source=MEMBER_SOURCE, doing="reading member records")
    members = []
    for doc_id in ids:  # in the union document's order
        if doc_id not in found:
            continue
        member = found[doc_id]
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


async def _preferred_marc(store: Store, source: dict[str, Any]) -> Any:
    display = source.get("display", {})
    candidates = [display.get("preferred"), *source.get("members", [])]
    for member_id in [c for c in candidates if c]:
        found = await store.get(
            "records", member_id, source=["marc"], doing="reading a MARC record"
        )
        if found and found.get("marc"):
            return found["marc"]
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
    store = request.app[STORE]
    source = await _union(store, doc_id, request.query_string)
    if name is None:
        members = await _members(store, source.get("members", []))
        return web.json_response(record(source, doc_id, members))
    export = exports.EXPORTS[name]
    if export.from_marc:
        marc = exports.marc_record(await _preferred_marc(store, source))
        body = exports.MARC_WRITERS[name](marc)
    else:
        body = exports.DISPLAY_WRITERS[name](source.get("display", {}), doc_id)
    return web.Response(
        body=body,
        content_type=export.content_type,
        charset="utf-8" if name != "iso2709" else None,
        headers={"Content-Disposition": f'inline; filename="{doc_id}.{export.extension}"'},
    )
