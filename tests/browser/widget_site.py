"""A small Vietnamese catalogue, the real API serving it, a second-origin host page, and Chromium.

Shared by the widget's browser tests and ``bench/widget_latency.py``. Nothing here is mocked: the
catalogue goes through the project's MARC reader, loader and index templates into the real engine,
and the widget talks to the real aiohttp app over HTTP.
"""

from __future__ import annotations

import html
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pymarc
from aiohttp import web
from opensearchpy import AsyncOpenSearch

from tests.catalogue import Catalogue, api_app, libraries, open_catalogue
from tests.marc_builders import book

CODES = ("DBI", "TGI", "MCH", "THPT-PHT")
LIBRARIES = libraries(*CODES)
DIEN_BIEN_PHU = "Điện Biên Phủ : điểm hẹn lịch sử"
FOLK_TALES = 12  # "Truyện cổ dân tộc Thái" volumes: enough for three pages of five
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HOSTILE_CSS = "* { display: inline !important; color: red; font-size: 40px; }"


def catalogue_books() -> dict[str, list[pymarc.Record]]:
    """Records of four libraries: the same book held in several, and enough to page through."""
    dbi = [
        book(
            "DBI0001",
            "Truyện Kiều",
            author="Nguyễn Du",
            year=2015,
            publisher="Nxb. Văn học",
            isbn="978-604-69-1234-7",
            call_number="895.9221 NG-D",
            copies=3,
        ),
        book(
            "DBI0002",
            DIEN_BIEN_PHU,
            author="Võ Nguyên Giáp",
            year=2004,
            publisher="Nxb. Quân đội nhân dân",
            subjects=("Chiến dịch Điện Biên Phủ",),
            call_number="959.704 V-G",
            copies=2,
        ),
        book("DBI0003", "Hóa học đại cương", author="Trần Văn Nam", year=2010, copies=1),
        book(
            "DBI0004",
            "Lịch sử Đảng bộ tỉnh Điện Biên",
            author="Ban Tuyên giáo Tỉnh ủy",
            year=2012,
            call_number="324.2597 L-S",
            copies=4,
        ),
        book("DBI0005", "Mường Thanh – những mùa hoa ban", author="Lò Văn Mười", year=1998),
        book("DBI0006", "Dế mèn phiêu lưu ký", author="Tô Hoài", year=2019, copies=5),
        book("DBI0007", "Tắt đèn", author="Ngô Tất Tố", year=1972, call_number="895.9223 NG-T"),
    ]
    authors = [
        "Lò Văn Biến",
        "Cầm Trọng",
        "Quàng Văn Lả",
        "Lường Thị Đại",
        "Tòng Văn Hân",
        "Lò Thị Cương",
    ]
    dbi += [
        book(
            f"DBI01{n:02d}",
            f"Truyện cổ dân tộc Thái, tập {n}",
            author=authors[n % len(authors)],
            year=1990 + n,
            publisher="Nxb. Văn hóa dân tộc",
            call_number=f"398.2 TR-C/{n}",
            copies=1 + n % 3,
        )
        for n in range(1, FOLK_TALES + 1)
    ]
    tgi = [
        book(
            "TG-0042",
            "Truye\u0302\u0323n Kie\u0302\u0300u /",
            author="Nguyễn, Du",
            year=2015,
            call_number="V23 NG-D",
            copies=1,
        ),
        book("TG-0043", DIEN_BIEN_PHU, author="Võ Nguyên Giáp", year=2004, copies=1),
        book("TG-0050", "Sổ tay trồng cà phê Arabica", author="Phạm Văn Hùng", year=2016),
    ]
    mch = [book("MCH-7", DIEN_BIEN_PHU + ".", author="Võ Nguyên Giáp", year=2004)]
    school = [
        book("PDG-1", "Tiếng Việt 5, tập một", author="Nguyễn Minh Thuyết", year=2020, copies=30),
        book("PDG-2", "Dế mèn phiêu lưu ký", author="Tô Hoài", year=2019, copies=2),
    ]
    return {"DBI": dbi, "TGI": tgi, "MCH": mch, "THPT-PHT": school}


async def load_catalogue(engine: AsyncOpenSearch, prefix: str, folder: Path) -> Catalogue:
    """The widget's catalogue under ``prefix`` (an earlier one dropped); the caller drops it."""
    built = await open_catalogue(engine, prefix, CODES)
    for code, summary in (await built.load_marc(catalogue_books(), folder)).items():
        assert summary.skipped == 0, (code, summary.line())
    await engine.indices.refresh(index=f"{prefix}-*")
    return built


def _without_suggest() -> Any:
    @web.middleware
    async def hide(request: web.Request, handler: Any) -> web.StreamResponse:
        if request.path.startswith("/api/v1/suggest"):
            return web.json_response(
                {"error": {"code": "not_found", "message": "Nothing here."}}, status=404
            )
        return await handler(request)

    return hide


async def start(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}"


async def serve_api(
    opensearch_url: str, prefix: str, *, allow_origins: Iterable[str] = (), suggest: bool = True
) -> tuple[web.AppRunner, str]:
    """The real API app on a free port, allowing ``allow_origins`` through its own CORS list;
    ``suggest=False`` plays an older API without /suggest."""
    app = api_app(opensearch_url, prefix, LIBRARIES, cors_origins=list(allow_origins))
    if not suggest:
        app.middlewares.append(_without_suggest())  # innermost: CORS still applies
    return await start(app)


def host_page(widget_src: str, attributes: dict[str, str], *, hostile: bool = True) -> str:
    attrs = " ".join(f'{k}="{html.escape(v)}"' for k, v in attributes.items())
    style = f"<style>{HOSTILE_CSS}</style>" if hostile else ""
    return f"""<!doctype html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Trường THPT Phan Đình Giót — Thư viện</title>{style}</head>
<body><main><h1>Thư viện trường THPT Phan Đình Giót</h1>
<mucluc-search {attrs}></mucluc-search></main>
<script src="{html.escape(widget_src)}"></script></body></html>"""


async def serve_host(api_url: str) -> tuple[web.AppRunner, str]:
    """A library website on another origin: ``/?api=…&lang=…`` embeds the widget there."""

    async def page(request: web.Request) -> web.Response:
        api = request.query.get("api", api_url)
        attributes = {"api": api, "size": "5"}
        for name in ("lang", "mode", "library", "size", "href"):
            if name in request.query:
                attributes[name] = request.query[name]
        hostile = request.query.get("hostile", "1") == "1"
        text = host_page(f"{api}/widget.js", attributes, hostile=hostile)
        return web.Response(text=text, content_type="text/html")

    app = web.Application()
    app.router.add_get("/", page)
    return await start(app)


def chromium_path() -> str:
    found = shutil.which("chromium") or (CHROMIUM if Path(CHROMIUM).exists() else None)
    if not found:
        raise RuntimeError(
            "Debian's chromium is missing: apt-get install -y chromium "
            "(scripts/system-packages.sh test installs it)"
        )
    return found


async def launch(playwright: Any) -> Any:
    """Debian's Chromium, headless, with the flags this machine's closed network needs."""
    return await playwright.chromium.launch(
        executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS
    )
