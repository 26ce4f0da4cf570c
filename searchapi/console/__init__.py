"""The librarians' console: access keys and sessions, uploads as jobs, their reports, the audit
log (issue 14, part A). Part B (statistics, scheduled harvests, status pages) registers its own
routes next to these with ``add_stats_routes(app)``.

The access interface other pages use lives in :mod:`searchapi.console.access` (re-exported
here); the page layout in :mod:`searchapi.console.layout`.
"""

from __future__ import annotations

from html import escape

from aiohttp import web

from mucluc.core.errors import ApiError
from searchapi.console.access import (
    PageError,
    Principal,
    audit,
    check_csrf,
    csrf_field,
    may_act_for,
    principal,
    require,
)
from searchapi.console.layout import lang_of, page
from searchapi.console.state import CONSOLE, ConsoleState, Limits
from searchapi.errors import Handler

__all__ = [
    "Limits",
    "Principal",
    "add_console_routes",
    "audit",
    "check_csrf",
    "csrf_field",
    "may_act_for",
    "principal",
    "require",
]

TITLES = {
    401: {"vi": "Cần đăng nhập", "en": "Sign-in needed"},
    403: {"vi": "Không được phép", "en": "Not allowed"},
    404: {"vi": "Không tìm thấy", "en": "Not found"},
    413: {"vi": "Tệp quá lớn", "en": "File too large"},
    429: {"vi": "Quá nhiều lần thử", "en": "Too many attempts"},
}


@web.middleware
async def console_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """On ``/console/`` pages: find the principal first (so :func:`csrf_field` works in any
    handler) and answer refusals as HTML pages rather than the API's JSON."""
    if not request.path.startswith("/console"):
        return await handler(request)
    try:
        await principal(request)
        return await handler(request)
    except (PageError, ApiError) as exc:
        lang = lang_of(request)
        title = TITLES.get(exc.status, {}).get(lang, TITLES[403][lang])
        body = f'<p class="error" role="alert">{escape(exc.message)}</p>'
        return page(request, title, body, lang=lang, status=exc.status)


def add_console_routes(app: web.Application, *, limits: Limits | None = None) -> None:
    """Register the console's pages and API routes on ``app`` (once, in the app factory)."""
    from searchapi.console import audit_log, reports, signin, uploads

    app[CONSOLE] = ConsoleState(limits=limits or Limits())
    app.middlewares.append(console_middleware)
    app.router.add_get("/console", _to_home)
    app.router.add_get("/console/", signin.home)
    app.router.add_get("/console/sign-in", signin.sign_in_page)
    app.router.add_post("/console/sign-in", signin.sign_in)
    app.router.add_post("/console/sign-out", signin.sign_out)
    app.router.add_get("/console/audit", audit_log.audit_page)
    app.router.add_get("/console/{code}/upload", uploads.upload_page)
    app.router.add_post("/console/{code}/upload", uploads.upload_form)
    app.router.add_get("/console/{code}/jobs", reports.jobs_page)
    app.router.add_get("/console/{code}/jobs/{id}", reports.job_page)
    app.router.add_get("/console/{code}/jobs/{id}/report.csv", reports.report_csv)
    app.router.add_get("/console/{code}/jobs/{id}/report.xlsx", reports.report_xlsx)
    app.router.add_post("/api/v1/libraries/{code}/uploads", uploads.upload_api)
    app.router.add_get("/api/v1/jobs/{id}", reports.job_api)
    app.on_shutdown.append(_stop_jobs)


async def _to_home(request: web.Request) -> web.Response:
    return web.Response(status=302, headers={"Location": "/console/"})


async def _stop_jobs(app: web.Application) -> None:
    """Uploads still running when the service stops are marked failed ("interrupted")."""
    await app[CONSOLE].runner().cancel()
