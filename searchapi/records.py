"""``GET /api/v1/records/{id}``: one book with its holdings and every member record."""

from __future__ import annotations

import re

from aiohttp import web
from opensearchpy.exceptions import NotFoundError, OpenSearchException

from indexer.engine import translate
from mucluc.errors import ApiError
from searchapi.hits import record
from searchapi.state import ENGINE, PREFIX

RECORD_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


async def get_record(request: web.Request) -> web.Response:
    doc_id = request.match_info["id"]
    if not RECORD_ID.match(doc_id):
        raise ApiError(400, "bad_id", "A record id has only letters, digits, '-' and '_'.")
    engine = request.app[ENGINE]
    prefix = request.app[PREFIX]
    try:
        found = await engine.get(index=f"{prefix}-union", id=doc_id)
    except NotFoundError:
        raise ApiError(404, "not_found", f"No record with id {doc_id}.") from None
    except OpenSearchException as exc:
        raise translate(exc, "reading a record") from exc
    source = found["_source"]
    members = []
    if source.get("members"):
        try:
            response = await engine.mget(
                index=f"{prefix}-records",
                body={"ids": source["members"]},
                params={"_source_includes": "library,local_id,source,harvested_at,fields"},
            )
        except OpenSearchException as exc:
            raise translate(exc, "reading member records") from exc
        for doc in response["docs"]:
            if doc.get("found"):
                member = doc["_source"]
                members.append(
                    {
                        "library": member["library"],
                        "record_id": member["local_id"],
                        "source": member.get("source", ""),
                        "harvested_at": member.get("harvested_at"),
                        "title": member["fields"].get("title", ""),
                        "authors": member["fields"].get("authors", []),
                        "year": member["fields"].get("year"),
                        "publisher": member["fields"].get("publisher", ""),
                        "isbns": member["fields"].get("isbns", []),
                    }
                )
    return web.json_response(record(source, doc_id, members))
