"""``GET /api/v1/feed``: an Atom feed of a query, e.g. the new books of one library
(``/api/v1/feed?library=DBI&sort=newest``), for feed readers and library websites.

It takes the reader API's query language (``q``), its filters (``library``, ``kind``, ``type``,
``lang``, several values each) and a sort: ``newest`` (the books most recently added to or
changed in the union catalogue first — ``updated_at`` of the union record), ``relevance``,
``year`` or ``title``. At most ``MAX_ENTRIES`` entries: a feed is a window on what is new, not an
export. Errors are the API's JSON errors (a feed reader shows the status).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from lxml import etree

from indexer.store import QueryTooComplex
from mucluc.core.errors import ApiError
from searchapi.query_parser import MAX_QUERY_LENGTH, parse, to_dsl
from searchapi.search import FILTERS, MAX_FILTER_VALUES, SORTS, TIEBREAK
from searchapi.state import LIBRARIES, STORE
from searchapi.xml_text import xml_text

ATOM = "http://www.w3.org/2005/Atom"
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"
CONTENT_TYPE = "application/atom+xml"
DEFAULT_ENTRIES = 20
MAX_ENTRIES = 50
FEED_SORTS: dict[str, list[Any]] = {
    "newest": [{"updated_at": {"order": "desc", "missing": "_last"}},
               {"year": {"order": "desc", "missing": "_last"}}, TIEBREAK],
    "relevance": SORTS["relevance"],
    "year": SORTS["year"],
    "title": SORTS["title"],
}


def _filters(request: web.Request) -> list[dict[str, Any]]:
    chosen = []
    for name, field in FILTERS.items():
        values = sorted({v.strip() for v in request.query.getall(name, []) if v.strip()})
        if len(values) > MAX_FILTER_VALUES:
            raise ApiError(400, f"bad_{name}", f"At most {MAX_FILTER_VALUES} values of `{name}`.")
        if values:
            chosen.append({"terms": {field: values}})
    return chosen


def _size(request: web.Request) -> int:
    raw = request.query.get("size", "").strip()
    if not raw:
        return DEFAULT_ENTRIES
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_ENTRIES:
        raise ApiError(400, "bad_size", f"`size` must be a whole number from 1 to {MAX_ENTRIES}.")
    return int(raw)


def _sub(parent: etree._Element, name: str, text: str | None = None, **attrs: str
         ) -> etree._Element:
    node = etree.SubElement(parent, f"{{{ATOM}}}{name}",
                            {key: xml_text(value) for key, value in attrs.items()})
    if text is not None:
        node.text = xml_text(text)
    return node


def _title(request: web.Request, q: str) -> str:
    names = [request.app[LIBRARIES][code].name if code in request.app[LIBRARIES] else code
             for code in request.query.getall("library", [])]
    what = f"“{q}”" if q else "Sách mới"
    return f"{what} — {', '.join(names)}" if names else f"{what} — Mục lục"


def atom(request: web.Request, q: str, total: int, hits: list[dict[str, Any]]) -> bytes:
    """The feed document of one page of union records."""
    base = f"{request.scheme}://{request.host}"
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM, "opensearch": OPENSEARCH})
    _sub(feed, "title", _title(request, q))
    _sub(feed, "id", f"{base}{request.path_qs}")
    _sub(feed, "link", rel="self", type=CONTENT_TYPE, href=f"{base}{request.path_qs}")
    stamps = [h["_source"].get("updated_at") for h in hits if h["_source"].get("updated_at")]
    now = datetime.now(UTC).isoformat(timespec="seconds")
    _sub(feed, "updated", max(stamps) if stamps else now)
    _sub(_sub(feed, "author"), "name", "Mục lục")
    etree.SubElement(feed, f"{{{OPENSEARCH}}}totalResults").text = str(total)
    for found in hits:
        source = found["_source"]
        display = source.get("display", {})
        link = f"{base}/api/v1/records/{found['_id']}"
        entry = _sub(feed, "entry")
        _sub(entry, "id", link)
        title = display.get("title", "") or found["_id"]
        if display.get("subtitle"):
            title = f"{title} : {display['subtitle']}"
        _sub(entry, "title", title)
        _sub(entry, "updated", source.get("updated_at") or now)
        for author in display.get("authors", []):
            _sub(_sub(entry, "author"), "name", author)
        _sub(entry, "link", rel="alternate", type="application/json", href=link)
        for subject in display.get("subjects", []):
            _sub(entry, "category", term=subject)
        holders = sorted({h.get("library_name") or h.get("library", "")
                          for h in source.get("holdings", [])})
        facts = [str(v) for v in (display.get("publisher"), display.get("year")) if v]
        summary = ", ".join(facts)
        if holders:
            summary = f"{summary}. Có tại: {', '.join(holders)}" if summary else \
                f"Có tại: {', '.join(holders)}"
        _sub(entry, "summary", summary)
    return etree.tostring(feed, xml_declaration=True, encoding="UTF-8")


async def feed(request: web.Request) -> web.Response:
    q = request.query.get("q", "").strip()
    if len(q) > MAX_QUERY_LENGTH:
        raise ApiError(400, "query_too_long",
                       f"The query is longer than {MAX_QUERY_LENGTH} characters.")
    sort = request.query.get("sort", "").strip() or ("relevance" if q else "newest")
    if sort not in FEED_SORTS:
        raise ApiError(400, "bad_sort", f"`sort` must be one of {', '.join(FEED_SORTS)}")
    body = {
        "query": {"bool": {"must": [to_dsl(parse(q))], "filter": _filters(request)}},
        "sort": FEED_SORTS[sort],
        "size": _size(request),
        "track_total_hits": True,
        "_source": ["display", "holdings", "updated_at"],
    }
    try:
        response = await request.app[STORE].search("union", body, doing="making a feed")
    except QueryTooComplex as exc:
        raise ApiError(400, "query_too_complex",
                       "The query has too many words or parts for one search; shorten it.") from exc
    total = response["hits"]["total"]["value"]
    return web.Response(body=atom(request, q, total, response["hits"]["hits"]),
                        content_type=CONTENT_TYPE, charset="utf-8")
