"""``GET /api/v1/search``: a reader's query → the engine's query DSL → one hit per book.

Filters are multi-select: each facet is counted with every filter but its own, so choosing one
library still shows how many books the others hold. Pages stop at ``MAX_WINDOW`` results (deep
``from`` is expensive for the engine); past that, ``next_cursor`` wraps ``search_after``.
With ``format=`` (any export format) the result list is exported instead, bounded and streamed
(:mod:`searchapi.list_export`).
"""

from __future__ import annotations

from functools import lru_cache, partial
from typing import Any

import orjson
from aiohttp import web
from multidict import MultiMapping

from indexer.store import QueryTooComplex, Store
from mucluc.core.errors import ApiError, QueryError
from searchapi import cursor, didyoumean, exports, works
from searchapi.hits import HIT_SOURCE, hit
from searchapi.list_export import export_results
from searchapi.query_parser import MAX_QUERY_LENGTH, parse, to_dsl
from searchapi.state import LIBRARIES, STORE
from searchapi.stats_counter import count_search
from searchapi.unchanged import SUGGESTIONS

MAX_PAGE_SIZE = 100
MAX_WINDOW = 1_000
MAX_FILTER_VALUES = 20
# Query texts whose engine query is kept, as the JSON the engine receives (5-9 kB a text; the
# same query as Python objects was 24-47 kB, and 1,024 of them held 45 MB per worker). Only
# short texts: the popular searches repeat, long or hostile texts rarely do and would fill the
# cache with the largest entries. More texts than a reader's session and than the API bench's
# 500 queries: kept in least-recently-used order, a cache smaller than a cycle of texts never hits.
QUERIES_KEPT = 1024
KEPT_QUERY_CHARS = 100

# Request parameter → keyword field. Each is both a filter and a facet.
FILTERS: dict[str, str] = {
    "library": "libraries",
    "kind": "library_kinds",
    "type": "type",
    "lang": "languages",
    "subject": "subject_facet",
}
FACET_SIZES = {"library": 100, "kind": 10, "type": 20, "lang": 20, "subject": 20, "year": 30}
KIND_LABELS = {
    "provincial": "Thư viện tỉnh",
    "district": "Thư viện huyện",
    "school": "Thư viện trường",
}
# The first member id is unique per book (a record belongs to one cluster): a stable tiebreak.
TIEBREAK = {"members": {"order": "asc", "mode": "min"}}
SORTS: dict[str, list[Any]] = {
    "relevance": ["_score", {"title_sort": {"order": "asc", "missing": "_last"}}, TIEBREAK],
    "title": [{"title_sort": {"order": "asc", "missing": "_last"}}, TIEBREAK],
    "author": [
        {"author_sort": {"order": "asc", "missing": "_last"}},
        {"title_sort": {"order": "asc", "missing": "_last"}},
        TIEBREAK,
    ],
    "year": [{"year": {"order": "desc", "missing": "_last"}}, "_score", TIEBREAK],
    "year_asc": [{"year": {"order": "asc", "missing": "_last"}}, "_score", TIEBREAK],
}
HIGHLIGHTED = ("title", "subtitle", "authors", "subjects", "publisher", "series")


Query = MultiMapping[str]


def _int(query: Query, name: str, default: int | None, low: int, high: int) -> int | None:
    raw = query.get(name, "").strip()
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(
            400, f"bad_{name}", f"`{name}` must be a whole number, not {raw!r}"
        ) from None
    if not low <= value <= high:
        raise ApiError(400, f"bad_{name}", f"`{name}` must be between {low} and {high}")
    return value


def _filters(query: Query) -> dict[str, list[str]]:
    chosen: dict[str, list[str]] = {}
    for name in FILTERS:
        values = [v.strip() for v in query.getall(name, []) if v.strip()]
        if len(values) > MAX_FILTER_VALUES:
            raise ApiError(
                400, f"bad_{name}", f"At most {MAX_FILTER_VALUES} values of `{name}` at once."
            )
        if values:
            chosen[name] = sorted(set(values))
    return chosen


def _terms(filters: dict[str, list[str]], leave_out: str | None = None) -> list[dict[str, Any]]:
    return [
        {"terms": {FILTERS[name]: values}} for name, values in filters.items() if name != leave_out
    ]


def _highlight() -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name in HIGHLIGHTED:
        fields[name] = {"number_of_fragments": 0}
        fields[f"{name}.folded"] = {"number_of_fragments": 0}
    return {
        "fields": fields,
        "pre_tags": ["<mark>"],
        "post_tags": ["</mark>"],
        "encoder": "html",
        "require_field_match": False,
    }


HIGHLIGHT = _highlight()  # the same for every search: built once (never mutated)


def highlights(raw: dict[str, list[str]] | None) -> dict[str, list[str]]:
    """Engine highlights keyed by display field; the exact-diacritic match wins over folded."""
    if not raw:
        return {}
    merged = {key: value for key, value in raw.items() if not key.endswith(".folded")}
    for key, value in raw.items():
        if key.endswith(".folded"):
            merged.setdefault(key[: -len(".folded")], value)
    return merged


def parsed(q: str) -> tuple[orjson.Fragment, tuple[didyoumean.Piece, ...]]:
    """(engine query, correctable words) of the query text ``q``, kept for the ``QUERIES_KEPT``
    most recent texts of at most ``KEPT_QUERY_CHARS``: building the engine query (the relevance
    rules, the keyboard readings) was the API's largest own cost per search (0.2-0.8 ms a
    text). The engine query is JSON already written (an ``orjson.Fragment``: the store's
    serializer copies it into the request as it is, and no request writes it again), so it is
    immutable and small. A ``QueryError`` is raised each time (not kept)."""
    return _kept(q) if len(q) <= KEPT_QUERY_CHARS else _parse(q)


def _parse(q: str) -> tuple[orjson.Fragment, tuple[didyoumean.Piece, ...]]:
    return orjson.Fragment(orjson.dumps(to_dsl(parse(q)))), tuple(didyoumean.free_words(q))


_kept = lru_cache(maxsize=QUERIES_KEPT)(_parse)


def build_body(
    must: dict[str, Any] | orjson.Fragment,
    filters: dict[str, list[str]],
    year_from: int | None,
    year_to: int | None,
    sort: str,
) -> dict[str, Any]:
    """The search request without paging: query (``must``: the reader's words, see
    :func:`parsed`), post filter, facets, highlight, sort."""
    query: dict[str, Any] = {"bool": {"must": [must], "filter": []}}
    if year_from is not None or year_to is not None:
        span = {k: v for k, v in (("gte", year_from), ("lte", year_to)) if v is not None}
        query["bool"]["filter"].append({"range": {"year": span}})
    aggs: dict[str, Any] = {}
    for name, field in FILTERS.items():
        aggs[name] = {
            "filter": {"bool": {"filter": _terms(filters, leave_out=name)}},
            "aggs": {"values": {"terms": {"field": field, "size": FACET_SIZES[name]}}},
        }
    aggs["year"] = {
        "filter": {"bool": {"filter": _terms(filters)}},
        "aggs": {
            "values": {
                "terms": {"field": "year", "size": FACET_SIZES["year"], "order": {"_key": "desc"}}
            }
        },
    }
    body: dict[str, Any] = {
        "query": query,
        "sort": SORTS[sort],
        "track_total_hits": True,
        "_source": HIT_SOURCE,
        "aggs": aggs,
        "highlight": HIGHLIGHT,
    }
    if filters:
        body["post_filter"] = {"bool": {"filter": _terms(filters)}}
    return body


def _label(name: str, value: Any, request: web.Request) -> str:
    if name == "library":
        library = request.app[LIBRARIES].get(value)
        return library.name if library else str(value)
    if name == "kind":
        return KIND_LABELS.get(value, str(value))
    return str(value)


def facets(response: dict[str, Any], request: web.Request) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for name in [*FILTERS, "year"]:
        facet = response.get("aggregations", {}).get(name, {})
        buckets = facet.get("values", {}).get("buckets", [])
        found[name] = [
            {
                "value": bucket["key"],
                "label": _label(name, bucket["key"], request),
                "count": bucket["doc_count"],
            }
            for bucket in buckets
        ]
    return found


def _joined(pieces: list[didyoumean.Piece]) -> tuple[str, list[tuple[int, int]]]:
    """The suggest text of the free words and, per word, (its start there, its start in q)."""
    starts: list[tuple[int, int]] = []
    at = 0
    for piece in pieces:
        starts.append((at, piece.start))
        at += len(piece.text) + 1
    return " ".join(piece.text for piece in pieces), starts


def _in_query(offset: int, starts: list[tuple[int, int]]) -> int:
    joined, in_q = max(start for start in starts if start[0] <= offset)
    return in_q + offset - joined


async def _suggestion(
    request: web.Request, q: str, total: int, body: dict[str, Any], suggest: Any
) -> str | None:
    """A corrected query, spelt as the catalogue spells it, that finds more books; or None.
    Kept while the catalogue is unchanged (:mod:`searchapi.unchanged`)."""
    if total >= didyoumean.FEW_RESULTS or not suggest:
        return None
    kept = request.app.get(SUGGESTIONS)
    fingerprint = request.app[works.WORK_COUNTS].current()
    # Whatever decides ``total``: the words, the filters, one hit per work or per edition.
    narrowing = [body["query"]["bool"]["filter"], body.get("post_filter"), body.get("collapse")]
    key = (q, orjson.dumps(narrowing))
    if kept is not None:
        found, suggestion = kept.get(key, fingerprint)
        if found:
            return suggestion
    suggestion = await _corrected(request, q, total, body, suggest)
    if kept is not None:
        kept.put(key, fingerprint, suggestion)
    return suggestion


async def _corrected(
    request: web.Request, q: str, total: int, body: dict[str, Any], suggest: Any
) -> str | None:
    text, starts = _joined(list(parsed(q)[1]))
    candidates = didyoumean.corrections(text, suggest)
    if not candidates:
        return None
    found = await request.app[STORE].search(
        "union", didyoumean.spelling_body(candidates), doing="finding the catalogue's spelling"
    )
    held = didyoumean.chosen(candidates, found)
    if held is None:
        return None
    edits, texts = held
    spelt = didyoumean.respell(edits, texts)
    corrected = didyoumean.apply(
        q,
        {
            _in_query(edit.offset, starts): (edit.length, word)
            for edit, word in zip(edits, spelt, strict=True)
            if word != edit.typed
        },
    )
    if corrected == q:
        return None
    try:
        better = parse(corrected)
    except QueryError:
        return None
    narrowing = list(body["query"]["bool"]["filter"])
    if "post_filter" in body:
        narrowing.append(body["post_filter"])
    count_body = {"query": {"bool": {"must": [to_dsl(better)], "filter": narrowing}}}
    counted = await request.app[STORE].count("union", count_body, doing="checking a suggestion")
    return corrected if counted > total else None


async def _count_works(store: Store, ids: list[str]) -> dict[str, tuple[int, int]]:
    counted = await store.search(
        "union", works.counts_body(ids), doing="counting the editions of works"
    )
    return works.counts(counted)


async def _catalogue_fingerprint(store: Store) -> tuple[int, str, float]:
    found = await store.search(
        "union", works.FINGERPRINT_BODY, doing="checking whether the catalogue changed"
    )
    return works.fingerprint(found)


async def _export(
    request: web.Request, body: dict[str, Any], sort: str, requested: str
) -> web.StreamResponse:
    """The result list as export ``requested`` (400 for an unknown format)."""
    name = exports.resolve(requested)
    if name is None:
        raise ApiError(400, "bad_format", exports.unknown_format(requested))
    query = {
        "bool": {
            "must": body["query"]["bool"]["must"],
            "filter": [
                *body["query"]["bool"]["filter"],
                *body.get("post_filter", {}).get("bool", {}).get("filter", []),
            ],
        }
    }
    store = request.app[STORE]
    try:
        total = await store.count("union", {"query": query}, doing="counting an export")
    except QueryTooComplex as exc:
        raise ApiError(400, "query_too_complex", TOO_COMPLEX) from exc
    return await export_results(request, store, name, query, SORTS[sort], total)


TOO_COMPLEX = (
    "The query has too many words or parts for one search; shorten it, or search one field "
    "such as title: or author:."
)


async def search(request: web.Request) -> web.StreamResponse:
    """The JSON answer, or with ``format=`` the result list as an export."""
    requested = request.query.get("format", "").strip()
    if requested and requested != "json":
        _, _, _, _, sort, _, body = _plan(request.query)
        return await _export(request, body, sort, requested)
    return json_answer(await run_search(request, request.query))


def json_answer(data: Any) -> web.Response:
    """``data`` as a JSON response, written by orjson straight to bytes (several times faster
    than the json module, and no detour through ``str``); the headers of ``web.json_response``.
    """
    return web.Response(
        body=orjson.dumps(data), content_type="application/json", charset="utf-8"
    )


def _plan(query: Query) -> tuple[str, int, int, tuple[int | None, int | None], str,
                                  dict[str, list[str]], dict[str, Any]]:
    """(q, page, size, years, sort, filters, engine body) of the parameters."""
    q = query.get("q", "").strip()
    if len(q) > MAX_QUERY_LENGTH:
        raise ApiError(
            400, "query_too_long", f"The query is longer than {MAX_QUERY_LENGTH} characters."
        )
    page = _int(query, "page", 1, 1, MAX_WINDOW) or 1
    size = _int(query, "size", 20, 1, MAX_PAGE_SIZE) or 20
    year_from = _int(query, "year_from", None, 0, 9999)
    year_to = _int(query, "year_to", None, 0, 9999)
    sort = query.get("sort", "relevance") or "relevance"
    if sort not in SORTS:
        raise ApiError(400, "bad_sort", f"`sort` must be one of {', '.join(SORTS)}")
    filters = _filters(query)
    must, _ = parsed(q)
    body = build_body(must, filters, year_from, year_to, sort)
    work = works.work_filter(query)
    if work:
        body["query"]["bool"]["filter"].append(work)
        filters = {**filters, "work": [work["term"]["work"]]}  # part of the cursor's fingerprint
    return q, page, size, (year_from, year_to), sort, filters, body


async def run_search(request: web.Request, query: Query) -> dict[str, Any]:
    """The search API's answer (the JSON body) for the parameters ``query``.

    The catalogue's own page (``/?q=…``) calls it too, to render its first results on the
    server with exactly the API's semantics.
    """
    q, page, size, (year_from, year_to), sort, filters, body = _plan(query)
    grouped = works.group(query)
    print_ = cursor.fingerprint(
        {"q": q, "filters": filters, "from": year_from, "to": year_to, "sort": sort, "size": size}
    )
    token = query.get("cursor", "").strip()
    if grouped:
        if token:  # the engine cannot collapse past a search_after
            raise ApiError(400, "bad_cursor", "`group=work` reads pages by `page`, not `cursor`.")
        works.collapse(body)
    if token:
        after, page = cursor.decode(token, print_)
        body["search_after"] = after
    else:
        if page * size > MAX_WINDOW:
            raise ApiError(
                400,
                "page_too_deep",
                f"Pages reach only the first {MAX_WINDOW} results; to read further, follow "
                "`next_cursor` from page to page.",
            )
        body["from"] = (page - 1) * size
    body["size"] = size
    free = parsed(q)[1]
    if free:
        body["suggest"] = didyoumean.suggest_body(" ".join(piece.text for piece in free))
    try:
        response = await request.app[STORE].search("union", body, doing="searching")
    except QueryTooComplex as exc:  # the engine's clause limit: the reader can shorten it
        raise ApiError(400, "query_too_complex", TOO_COMPLEX) from exc
    total = response["hits"]["total"]["value"]
    found = response["hits"]["hits"]
    if grouped:
        total = works.grouped_total(response)
    next_cursor = None
    if not grouped and found and len(found) == size and (page - 1) * size + len(found) < total:
        next_cursor = cursor.encode(found[-1]["sort"], page + 1, print_)
    suggestion = await _suggestion(request, q, total, body, response.get("suggest"))
    hits = [hit(h["_source"], h["_id"], highlights(h.get("highlight"))) for h in found]
    ids = [h["work"]["id"] for h in hits if h["work"]["id"]]
    kept = request.app[works.WORK_COUNTS]
    kept.check(partial(_catalogue_fingerprint, request.app[STORE]))
    missing, known = kept.lookup(ids)
    if missing:
        await kept.checked()  # a worker's first counts are kept under the catalogue's fingerprint
        count = partial(_count_works, request.app[STORE], missing)
        # Never counted: the answer waits. Only expired: the old counts answer, renewed behind.
        if kept.unknown(missing) or not kept.refresh(missing, count):
            kept.remember(await count())
        known = kept.known(ids)
    works.attach(hits, known)
    answer = {
        "total": total,
        "page": page,
        "size": size,
        "hits": hits,
        "facets": facets(response, request),
        "suggestion": suggestion,
        "next_cursor": next_cursor,
    }
    count_search(request, query, q, answer)  # in memory only (searchapi.stats_counter)
    return answer
