"""``GET /records/{id}``: a book's own page, HTML rendered on the server.

The address is the union id (:func:`indexer.clusters.cluster_id` of the cluster's smallest member
record id), so it survives re-loads, re-harvests and ``mucluc reindex`` while the book keeps its
records. An unknown id answers a Vietnamese (or, with ``?lang=en``, English) 404 page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web

from indexer.store import Store
from searchapi.pages_render import LANGS, not_found_page, record_page
from searchapi.records import RECORD_ID, surviving_id
from searchapi.state import STORE

MAX_EDITIONS = 10


def _lang(request: web.Request) -> str:
    lang = request.query.get("lang", "vi").strip().lower()[:2]
    return lang if lang in LANGS else "vi"


def html_response(text: str, status: int = 200) -> web.Response:
    return web.Response(
        text=text,
        status=status,
        content_type="text/html",
        charset="utf-8",
        headers={"X-Content-Type-Options": "nosniff", "Content-Language": "vi"},
    )


async def other_editions(
    store: Store, doc_id: str, source: Mapping[str, Any]
) -> list[tuple[str, dict[str, Any]]]:
    """Other books with the same sortable title and an author in common: other editions."""
    if not source.get("title_sort"):
        return []
    filters: list[dict[str, Any]] = [{"term": {"title_sort": source["title_sort"]}}]
    if source.get("author_facet"):
        filters.append({"terms": {"author_facet": source["author_facet"]}})
    body = {
        "query": {"bool": {"filter": filters, "must_not": [{"ids": {"values": [doc_id]}}]}},
        "sort": [{"year": {"order": "desc", "missing": "_last"}}, {"members": "asc"}],
        "size": MAX_EDITIONS,
        "_source": ["display"],
    }
    response = await store.search("union", body, doing="finding other editions")
    return [(h["_id"], h["_source"].get("display", {})) for h in response["hits"]["hits"]]


async def record(request: web.Request) -> web.Response:
    lang = _lang(request)
    doc_id = request.match_info["id"]
    store = request.app[STORE]
    source = None
    if RECORD_ID.match(doc_id):
        source = await store.get("union", doc_id, doing="reading a record")
    if source is None and RECORD_ID.match(doc_id):
        survivor = await surviving_id(store, doc_id)  # merged into another book: its page
        if survivor is not None:
            query = f"?{request.query_string}" if request.query_string else ""
            raise web.HTTPMovedPermanently(f"/records/{survivor}{query}")
    if source is None:
        response = html_response(not_found_page(doc_id, lang), status=404)
    else:
        editions = await other_editions(store, doc_id, source)
        origin = f"{request.scheme}://{request.host}"
        response = html_response(record_page(source, doc_id, editions, origin, lang))
    if lang == "en":
        response.headers["Content-Language"] = "en"
    response.headers["Vary"] = "Accept-Encoding"
    return response
