"""``/console/stats``: the statistics page, and ``/console/stats/<table>.csv|.xlsx`` downloads.

The page is rendered on the server: the headline counts against the plan's targets, SVG charts
(:mod:`searchapi.console.charts`), each followed by its data table, and under every table links
to download it as CSV or XLSX (:mod:`searchapi.console.stats_tables`: the same rows). What each
viewer sees is decided once, by :func:`searchapi.console.stats.scope_of`.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

from aiohttp import web

from searchapi.console import charts
from searchapi.console.layout import href, lang_of, page
from searchapi.console.stats import everything, scope_of
from searchapi.console.stats_tables import KIND_NAMES, TABLES, Table, as_csv, as_xlsx, build
from searchapi.state import LIBRARIES

TEXT = {
    "vi": {
        "title": "Thống kê", "library_title": "Thống kê — {name}",
        "titles": "Tên sách", "copies": "Bản sách", "records": "Biểu ghi",
        "of_target": "{pct} chỉ tiêu {target}", "download": "Tải về",
        "growth_desc": "Số biểu ghi mới mỗi tháng, theo ngày thư viện liên thông nhận được.",
        "searches_desc": "Số lượt tìm mỗi ngày trong {days} ngày qua.",
        "holdings_desc": "Số tên sách mỗi thư viện có trong mục lục liên thông.",
        "none": "Chưa có số liệu.", "days": "Số ngày", "show": "Xem",
        "whole": "Toàn tỉnh", "choose": "Thư viện",
        "privacy": "Thống kê lượt tìm chỉ giữ câu tìm đã chuẩn hoá và số lần theo ngày; không "
                   "lưu địa chỉ hay thông tin nào của bạn đọc.",
        "site_total": "Lượt tìm từ trang web của thư viện: {n}",
    },
    "en": {
        "title": "Statistics", "library_title": "Statistics — {name}",
        "titles": "Titles", "copies": "Copies", "records": "Records",
        "of_target": "{pct} of the target {target}", "download": "Download",
        "growth_desc": "New records each month, by the day the union catalogue received them.",
        "searches_desc": "Searches each day over the last {days} days.",
        "holdings_desc": "Titles each library holds in the union catalogue.",
        "none": "No data yet.", "days": "Days", "show": "Show",
        "whole": "Whole province", "choose": "Library",
        "privacy": "Search statistics keep only normalised query texts and daily counts; no "
                   "address or other information about readers is stored.",
        "site_total": "Searches from the library's website: {n}",
    },
}  # fmt: skip
CHARTED = {"growth", "searches", "holdings"}


def _downloads(table: Table, lang: str, params: dict[str, Any]) -> str:
    t = TEXT[lang]
    links = " · ".join(
        f'<a href="{href(f"/console/stats/{table.name}.{fmt}", lang, **params)}" '
        f'download>{t["download"]} {fmt.upper()}<span class="visually-hidden">: '
        f"{escape(table.title)}</span></a>"
        for fmt in ("csv", "xlsx")
    )
    return f'<p class="downloads">{links}</p>'


def _table_html(table: Table) -> str:
    rows = [
        tuple(charts.percent(v) if c in {"isbn", "subject", "call_number"} else v
              for c, v in zip(table.columns, row, strict=True))
        for row in table.rows
    ]  # fmt: skip
    return (f'<div class="table-wrap">'
            f"{charts.table(table.title, table.headers, rows, table_id=f'table-{table.name}')}"
            "</div>")  # fmt: skip


def _chart(name: str, table: Table, data: dict[str, Any], lang: str) -> str:
    t = TEXT[lang]
    if name == "growth":
        labels = [row[0] for row in table.rows]
        values = [row[1] for row in table.rows]
        description = t["growth_desc"]
    elif name == "searches":
        labels = [row[0][5:] for row in table.rows]  # MM-DD under the bars
        values = [row[1] for row in table.rows]
        description = t["searches_desc"].format(days=len(table.rows))
    else:
        labels = [row[1] for row in table.rows]  # library codes
        values = [row[3] for row in table.rows]
        description = t["holdings_desc"]
    return charts.bar_chart(table.title, description, labels, values)


def _headline(data: dict[str, Any], lang: str) -> str:
    t = TEXT[lang]
    held = data["holdings"]
    province = held["province"]
    items = []
    for key in ("titles", "copies"):
        target = held["targets"][key]
        share = charts.percent(held["progress"][key])
        items.append(f'<li><b>{charts.number(province[key])}</b>{t[key]} — '
                     f"{t['of_target'].format(pct=share, target=charts.number(target))}</li>")
    items.append(f'<li><b>{charts.number(province["records"])}</b>{t["records"]}</li>')
    for kind in held["kinds"]:
        name = KIND_NAMES[lang].get(kind["kind"], kind["kind"])
        items.append(f'<li><b>{charts.number(kind["titles"])}</b>{escape(name)}: '
                     f'{t["titles"].lower()}</li>')
    return f'<ul class="counts">{"".join(items)}</ul>'


def _chooser(request: web.Request, data: dict[str, Any], lang: str, days: int) -> str:
    t = TEXT[lang]
    options = [f'<option value="">{t["whole"]}</option>'] if data["scope"]["admin"] else []
    chosen = data["scope"]["library"] or ""
    for code, library in request.app[LIBRARIES].items():
        if data["scope"]["admin"] or code == chosen:
            selected = " selected" if code == chosen else ""
            options.append(f'<option value="{escape(code)}"{selected}>'
                           f"{escape(library.name)}</option>")
    hidden = '<input type="hidden" name="lang" value="en">' if lang == "en" else ""
    return (
        f'<form method="get" action="/console/stats" class="stats-filter">{hidden}'
        f'<label for="stats-library">{t["choose"]}</label>'
        f'<select id="stats-library" name="library">{"".join(options)}</select>'
        f'<label for="stats-days">{t["days"]}</label>'
        f'<input id="stats-days" type="text" inputmode="numeric" name="days" value="{days}">'
        f'<button type="submit">{t["show"]}</button></form>'
    )


async def stats_page(request: web.Request) -> web.Response:
    lang = lang_of(request)
    t = TEXT[lang]
    scope = await scope_of(request)
    data = await everything(request, scope)
    days = len(data["searches"]["days"])
    params = {k: v for k, v in (("library", scope.library if scope.admin else ""),
                                ("days", request.query.get("days", ""))) if v}  # fmt: skip
    parts = [f'<p>{t["privacy"]}</p>', _chooser(request, data, lang, days), _headline(data, lang)]
    if "site" in data["searches"]:
        total = charts.number(data["searches"]["site"]["total"])
        parts.append(f'<p>{t["site_total"].format(n=total)}</p>')
    for name in TABLES:
        table = build(name, data, lang)
        parts.append(f'<section aria-labelledby="h-{name}"><h2 id="h-{name}">'
                     f"{escape(table.title)}</h2>")
        if not table.rows:
            parts.append(f'<p>{t["none"]}</p></section>')
            continue
        body = _table_html(table) + _downloads(table, lang, params)
        if name in CHARTED:
            parts.append(charts.figure(table.title, _chart(name, table, data, lang), body))
        else:
            parts.append(body)
        parts.append("</section>")
    parts.append(charts.STYLE)
    library = request.app[LIBRARIES].get(scope.library or "")
    title = t["library_title"].format(name=library.name) if library else t["title"]
    return page(request, title, "".join(parts), lang=lang)


async def stats_download(request: web.Request) -> web.Response:
    """One table of the page as CSV or XLSX (same scope, same rows)."""
    name, fmt = request.match_info["name"], request.match_info["fmt"]
    if name not in TABLES:
        raise web.HTTPNotFound()
    lang = lang_of(request)
    scope = await scope_of(request)
    table = build(name, await everything(request, scope), lang)
    stem = f"mucluc-{name}" + (f"-{scope.library}" if scope.library else "")
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", stem)  # a header value, whatever the code holds
    if fmt == "csv":
        body, kind = as_csv(table), "text/csv; charset=utf-8"
    else:
        body = as_xlsx(table)
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return web.Response(body=body, headers={
        "Content-Type": kind, "Cache-Control": "no-store",
        "Content-Disposition": f'attachment; filename="{stem}.{fmt}"',
    })  # fmt: skip


def add_stats_pages(app: web.Application) -> None:
    app.router.add_get("/console/stats", stats_page)
    app.router.add_get(r"/console/stats/{name:[a-z-]+}.{fmt:csv|xlsx}", stats_download)
