"""Jobs and their reports: ``GET /api/v1/jobs/{id}`` (JSON), the job's page with its progress
and report, the list of a library's uploads, and the report as CSV or XLSX.

A report says what the upload did: loaded (new, updated, unchanged), rejected records (file,
position, record number, reason), repairs of legacy-encoded text, warnings. Only the library's
own librarians and the administrators may see it (403 for anyone else).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from html import escape
from typing import Any

from aiohttp import web

from indexer.console_records import job as read_job
from indexer.console_records import jobs_of
from mucluc.core.errors import ApiError
from searchapi.console.access import PageError, is_api, may_act_for, require
from searchapi.console.layout import href, lang_of, page
from searchapi.state import STORE

PUBLIC_FIELDS = ("id", "library", "key_id", "state", "file", "format", "bytes", "records",
                 "created_at", "started_at", "finished_at", "progress", "error", "report")
TEXT = {
    "vi": {"job": "Kết quả gửi tệp {file}", "jobs": "Các lần gửi tệp — {library}",
           "state": "Trạng thái", "queued": "đang chờ", "running": "đang nạp",
           "done": "đã xong", "failed": "không nạp được", "progress": "Tiến độ",
           "read": "Đã đọc", "new": "Mới", "updated": "Cập nhật", "unchanged": "Không đổi",
           "skipped": "Bị từ chối", "merged": "Gộp", "withdrawn": "Rút khỏi mục lục",
           "repaired": "Đã sửa mã chữ", "rejected": "Biểu ghi bị từ chối",
           "repairs": "Sửa lỗi mã chữ cũ (TCVN3, VNI…)", "warnings": "Cảnh báo",
           "file": "Tệp", "position": "Vị trí", "record": "Số biểu ghi", "reason": "Lý do",
           "field": "Trường", "before": "Trước", "after": "Sau", "message": "Nội dung",
           "download": "Tải báo cáo", "none": "Không có.", "when": "Gửi lúc",
           "key": "Khoá", "upload": "Gửi tệp mới", "empty": "Chưa có lần gửi tệp nào.",
           "more": "và {n} dòng nữa (xem tệp tải về).", "page": "Trang {n}",
           "balance": "Cân đối", "error": "Lý do"},
    "en": {"job": "Upload of {file}", "jobs": "Uploads — {library}",
           "state": "State", "queued": "queued", "running": "loading", "done": "done",
           "failed": "failed", "progress": "Progress", "read": "Read", "new": "New",
           "updated": "Updated", "unchanged": "Unchanged", "skipped": "Rejected",
           "merged": "Merged", "withdrawn": "Withdrawn", "repaired": "Text repaired",
           "rejected": "Rejected records", "repairs": "Legacy encodings repaired",
           "warnings": "Warnings", "file": "File", "position": "Position",
           "record": "Record number", "reason": "Reason", "field": "Field", "before": "Before",
           "after": "After", "message": "Message", "download": "Download the report",
           "none": "None.", "when": "Sent at", "key": "Key", "upload": "Upload another file",
           "empty": "No uploads yet.", "more": "and {n} more rows (see the download).",
           "page": "Page {n}", "balance": "Balance", "error": "Reason"},
}
SHOWN = 500
COUNTS = ("read", "new", "updated", "unchanged", "skipped", "merged", "withdrawn", "repaired")
#: Spreadsheet programs run cells starting with these as formulas (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Polls the job while it runs; the page reloads with the report when it ends.
POLL_SCRIPT = """<script>
(function(){var box=document.getElementById('progress');if(!box)return;
var url=box.getAttribute('data-job');
function tick(){fetch(url,{credentials:'same-origin'}).then(function(r){return r.json();})
.then(function(j){if(j.state==='done'||j.state==='failed'){location.reload();return;}
var p=j.progress||{};var bar=document.getElementById('bar');
if(p.total){bar.max=p.total;bar.value=p.read||0;}
document.getElementById('count').textContent=(p.read||0)+' / '+(p.total||'?');
setTimeout(tick,1000);}).catch(function(){setTimeout(tick,3000);});}
setTimeout(tick,1000);})();
</script>"""


async def _job_for(request: web.Request) -> dict[str, Any]:
    """The job named in the path, if the request's principal may see it (401/403/404)."""
    who = await require(request, library=request.match_info.get("code"))
    found = await read_job(request.app[STORE], request.match_info["id"])
    code = request.match_info.get("code")
    if found is None or (code is not None and found["library"] != code):
        raise ApiError(404, "unknown_job", "There is no such upload job.")
    if not may_act_for(who, found["library"]):
        if is_api(request):
            raise ApiError(403, "forbidden", "This key may not see another library's jobs.")
        raise PageError(403, "forbidden", "This key may not see another library's jobs.")
    return found


async def job_api(request: web.Request) -> web.Response:
    """``GET /api/v1/jobs/{id}`` → ``{"id", "state", "report", …}`` (never cached)."""
    found = await _job_for(request)
    return web.json_response({k: found.get(k) for k in PUBLIC_FIELDS},
                             headers={"Cache-Control": "no-store"})


def _table(caption: str, headings: list[str], rows: list[list[Any]], total: int,
           t: dict[str, str]) -> str:
    if not rows:
        return f"<h2>{escape(caption)}</h2><p>{t['none']}</p>"
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headings)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(v if v is not None else ''))}</td>"
                                    for v in row) + "</tr>" for row in rows[:SHOWN])
    more = (f"<p>{escape(t['more'].format(n=total - min(len(rows), SHOWN)))}</p>"
            if total > min(len(rows), SHOWN) else "")
    return (f'<h2>{escape(caption)}</h2><div class="table-wrap"><table><caption>'
            f'{escape(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody>'
            f"</table></div>{more}")


def report_rows(report: dict[str, Any]) -> dict[str, tuple[list[str], list[list[Any]]]]:
    """The report's three lists as rows, under language-neutral names."""
    return {
        "rejected": (["file", "position", "record", "reason"],
                     [[p.get("source"), p.get("offset"), p.get("record_id"), p.get("reason")]
                      for p in report.get("problems", [])]),
        "repairs": (["record", "field", "before", "after"],
                    [[r.get("record"), r.get("field"), r.get("before"), r.get("after")]
                     for r in report.get("repairs", [])]),
        "warnings": (["file", "position", "record", "field", "message"],
                     [[w.get("source"), w.get("row"), w.get("record_id"), w.get("field"),
                       w.get("message") + (f" ({w['hint']})" if w.get("hint") else "")]
                      for w in report.get("warnings", [])
                      if w.get("kind") not in {"file-read", "sheet-read"}]),
    }


async def job_page(request: web.Request) -> web.Response:
    found = await _job_for(request)
    lang = lang_of(request)
    t = TEXT[lang]
    code, job_id = found["library"], found["id"]
    state = found["state"]
    parts = [f'<p><strong>{t["state"]}:</strong> <span id="state">{t[state]}</span> · '
             f'{t["when"]} {escape(found["created_at"])} · {t["key"]} '
             f'{escape(found["key_id"])}</p>']
    if state in {"queued", "running"}:
        progress = found.get("progress") or {}
        parts.append(
            f'<div id="progress" data-job="/api/v1/jobs/{escape(job_id)}">'
            f'<label for="bar">{t["progress"]}</label> '
            f'<progress id="bar" max="{int(progress.get("total") or 1)}" '
            f'value="{int(progress.get("read") or 0)}"></progress> '
            f'<span id="count" aria-live="polite">{int(progress.get("read") or 0)} / '
            f'{int(progress.get("total") or 0) or "?"}</span></div>{POLL_SCRIPT}')
    if found.get("error"):
        parts.append(f'<p class="error" role="alert"><strong>{t["error"]}:</strong> '
                     f'{escape(found["error"]["message"])}</p>')
    report = found.get("report")
    if report:
        counts = "".join(f"<li><b>{int(report.get(name, 0))}</b>{t[name]}</li>"
                         for name in COUNTS)
        parts.append(f'<ul class="counts">{counts}</ul>'
                     f'<p>{t["balance"]}: {escape(report.get("balance", ""))}</p>')
        downloads = " · ".join(
            f'<a href="{href(f"/console/{code}/jobs/{job_id}/report.{ext}", lang)}" '
            f'download>{t["download"]} ({ext.upper()})</a>' for ext in ("csv", "xlsx"))
        parts.append(f"<p>{downloads}</p>")
        rows = report_rows(report)
        headings = {"rejected": [t["file"], t["position"], t["record"], t["reason"]],
                    "repairs": [t["record"], t["field"], t["before"], t["after"]],
                    "warnings": [t["file"], t["position"], t["record"], t["field"],
                                 t["message"]]}
        totals = {"rejected": report.get("problems_total", len(rows["rejected"][1])),
                  "repairs": report.get("repairs_total", len(rows["repairs"][1])),
                  "warnings": len(rows["warnings"][1])}
        for name, caption in (("rejected", t["rejected"]), ("repairs", t["repairs"]),
                              ("warnings", t["warnings"])):
            parts.append(_table(caption, headings[name], rows[name][1], totals[name], t))
    parts.append(f'<p><a href="{href(f"/console/{code}/upload", lang)}">{t["upload"]}</a></p>')
    return page(request, t["job"].format(file=found["file"]), "\n".join(parts), lang=lang)


async def jobs_page(request: web.Request) -> web.Response:
    code = request.match_info["code"]
    await require(request, library=code)
    lang = lang_of(request)
    t = TEXT[lang]
    try:
        number = max(1, int(request.query.get("page", "1")))
    except ValueError:
        number = 1
    listing = await jobs_of(request.app[STORE], code, page=number)
    rows = "".join(
        f'<tr><td><a href="{href("/console/" + code + "/jobs/" + j["id"], lang)}">'
        f'{escape(j["file"])}</a></td><td>{escape(j["created_at"])}</td>'
        f'<td>{t.get(j["state"], escape(j["state"]))}</td><td>{int(j.get("records") or 0)}</td>'
        f'<td>{escape(j["key_id"])}</td></tr>' for j in listing.items)
    body = (f'<div class="table-wrap"><table><caption>{escape(t["jobs"].format(library=code))}'
            f'</caption><thead><tr><th scope="col">{t["file"]}</th><th scope="col">{t["when"]}'
            f'</th><th scope="col">{t["state"]}</th><th scope="col">{t["read"]}</th>'
            f'<th scope="col">{t["key"]}</th></tr></thead><tbody>{rows}</tbody></table></div>'
            if listing.items else f"<p>{t['empty']}</p>")
    pages = (listing.total + listing.size - 1) // listing.size
    if pages > 1:
        body += "<nav aria-label=\"pages\"><p>" + " ".join(
            f'<a href="{href(f"/console/{code}/jobs", lang, page=n)}"'
            f'{" aria-current=page" if n == number else ""}>{t["page"].format(n=n)}</a>'
            for n in range(1, pages + 1)) + "</p></nav>"
    body += f'<p><a href="{href(f"/console/{code}/upload", lang)}">{t["upload"]}</a></p>'
    return page(request, t["jobs"].format(library=code), body, lang=lang)


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export_rows(found: dict[str, Any], lang: str) -> Iterator[list[Any]]:
    """One table: a heading row, then every rejected record, repair and warning kept."""
    t = TEXT[lang]
    yield ["", t["file"], t["position"], t["record"], t["field"], t["reason"], t["before"],
           t["after"]]
    rows = report_rows(found.get("report") or {})
    for p in rows["rejected"][1]:
        yield [t["rejected"], p[0], p[1], p[2], "", p[3], "", ""]
    for r in rows["repairs"][1]:
        yield [t["repairs"], found["file"], "", r[0], r[1], "", r[2], r[3]]
    for w in rows["warnings"][1]:
        yield [t["warnings"], w[0], w[1], w[2], w[3], w[4], "", ""]


async def report_csv(request: web.Request) -> web.Response:
    found = await _job_for(request)
    out = io.StringIO()
    writer = csv.writer(out)
    for row in export_rows(found, lang_of(request)):
        writer.writerow([_cell(v if v is not None else "") for v in row])
    return _download(found, "csv", ("\ufeff" + out.getvalue()).encode("utf-8"),
                     "text/csv; charset=utf-8")


async def report_xlsx(request: web.Request) -> web.Response:
    import openpyxl

    found = await _job_for(request)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "report"
    for row in export_rows(found, lang_of(request)):
        sheet.append([_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return _download(found, "xlsx", out.getvalue(),
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _download(found: dict[str, Any], ext: str, body: bytes, content_type: str) -> web.Response:
    name = f"bao-cao-{found['library']}-{found['id']}.{ext}"
    return web.Response(body=body, headers={
        "Content-Type": content_type, "Cache-Control": "no-store",
        "Content-Disposition": f'attachment; filename="{name}"',
        "X-Content-Type-Options": "nosniff"})
