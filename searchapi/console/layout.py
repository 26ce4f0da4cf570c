"""The console's page layout, shared by every ``/console/…`` page (access, uploads, reports,
audit, and the statistics and status pages of part B).

:func:`page` wraps a body of HTML (built by the caller with every value passed through
:func:`html.escape`) in the catalogue's own styles (``searchapi.pages_render.CSS``), a skip link,
a header with the console's links, the language switch and the sign-out button. Vietnamese is
the default; ``?lang=en`` (kept in every console link by :func:`href`) gives English.
"""

from __future__ import annotations

from html import escape
from urllib.parse import parse_qsl, urlencode, urlsplit

from aiohttp import web

from searchapi.console.access import csrf_field, known_principal
from searchapi.pages_render import CSS

LANGS = ("vi", "en")
CONSOLE_CSS = """
.console-nav{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;margin-top:8px}
.console-nav form{margin:0}
.console-nav button{border-color:#fff}
.notice{background:#fff4ce;border-left:4px solid #8a6100;padding:8px 12px;margin:12px 0}
.ok{background:#e6f4ea;border-left:4px solid #1e6b34;padding:8px 12px;margin:12px 0}
.error{background:#fdecea;border-left:4px solid #a4262c;padding:8px 12px;margin:12px 0}
main form{display:block}
main form label{display:block;font-weight:600;margin:12px 0 4px}
main input[type=text],main input[type=password],main select{width:100%;max-width:40rem}
main button{border-color:#0b5cad;margin-top:12px}
main input[type=file]{border:none;padding:6px 0}
.drop{border:3px dashed #6e6e6e;border-radius:8px;padding:24px;text-align:center;margin:12px 0}
.drop.over{border-color:#0b5cad;background:#eef5fc}
.counts{display:grid;grid-template-columns:repeat(auto-fill,minmax(9rem,1fr));gap:8px;
margin:12px 0;padding:0;list-style:none}
.counts li{background:#f3f5f8;border-radius:6px;padding:8px}
.counts b{display:block;font-size:1.4rem}
.table-wrap{overflow-x:auto}
progress{width:100%;max-width:40rem;height:1.2rem}
"""
TEXT = {
    "vi": {"console": "Bàn làm việc thủ thư", "site": "Mục lục liên thông",
           "skip": "Bỏ qua đến nội dung chính", "other_lang": "English",
           "home": "Trang đầu", "sign_out": "Đăng xuất", "audit": "Nhật ký thao tác",
           "signed_in_as": "Khoá {key} — {who}", "admin": "quản trị viên tỉnh",
           "librarian": "thủ thư thư viện {library}"},
    "en": {"console": "Librarians' console", "site": "Union catalogue",
           "skip": "Skip to main content", "other_lang": "Tiếng Việt",
           "home": "Home", "sign_out": "Sign out", "audit": "Audit log",
           "signed_in_as": "Key {key} — {who}", "admin": "province administrator",
           "librarian": "librarian of {library}"},
}


def lang_of(request: web.Request) -> str:
    """``en`` when the page was asked for in English (``?lang=en``), else ``vi``."""
    lang = request.query.get("lang", "vi").strip().lower()[:2]
    return lang if lang in LANGS else "vi"


def href(path: str, lang: str, **params: str | int) -> str:
    """A console link (escaped for an attribute) keeping the page's language."""
    query = {k: str(v) for k, v in params.items() if v not in (None, "")}
    if lang != "vi":
        query["lang"] = lang
    return escape(path + ("?" + urlencode(query) if query else ""))


def _switch(request: web.Request, lang: str) -> str:
    parts = urlsplit(request.path_qs)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "lang"]
    if lang == "vi":
        query.append(("lang", "en"))
    return escape(parts.path + ("?" + urlencode(query) if query else ""))


def page(
    request: web.Request,
    title: str,
    body_html: str,
    *,
    lang: str,
    status: int = 200,
) -> web.Response:
    """A whole console page: ``title`` (escaped here) and ``body_html`` (already escaped HTML)
    in the shared layout. Never cached; never framed by another site."""
    lang = lang if lang in LANGS else "vi"
    t = TEXT[lang]
    who = known_principal(request)
    nav = [f'<a href="{href("/console/", lang)}">{t["home"]}</a>']
    if who is not None:
        role = (t["admin"] if who.role == "admin"
                else t["librarian"].format(library=escape(who.library or "")))
        if who.role == "admin":
            nav.append(f'<a href="{href("/console/audit", lang)}">{t["audit"]}</a>')
        nav.append(f'<span>{t["signed_in_as"].format(key=escape(who.key_id), who=role)}</span>')
        nav.append(f'<form method="post" action="{href("/console/sign-out", lang)}">'
                   f'{csrf_field(request)}<button type="submit">{t["sign_out"]}</button></form>')
    text = f"""<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>{escape(title)} — {escape(t["console"])}</title>
<style>{CSS}{CONSOLE_CSS}</style>
</head>
<body>
<a class="skip" href="#main">{t["skip"]}</a>
<header><div class="top"><a class="site" href="{href("/console/", lang)}">{t["console"]}</a>
<a href="{_switch(request, lang)}" lang="{"en" if lang == "vi" else "vi"}">{t["other_lang"]}</a>
</div>
<nav class="console-nav" aria-label="{escape(t["console"])}">{"".join(nav)}</nav></header>
<main id="main">
<h1>{escape(title)}</h1>
{body_html}
</main>
<footer><a href="/">{t["site"]}</a></footer>
</body>
</html>
"""
    return web.Response(
        text=text, status=status, content_type="text/html", charset="utf-8",
        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
                 "X-Frame-Options": "DENY", "Content-Language": lang,
                 "Content-Security-Policy": "frame-ancestors 'none'"},
    )
