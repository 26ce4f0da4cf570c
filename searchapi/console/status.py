"""``/console/{code}``: one library's status page, and ``POST /console/{code}/harvest``.

What a librarian needs to see at a glance about their library in the union catalogue: its
counts (titles, records, copies), each source with its schedule, last run and result, next run
and a "harvest now" button, the records the last run of each source rejected with their reasons
(from the run's own report, :mod:`harvesters.reports`), and the trend of its records by month.
A librarian sees their own library's page; the administrator any library's.

"Harvest now" is a form (one-time CSRF token, :func:`~searchapi.console.access.check_csrf`),
audit-logged, and only marks the source due: the scheduler's lease still decides who runs it,
so pressing it twice, or on two workers, never starts two runs.
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from html import escape
from pathlib import Path
from typing import Any

from aiohttp import web

from harvesters.reports import RunReport, read_last_run
from indexer import statistics
from indexer.harvest_run import Job
from indexer.scheduler import SourceState
from mucluc.core.errors import ApiError
from mucluc.core.schedule import VIETNAM
from searchapi.console import charts
from searchapi.console.access import audit, check_csrf, csrf_field, require
from searchapi.console.layout import href, lang_of, page
from searchapi.console.stats import CACHE
from searchapi.console.status_harvests import HARVESTS, SCHEDULER, harvest_now, jobs_of
from searchapi.state import LIBRARIES, STORE

SHOWN_PROBLEMS = 100
TEXT = {
    "vi": {
        "title": "Tình trạng — {name}", "counts": "Số liệu", "titles": "Tên sách",
        "records": "Biểu ghi", "copies": "Bản sách", "sources": "Nguồn dữ liệu",
        "source": "Nguồn", "protocol": "Giao thức", "schedule": "Lịch thu thập",
        "last": "Lần chạy trước", "result": "Kết quả", "next": "Lần chạy tới",
        "action": "Thao tác", "now": "Thu thập ngay", "on_demand": "khi được yêu cầu",
        "never": "chưa chạy", "running": "đang chạy", "requested": "đã yêu cầu",
        "no_sources": "Thư viện chưa khai báo nguồn thu thập nào (mucluc.toml).",
        "rejected": "Biểu ghi bị từ chối ở lần chạy trước — {source}",
        "none_rejected": "Lần chạy trước của {source} không từ chối biểu ghi nào.",
        "record": "Số biểu ghi", "position": "Vị trí", "reason": "Lý do",
        "trend": "Biểu ghi theo tháng (luỹ kế)",
        "trend_desc": "Tổng số biểu ghi của thư viện ở cuối mỗi tháng.",
        "month": "Tháng", "cumulative": "Luỹ kế", "new": "Mới",
        "started": "Đã yêu cầu thu thập {source}; việc thu thập sẽ bắt đầu trong giây lát.",
        "busy": "{source} đang được thu thập; hãy đợi lần chạy này xong.",
        "time_zone": "giờ Việt Nam", "stats": "Thống kê của thư viện",
        "counts_line": "{fetched} nhận, {new} mới, {updated} cập nhật, {rejected} bị từ chối",
        "ok": "thành công", "failed": "thất bại", "problems": "có lỗi", "empty": "không có gì",
        "more": "… và {n} biểu ghi khác (xem báo cáo đầy đủ).",
    },
    "en": {
        "title": "Status — {name}", "counts": "Counts", "titles": "Titles",
        "records": "Records", "copies": "Copies", "sources": "Sources",
        "source": "Source", "protocol": "Protocol", "schedule": "Schedule",
        "last": "Last run", "result": "Result", "next": "Next run",
        "action": "Action", "now": "Harvest now", "on_demand": "on demand",
        "never": "never run", "running": "running", "requested": "requested",
        "no_sources": "The library declares no sources to harvest (mucluc.toml).",
        "rejected": "Records rejected by the last run — {source}",
        "none_rejected": "The last run of {source} rejected no record.",
        "record": "Record number", "position": "Position", "reason": "Reason",
        "trend": "Records by month (cumulative)",
        "trend_desc": "The library's total records at the end of each month.",
        "month": "Month", "cumulative": "Cumulative", "new": "New",
        "started": "Harvest of {source} requested; it starts in a moment.",
        "busy": "{source} is being harvested; wait for this run to end.",
        "time_zone": "Vietnam time", "stats": "The library's statistics",
        "counts_line": "{fetched} received, {new} new, {updated} updated, {rejected} rejected",
        "ok": "ok", "failed": "failed", "problems": "with problems", "empty": "nothing",
        "more": "… and {n} more records (see the full report).",
    },
}  # fmt: skip


def _when(moment: datetime | None, lang: str) -> str:
    if moment is None:
        return ""
    return moment.astimezone(VIETNAM).strftime("%Y-%m-%d %H:%M")


def _library(request: web.Request) -> str:
    code = request.match_info["code"]
    if code not in request.app[LIBRARIES]:
        raise ApiError(404, "unknown_library", f"There is no library {code!r}.")
    return code


def _full_report(report: RunReport | None) -> dict[str, Any]:
    """The run's full written report (with its rejected records), or {} when unreadable."""
    if report is None or not report.report:
        return {}
    try:
        raw = json.loads(Path(report.report).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return raw if isinstance(raw, dict) else {}


async def _source_rows(
    request: web.Request, jobs: list[Job], lang: str
) -> tuple[list[str], list[str]]:
    """(rows of the sources table, sections of rejected records)."""
    t = TEXT[lang]
    app = request.app
    harvests = app.get(HARVESTS)
    scheduler = app.get(SCHEDULER)
    rows, rejected = [], []
    for job in jobs:
        state = (await scheduler.leases.state(job.name) if scheduler is not None
                 else SourceState.of(job.name, None))  # fmt: skip
        last = (await asyncio.to_thread(read_last_run, harvests.places.reports, job.name)
                if harvests is not None else None)  # fmt: skip
        planned = str(job.spec.get("schedule") or t["on_demand"])
        if state.state == "running":
            result = t["running"]
        elif last is not None:
            counts = t["counts_line"].format(fetched=last.fetched, new=last.new,
                                             updated=last.updated, rejected=last.rejected)
            result = f"{t.get(last.status, last.status)}: {counts}"
            if last.error:
                result += f" — {last.error}"
        else:
            result = t[state.last_status] if state.last_status in t else t["never"]
        last_time = _when(state.last_finished, lang) or (last.finished_at[:16].replace("T", " ")
                                                         if last else "")
        next_time = t["requested"] if state.requested else _when(state.next_run, lang)
        action = ""
        if scheduler is not None:
            label = f'{t["now"]}<span class="visually-hidden">: {escape(job.name)}</span>'
            action = (f'<form method="post" action="'
                      f'{href(f"/console/{job.library.code}/harvest", lang)}">'
                      f'{csrf_field(request)}<input type="hidden" name="source" '
                      f'value="{escape(job.name)}"><button type="submit">{label}</button></form>')
        rows.append(
            f'<tr><th scope="row">{escape(job.name)}</th><td>{escape(job.protocol)}</td>'
            f"<td>{escape(planned)}</td><td>{escape(last_time or t['never'])}</td>"
            f"<td>{escape(result)}</td><td>{escape(next_time)}</td><td>{action}</td></tr>"
        )
        if last is not None:
            rejected.append(await _rejected(job.name, last, lang))
    return rows, rejected


async def _rejected(source: str, last: RunReport, lang: str) -> str:
    t = TEXT[lang]
    heading = f"<h3>{escape(t['rejected'].format(source=source))}</h3>"
    problems = (await asyncio.to_thread(_full_report, last)).get("problems", [])
    if not last.rejected and not problems:
        return f"<p>{escape(t['none_rejected'].format(source=source))}</p>"
    rows = [(str(p.get("record_id") or ""), "" if p.get("offset") is None else str(p["offset"]),
             str(p.get("reason", ""))) for p in problems[:SHOWN_PROBLEMS]]  # fmt: skip
    table = charts.table(t["rejected"].format(source=source),
                         (t["record"], t["position"], t["reason"]), rows)
    more = max(0, last.rejected - len(rows))
    tail = f"<p>{escape(t['more'].format(n=more))}</p>" if more else ""
    return f'{heading}<div class="table-wrap">{table}</div>{tail}'


async def status_page(request: web.Request) -> web.Response:
    code = request.match_info["code"]
    await require(request, library=code)
    code = _library(request)
    lang = lang_of(request)
    t = TEXT[lang]
    app = request.app
    library = app[LIBRARIES][code]
    parts: list[str] = []
    notice = request.query.get("harvest", "")
    source = request.query.get("source", "")
    if notice in ("started", "busy"):
        kind = "ok" if notice == "started" else "notice"
        parts.append(f'<p class="{kind}" role="status">'
                     f'{escape(t[notice].format(source=source))}</p>')
    held = (await app[CACHE].holdings(app)).libraries.get(code, statistics.Tally())
    parts.append(
        f'<h2>{t["counts"]}</h2><ul class="counts">'
        f'<li><b>{charts.number(held.titles)}</b>{t["titles"]}</li>'
        f'<li><b>{charts.number(held.records)}</b>{t["records"]}</li>'
        f'<li><b>{charts.number(held.copies)}</b>{t["copies"]}</li></ul>'
        f'<p><a href="{href("/console/stats", lang, library=code)}">{t["stats"]}</a></p>'
    )
    jobs = jobs_of(app, code)
    parts.append(f'<h2>{t["sources"]}</h2>')
    if jobs:
        rows, rejected = await _source_rows(request, jobs, lang)
        headers = "".join(f'<th scope="col">{t[k]}</th>' for k in
                          ("source", "protocol", "schedule", "last", "result", "next", "action"))
        parts.append(
            f'<div class="table-wrap"><table><caption>{t["sources"]} '
            f'({escape(t["time_zone"])})</caption><thead><tr>{headers}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>'
        )
        parts.extend(rejected)
    else:
        parts.append(f'<p>{t["no_sources"]}</p>')
    months = await statistics.growth(app[STORE], app[LIBRARIES], library=code)
    parts.append(f'<h2>{t["trend"]}</h2>')
    if months:
        labels = [m["month"] for m in months]
        svg = charts.bar_chart(t["trend"], t["trend_desc"], labels,
                               [m["cumulative"] for m in months])
        table = charts.table(t["trend"], (t["month"], t["new"], t["cumulative"]),
                             [(m["month"], m["new_records"], m["cumulative"]) for m in months])
        parts.append(charts.figure(t["trend"], svg, f'<div class="table-wrap">{table}</div>'))
    parts.append(charts.STYLE)
    return page(request, t["title"].format(name=library.name), "".join(parts), lang=lang)


async def harvest(request: web.Request) -> web.Response:
    """``POST /console/{code}/harvest``: "harvest now" for one of the library's sources."""
    code = request.match_info["code"]
    who = await require(request, library=code)
    code = _library(request)
    form = await request.post()
    await check_csrf(request, form)
    name = str(form.get("source", ""))
    found = [job for job in jobs_of(request.app, code) if job.name == name]
    if not found or SCHEDULER not in request.app:
        raise ApiError(404, "unknown_source", f"Library {code} has no source {name!r}.")
    asked = await harvest_now(request.app, found[0])
    await audit(request, who, "harvest", name,
                {"library": code, "source": name, "started": asked})
    location = href(f"/console/{code}", lang_of(request),
                    harvest="started" if asked else "busy", source=name)
    return web.Response(status=303, headers={"Location": location.replace("&amp;", "&"),
                                             "Cache-Control": "no-store"})


def add_status_pages(app: web.Application) -> None:
    """Register after the console's own pages (``/console/audit`` … match first)."""
    app.router.add_get("/console/{code}", status_page)
    app.router.add_post("/console/{code}/harvest", harvest)
