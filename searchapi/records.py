"""``GET /api/v1/records/{id}``: one book with its holdings and every member record.

``?format=`` gives an export instead of the JSON record: ``marcxml``, ``iso2709`` (``marc``),
``marc-json`` of the union record (the preferred member's MARC with one 852 per holding
library), or ``ris``, ``bibtex``, ``csl-json`` citations made from the display fields (see
:mod:`searchapi.exports`).

Nothing internal is public: a member's ``source`` is the file's base name or the harvest
source's name, never a server path (:func:`public_source`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from aiohttp import web

from indexer.store import Store
from mucluc.core.errors import ApiError
from searchapi import exports
from searchapi.hits import record
from searchapi.state import LIBRARIES, STORE

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


def public_source(source: str) -> str:
    """What a reader may see of where a record came from: a file's base name (``dbi.mrc``, not
    ``/srv/inbox/dbi.mrc``) or a harvest source's name (which has no slash)."""
    return re.split(r"[\\/]", source.rstrip("\\/"))[-1] if source else ""


async def _members(
    store: Store, ids: list[str], libraries: Mapping[str, Any]
) -> list[dict[str, Any]]:
    found = await store.mget("records", ids, source=MEMBER_SOURCE, doing="reading member records")
    members = []
    for doc_id in ids:  # in the union document's order
        if doc_id not in found:
            continue
        member = found[doc_id]
        fields = member.get("fields", {})
        library = libraries.get(member["library"])
        members.append(
            {
                "library": member["library"],
                "library_name": library.name if library else member["library"],
                "record_id": member["local_id"],
                "source": public_source(str(member.get("source", ""))),
                "harvested_at": member.get("harvested_at"),
                "title": fields.get("title", ""),
                "authors": fields.get("authors", []),
                "year": fields.get("year"),
                "publisher": fields.get("publisher", ""),
                "isbns": fields.get("isbns", []),
            }
        )
    return members


async def preferred_marc(store: Store, source: dict[str, Any]) -> Any:
    """The MARC-in-JSON of the book's preferred member (else of any member still stored)."""
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
        raise ApiError(400, "bad_format", exports.unknown_format(requested))
    store = request.app[STORE]
    source = await _union(store, doc_id, request.query_string)
    if name is None:
        members = await _members(store, source.get("members", []), request.app[LIBRARIES])
        return web.json_response(record(source, doc_id, members))
    export = exports.EXPORTS[name]
    if export.from_marc:
        marc = exports.union_marc(await preferred_marc(store, source), source.get("holdings", []))
        body = exports.MARC_WRITERS[name](marc)
    else:
        body = exports.DISPLAY_WRITERS[name](source.get("display", {}), doc_id)
    return web.Response(
        body=body,
        content_type=export.content_type,
        charset="utf-8" if name != "iso2709" else None,
        headers={"Content-Disposition": f'inline; filename="{doc_id}.{export.extension}"'},
    )
