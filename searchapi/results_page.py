"""The catalogue page's first results, rendered on the server inside ``<mucluc-search>``.

A reader who opens ``/?q=…`` (a shared search, a reload, a search typed without JavaScript) sees
the results in the page's own HTML: no wait for the script and then for the search, one after
the other. The markup is the element's light DOM, so it shows until the widget upgrades and
attaches its shadow root; the widget then renders the same answer from the JSON embedded beside
it (``<script type="application/json" class="mucluc-data">``) without asking the API again, and
takes over from there. Without JavaScript the light DOM stays: a search form, the hits linking
to each book's page, and plain links for the next pages.
"""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from multidict import MultiDict

from mucluc.core.errors import MuclucError
from searchapi.pages_render import script_json
from searchapi.search import MAX_WINDOW, run_search

SIZE = 10  # the demo page's <mucluc-search size="10">
STATE = ("q", "page", "sort", "year_from", "year_to", "library", "kind", "type", "lang", "work",
         "group")


async def first_results(request: web.Request) -> dict[str, Any] | None:
    """The search API's answer for the page's own query string, or None when there is no query
    or it cannot be answered (the widget then shows the reason, as it always did)."""
    if not request.query.get("q", "").strip() or request.query.get("ssr") == "0":
        return None
    query: MultiDict[str] = MultiDict((k, v) for k, v in request.query.items() if k in STATE)
    query["size"] = str(SIZE)
    try:
        return await run_search(request, query)
    except MuclucError:
        return None


def _page_href(request: web.Request, page: int) -> str:
    pairs = [(k, v) for k, v in request.query.items() if k in STATE and k != "page"]
    return "/?" + urlencode([*pairs, ("page", str(page))])


def _holding(holding: dict[str, Any]) -> str:
    name = holding.get("library_name") or holding.get("library") or ""
    copies = f"{holding.get('copies') or 1} bản"
    where = ", ".join(x for x in (holding.get("call_number"), copies) if x)
    return f"{name} ({where})"


def _hit(hit: dict[str, Any]) -> str:
    title = escape(hit.get("title") or "")
    if hit.get("subtitle"):
        title += " : " + escape(hit["subtitle"])
    if hit.get("part"):  # volumes of one title (T. 1, T. 2) are told apart
        title += ". " + escape(hit["part"])
    meta = " · ".join(
        escape(str(x))
        for x in ("; ".join(hit.get("authors", [])), hit.get("publisher"), hit.get("year"))
        if x
    )
    held = "; ".join(escape(_holding(h)) for h in hit.get("holdings", []))
    work = hit.get("work") or {}
    editions = (
        f'<p class="ssr-work"><a href="/?{escape(urlencode({"q": "*", "work": work["id"]}))}">'
        f'{work["editions"]} ấn bản ở {work["libraries"]} thư viện</a></p>'
        if work.get("editions", 1) > 1 and work.get("id")
        else ""
    )
    return (
        f'<li class="ssr-hit"><h3><a href="/records/{escape(hit["id"])}">{title}</a></h3>'
        + (f"<p>{meta}</p>" if meta else "")
        + (f"<p><strong>Có tại:</strong> {held}</p>" if held else "")
        + editions
        + "</li>"
    )


def render(request: web.Request, found: dict[str, Any] | None) -> str:
    """The light DOM of ``<mucluc-search>``: a plain search form, then the results if any."""
    q = request.query.get("q", "").strip()
    form = (
        '<form class="ssr-f" role="search" action="/" method="get">'
        '<label for="ssr-q">Tìm sách trong các thư viện</label> '
        f'<input id="ssr-q" name="q" type="search" value="{escape(q)}" maxlength="500"> '
        '<button type="submit">Tìm</button></form>'
    )
    if found is None:
        return form
    total, page, size = found["total"], found["page"], found["size"]
    pages = max(1, min(-(-total // size), MAX_WINDOW // size))
    if total:
        count = f"Tìm thấy {total:,} kết quả cho “{escape(q)}”".replace(",", ".")
        count += f", trang {page}/{pages}." if pages > 1 else "."
    else:
        count = f"Không tìm thấy kết quả nào cho “{escape(q)}”."
    links = []
    if page > 1:
        links.append(f'<a href="{escape(_page_href(request, page - 1))}">Trang trước</a>')
    if page < pages:
        links.append(f'<a href="{escape(_page_href(request, page + 1))}">Trang sau</a>')
    nav = f'<nav aria-label="Phân trang">{" ".join(links)}</nav>' if links else ""
    return (
        f'{form}<section class="ssr" aria-labelledby="ssr-h"><h2 id="ssr-h">Kết quả tìm kiếm</h2>'
        f"<p>{count}</p><ol>{''.join(_hit(h) for h in found['hits'])}</ol>{nav}</section>"
        f'<script type="application/json" class="mucluc-data">{script_json(found)}</script>'
    )
