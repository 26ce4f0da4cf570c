"""``GET /api/v1/search``: a reader's query → the engine's query DSL → one hit per book."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from opensearchpy.exceptions import OpenSearchException

from analyzers.query import text_query
from indexer.engine import translate
from indexer.isbn import query_isbn
from mucluc.errors import ApiError
from searchapi.hits import hit
from searchapi.state import ENGINE, LIBRARIES, PREFIX

MAX_QUERY_LENGTH = 500
MAX_PAGE_SIZE = 100
MAX_WINDOW = 10_000
SEARCH_FIELDS = {
    "title": 4.0,
    "subtitle": 2.0,
    "authors": 3.0,
    "subjects": 1.5,
    "series": 1.0,
    "publisher": 0.8,
    "summary": 0.3,
}
FACETS = {"library": "libraries", "type": "type", "lang": "languages"}


def _int(request: web.Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, f"bad_{name}", f"`{name}` must be a whole number, not {raw!r}") from None
    if not low <= value <= high:
        raise ApiError(400, f"bad_{name}", f"`{name}` must be between {low} and {high}")
    return value


def build_query(q: str, filters: dict[str, list[str]], year_from: int | None, year_to: int | None) -> dict[str, Any]:
    must: list[dict[str, Any]] = []
    isbn = query_isbn(q) if q else None
    if isbn:
        must.append({"term": {"isbns": isbn}})
    elif q:
        must.append(text_query(q, SEARCH_FIELDS))
    else:
        must.append({"match_all": {}})
    clauses: list[dict[str, Any]] = [
        {"terms": {FACETS[name]: values}} for name, values in filters.items() if values
    ]
    if year_from is not None or year_to is not None:
        span: dict[str, int] = {}
        if year_from is not None:
            span["gte"] = year_from
        if year_to is not None:
            span["lte"] = year_to
        clauses.append({"range": {"year": span}})
    return {"bool": {"must": must, "filter": clauses}}


async def search(request: web.Request) -> web.Response:
    q = request.query.get("q", "").strip()
    if len(q) > MAX_QUERY_LENGTH:
        raise ApiError(
            400, "query_too_long", f"The query is longer than {MAX_QUERY_LENGTH} characters."
        )
    page = _int(request, "page", 1, 1, 1000)
    size = _int(request, "size", 20, 1, MAX_PAGE_SIZE)
    if page * size > MAX_WINDOW:
        raise ApiError(400, "page_too_deep", f"Only the first {MAX_WINDOW} results can be paged.")
    year_from = _int(request, "year_from", -1, 0, 3000)
    year_to = _int(request, "year_to", -1, 0, 3000)
    filters = {name: request.query.getall(name, []) for name in FACETS}
    sort = request.query.get("sort", "relevance")
    sorts = {
        "relevance": ["_score", {"title_sort": "asc"}],
        "title": [{"title_sort": "asc"}, "_score"],
        "year": [{"year": {"order": "desc", "missing": "_last"}}, "_score"],
        "year_asc": [{"year": {"order": "asc", "missing": "_last"}}, "_score"],
    }
    if sort not in sorts:
        raise ApiError(400, "bad_sort", f"`sort` must be one of {', '.join(sorts)}")
    body = {
        "query": build_query(
            q, filters, None if year_from < 0 else year_from, None if year_to < 0 else year_to
        ),
        "from": (page - 1) * size,
        "size": size,
        "sort": sorts[sort],
        "track_total_hits": True,
        "_source": ["display", "holdings"],
        "aggs": {name: {"terms": {"field": field, "size": 50}} for name, field in FACETS.items()},
        "highlight": {
            "fields": {"title": {}, "authors": {}, "title.folded": {}, "authors.folded": {}},
            "pre_tags": ["<mark>"],
            "post_tags": ["</mark>"],
        },
    }
    engine = request.app[ENGINE]
    try:
        response = await engine.search(index=f"{request.app[PREFIX]}-union", body=body)
    except OpenSearchException as exc:
        raise translate(exc, "searching") from exc
    libraries = request.app[LIBRARIES]
    facets = {}
    for name in FACETS:
        buckets = response.get("aggregations", {}).get(name, {}).get("buckets", [])
        facets[name] = [
            {
                "value": bucket["key"],
                "label": libraries[bucket["key"]].name
                if name == "library" and bucket["key"] in libraries
                else bucket["key"],
                "count": bucket["doc_count"],
            }
            for bucket in buckets
        ]
    return web.json_response(
        {
            "total": response["hits"]["total"]["value"],
            "page": page,
            "size": size,
            "hits": [
                hit(h["_source"], h["_id"], h.get("highlight")) for h in response["hits"]["hits"]
            ],
            "facets": facets,
            "suggestion": None,
        }
    )
