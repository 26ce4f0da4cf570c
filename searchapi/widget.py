"""The embeddable search widget: ``/widget.js``, its versioned immutable URL, and a demo page.

``/widget.js`` is the stable address a library's website puts in its script tag (short-cached, so
a new release reaches every site within minutes); ``/widget/<hash>/widget.js`` is the same bytes
under a content hash, cached for a year. ``/`` shows the widget embedded in a sample Điện Biên
library home page; with ``?q=`` it carries its first results rendered on the server
(:mod:`searchapi.results_page`). The CSS lives inside the script (in the widget's shadow root).
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from searchapi.results_page import first_results, render

ASSETS = Path(__file__).resolve().parent / "widget"
SHORT_CACHE = "public, max-age=300"
IMMUTABLE = "public, max-age=31536000, immutable"


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes
    digest: str
    content_type: str


def load_asset(name: str, content_type: str) -> Asset:
    body = (ASSETS / name).read_bytes()
    return Asset(
        body=body,
        gzipped=gzip.compress(body, compresslevel=9, mtime=0),
        digest=hashlib.sha256(body).hexdigest()[:16],
        content_type=content_type,
    )


def _send(request: web.Request, asset: Asset, cache: str) -> web.Response:
    etag = f'"{asset.digest}"'
    headers = {
        "Cache-Control": cache,
        "ETag": etag,
        "Vary": "Accept-Encoding",
        "X-Content-Type-Options": "nosniff",
        # Lets a host page load the script with `crossorigin` + `integrity` (SRI).
        "Access-Control-Allow-Origin": "*",
    }
    if etag in request.headers.get("If-None-Match", ""):
        return web.Response(status=304, headers=headers)
    body = asset.body
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        body = asset.gzipped
        headers["Content-Encoding"] = "gzip"
    return web.Response(
        body=body, headers=headers, content_type=asset.content_type, charset="utf-8"
    )


def add_routes(app: web.Application) -> None:
    """Serve the widget script, its versioned URL, and the demo page at ``/``."""
    script = load_asset("widget.js", "application/javascript")
    demo = (ASSETS / "demo.html").read_text(encoding="utf-8")
    versioned = f"/widget/{script.digest}/widget.js"

    async def widget_js(request: web.Request) -> web.Response:
        return _send(request, script, SHORT_CACHE)

    async def widget_js_versioned(request: web.Request) -> web.Response:
        if request.match_info["digest"] != script.digest:
            raise web.HTTPNotFound()
        return _send(request, script, IMMUTABLE)

    async def demo_page(request: web.Request) -> web.Response:
        origin = f"{request.scheme}://{request.host}"
        results = render(request, await first_results(request))
        page = (
            demo.replace("{{WIDGET_URL}}", versioned)
            .replace("{{ORIGIN}}", origin)
            .replace("{{RESULTS}}", results)
        )
        return web.Response(
            text=page,
            content_type="text/html",
            charset="utf-8",
            headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"},
        )

    app.router.add_get("/widget.js", widget_js)
    app.router.add_get("/widget/{digest}/widget.js", widget_js_versioned)
    app.router.add_get("/", demo_page)
