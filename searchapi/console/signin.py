"""Signing in and out of the console, and its first page.

A librarian signs in with the key the administrator gave them (``mucluc access grant`` prints
it with a sign-in link whose ``#key=…`` fragment never reaches the server or its logs: the
page's script moves it into the form). The answer is a session cookie: HttpOnly,
SameSite=Strict, and Secure when the page is served over TLS (directly, or through a trusted
proxy that says ``https``).
"""

from __future__ import annotations

import asyncio
import ipaddress
from html import escape

from aiohttp import web

from mucluc.core.errors import ApiError
from searchapi.clients import TRUSTED_PROXIES, client_address
from searchapi.console.access import (
    accounts,
    check_csrf,
    csrf_field,
    require,
)
from searchapi.console.layout import href, lang_of, page
from searchapi.console.sessions import COOKIE, SESSION_SECONDS, make_session
from searchapi.console.state import console
from searchapi.state import LIBRARIES

TEXT = {
    "vi": {"title": "Đăng nhập", "key": "Khoá truy cập", "go": "Đăng nhập",
           "help": "Dán khoá truy cập mà quản trị viên tỉnh đã cấp cho thư viện của bạn.",
           "bad": "Khoá không đúng hoặc đã bị thu hồi.",
           "blocked": "Đăng nhập sai quá nhiều lần từ địa chỉ này; hãy thử lại sau 15 phút.",
           "home": "Bàn làm việc", "upload": "Gửi tệp biểu ghi", "jobs": "Các lần gửi tệp",
           "libraries": "Các thư viện", "audit": "Nhật ký thao tác",
           "status": "Tình trạng", "stats": "Thống kê"},
    "en": {"title": "Sign in", "key": "Access key", "go": "Sign in",
           "help": "Paste the access key the province administrator gave your library.",
           "bad": "The key is wrong or has been revoked.",
           "blocked": "Too many failed sign-ins from this address; try again in 15 minutes.",
           "home": "Console", "upload": "Upload a file of records", "jobs": "Uploads",
           "libraries": "Libraries", "audit": "Audit log",
           "status": "Status", "stats": "Statistics"},
}
#: Moves ``#key=…`` from the sign-in link into the form and out of the address bar.
FRAGMENT_SCRIPT = """<script>
(function(){var m=location.hash.match(/[#&]key=([^&]+)/);if(!m)return;
document.getElementById('key').value=decodeURIComponent(m[1]);
history.replaceState(null,'',location.pathname+location.search);})();
</script>"""


def is_tls(request: web.Request) -> bool:
    """Served over TLS: directly, or by a trusted proxy that says so (``X-Forwarded-Proto`` or
    ``Forwarded: proto=https``)."""
    if request.secure:
        return True
    proxies = request.app.get(TRUSTED_PROXIES, ())
    try:
        peer = ipaddress.ip_address(request.remote or "")
    except ValueError:
        return False
    if not any(peer in network for network in proxies):
        return False
    proto = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    forwarded = request.headers.get("Forwarded", "").lower()
    return proto == "https" or "proto=https" in forwarded.replace(" ", "")


def see_other(location: str) -> web.Response:
    """A 303 to ``location`` (after a form: the browser asks for it with GET)."""
    return web.Response(status=303, headers={"Location": location, "Cache-Control": "no-store"})


def _next(target: str | None) -> str:
    """Where to go after signing in: a console page of this site, else the console's home."""
    if target and target.startswith("/console/") and "//" not in target and "\\" not in target:
        return target
    return "/console/"


def _form(request: web.Request, lang: str, target: str, error: str = "") -> str:
    t = TEXT[lang]
    alert = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    return f"""{alert}<p>{t["help"]}</p>
<form method="post" action="{href("/console/sign-in", lang)}">
{csrf_field(request)}<input type="hidden" name="next" value="{escape(target)}">
<label for="key">{t["key"]}</label>
<input id="key" name="key" type="password" autocomplete="off" required maxlength="200">
<button type="submit">{t["go"]}</button>
</form>{FRAGMENT_SCRIPT}"""


async def sign_in_page(request: web.Request) -> web.Response:
    lang = lang_of(request)
    target = _next(request.query.get("next"))
    return page(request, TEXT[lang]["title"], _form(request, lang, target), lang=lang)


async def sign_in(request: web.Request) -> web.Response:
    lang = lang_of(request)
    t = TEXT[lang]
    failures = console(request).failures
    client = client_address(request)
    if failures.blocked(client):
        raise ApiError(429, "too_many_failures", t["blocked"])
    form = await request.post()
    await check_csrf(request, form)
    target = _next(str(form.get("next", "")))
    key = form.get("key")
    record = await accounts(request).verify(key) if isinstance(key, str) else None
    if record is None:
        delay = failures.fail(client)
        if delay:
            await asyncio.sleep(delay)
        return page(request, t["title"], _form(request, lang, target, t["bad"]), lang=lang,
                    status=401)
    failures.forget(client)
    secret = await accounts(request).secret()
    response = see_other(target + ("?lang=en" if lang == "en" and "?" not in target else ""))
    response.set_cookie(COOKIE, make_session(secret, record.key_id), max_age=SESSION_SECONDS,
                        path="/", httponly=True, samesite="Strict", secure=is_tls(request))
    return response


async def sign_out(request: web.Request) -> web.Response:
    await check_csrf(request, await request.post())
    response = see_other("/console/sign-in" + ("?lang=en" if lang_of(request) == "en" else ""))
    response.del_cookie(COOKIE, path="/")
    return response


async def home(request: web.Request) -> web.Response:
    """The console's first page: a librarian's own library, or every library for the
    administrator, with links to uploading and to the uploads made."""
    who = await require(request)
    lang = lang_of(request)
    t = TEXT[lang]
    libraries = request.app[LIBRARIES]
    codes = sorted(libraries) if who.is_admin else [who.library or ""]
    rows = []
    for code in codes:
        library = libraries.get(code)
        name = escape(library.name if library else code)
        rows.append(
            f'<tr><th scope="row">{escape(code)}</th><td>{name}</td>'
            f'<td><a href="{href(f"/console/{code}/upload", lang)}">{t["upload"]}</a></td>'
            f'<td><a href="{href(f"/console/{code}/jobs", lang)}">{t["jobs"]}</a></td>'
            f'<td><a href="{href(f"/console/{code}", lang)}">{t["status"]}</a></td></tr>')
    body = (f'<div class="table-wrap"><table><caption>{t["libraries"]}</caption>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')
    body += f'<p><a href="{href("/console/stats", lang)}">{t["stats"]}</a></p>'
    if who.is_admin:
        body += f'<p><a href="{href("/console/audit", lang)}">{t["audit"]}</a></p>'
    return page(request, t["home"], body, lang=lang)
