"""The audit log page for administrators (``/console/audit``): who (which key id) granted,
revoked, uploaded, harvested or deleted what, and when, newest first, a page at a time."""

from __future__ import annotations

import json
from html import escape

from aiohttp import web

from indexer.console_records import audit_entries
from searchapi.console.access import require
from searchapi.console.layout import href, lang_of, page
from searchapi.state import STORE

TEXT = {
    "vi": {"title": "Nhật ký thao tác", "at": "Lúc", "key": "Khoá", "role": "Vai trò",
           "library": "Thư viện", "action": "Thao tác", "target": "Đối tượng",
           "detail": "Chi tiết", "empty": "Chưa có thao tác nào.", "page": "Trang {n}",
           "all": "Mọi thư viện", "filter": "Lọc theo thư viện", "go": "Lọc"},
    "en": {"title": "Audit log", "at": "At", "key": "Key", "role": "Role",
           "library": "Library", "action": "Action", "target": "Target", "detail": "Detail",
           "empty": "Nothing recorded yet.", "page": "Page {n}", "all": "Every library",
           "filter": "Library", "go": "Filter"},
}


async def audit_page(request: web.Request) -> web.Response:
    await require(request, admin=True)
    lang = lang_of(request)
    t = TEXT[lang]
    library = request.query.get("library", "").strip()[:40] or None
    try:
        number = max(1, int(request.query.get("page", "1")))
    except ValueError:
        number = 1
    listing = await audit_entries(request.app[STORE], library=library, page=number)
    rows = "".join(
        "<tr>" + "".join(f"<td>{escape(str(value or ''))}</td>" for value in (
            entry.get("at"), entry.get("key_id"), entry.get("role"), entry.get("library"),
            entry.get("action"), entry.get("target"),
            json.dumps(entry.get("detail") or {}, ensure_ascii=False, sort_keys=True)))
        + "</tr>" for entry in listing.items)
    headings = "".join(f'<th scope="col">{t[name]}</th>' for name in
                       ("at", "key", "role", "library", "action", "target", "detail"))
    body = f"""<form method="get" action="/console/audit">
<label for="library">{t["filter"]}</label>
<input id="library" name="library" type="text" value="{escape(library or "")}">
{'<input type="hidden" name="lang" value="en">' if lang == "en" else ""}
<button type="submit">{t["go"]}</button></form>"""
    body += (f'<div class="table-wrap"><table><caption>{t["title"]}</caption><thead><tr>'
             f"{headings}</tr></thead><tbody>{rows}</tbody></table></div>"
             if listing.items else f"<p>{t['empty']}</p>")
    pages = (listing.total + listing.size - 1) // listing.size
    if pages > 1:
        body += '<nav aria-label="pages"><p>' + " ".join(
            f'<a href="{href("/console/audit", lang, page=n, library=library or "")}">'
            f'{t["page"].format(n=n)}</a>' for n in range(1, min(pages, 50) + 1)) + "</p></nav>"
    return page(request, t["title"], body, lang=lang)
