"""``GET /api/v1/libraries``: every library of the catalogue with what it contributes.

``records`` counts the library's source records in the raw store; ``books`` counts the union
catalogue's books it holds (several records of one book count once). Both come from
aggregations, so they stay cheap with millions of holdings.
"""

from __future__ import annotations

from aiohttp import web

from searchapi.state import LIBRARIES, STORE


async def libraries(request: web.Request) -> web.Response:
    store = request.app[STORE]
    known = request.app[LIBRARIES]
    size = max(len(known), 1) + 50
    doing = "counting the libraries' records"
    records = await store.search(
        "records",
        {"size": 0, "aggs": {"by": {"terms": {"field": "library", "size": size}}}},
        doing=doing,
    )
    books = await store.search(
        "union",
        {"size": 0, "aggs": {"by": {"terms": {"field": "libraries", "size": size}}}},
        doing=doing,
    )
    record_counts = {b["key"]: b["doc_count"] for b in records["aggregations"]["by"]["buckets"]}
    book_counts = {b["key"]: b["doc_count"] for b in books["aggregations"]["by"]["buckets"]}
    listed = [
        {
            "code": library.code,
            "name": library.name,
            "kind": library.kind,
            "parent": library.parent or None,
            "records": record_counts.get(library.code, 0),
            "books": book_counts.get(library.code, 0),
        }
        for library in sorted(known.values(), key=lambda lib: (lib.priority, lib.code))
    ]
    return web.json_response({"libraries": listed})
