"""``GET /opensearch.xml``: the OpenSearch description that lets a browser add Mục lục as a
search engine, and ``GET /opensearch/suggest``: its suggestions in the browsers' JSON shape.

The description names the reader's page (``/?q=``), the suggestions, the Atom feed of a query
and the JSON API. URLs are absolute, built from the request's origin (behind a reverse proxy,
``X-Forwarded-Proto``/``Host`` as aiohttp reports them), because a browser stores the document
and calls the templates later from anywhere. Suggestions reuse ``/api/v1/suggest`` as it is, so
its ranking applies here too; only the shape changes to ``[query, [completions]]``.
"""

from __future__ import annotations

import json
from xml.sax.saxutils import escape, quoteattr

from aiohttp import web

from searchapi.suggest import suggest

CONTENT_TYPE = "application/opensearchdescription+xml"
SUGGESTIONS_TYPE = "application/x-suggestions+json"
SHORT_NAME = "Mục lục"  # at most 16 characters (OpenSearch 1.1)
DESCRIPTION = "Tra cứu mục lục liên thông các thư viện: sách ở thư viện nào, có hay không dấu."


def description(origin: str) -> str:
    """The description document for a server at ``origin`` (``https://host[:port]``)."""

    def url(kind: str, path: str, rel: str = "results") -> str:
        template = quoteattr(origin + path)
        return f'  <Url type="{kind}" rel="{rel}" template={template}/>'

    urls = [
        url("text/html", "/?q={searchTerms}"),
        url(SUGGESTIONS_TYPE, "/opensearch/suggest?q={searchTerms}", "suggestions"),
        url("application/atom+xml", "/api/v1/feed?q={searchTerms}"),
        url("application/json", "/api/v1/search?q={searchTerms}&page={startPage?}"),
        url("application/sru+xml", "/sru?operation=searchRetrieve&version=1.2"
            "&query={searchTerms}&startRecord={startIndex?}"),
        url(CONTENT_TYPE, "/opensearch.xml", "self"),
    ]
    return "\n".join(
        [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">',
            f"  <ShortName>{escape(SHORT_NAME)}</ShortName>",
            f"  <Description>{escape(DESCRIPTION)}</Description>",
            "  <Tags>thư viện mục lục sách Điện Biên</Tags>",
            *urls,
            "  <Language>vi</Language>",
            "  <InputEncoding>UTF-8</InputEncoding>",
            "  <OutputEncoding>UTF-8</OutputEncoding>",
            "</OpenSearchDescription>",
            "",
        ]
    )


def origin(request: web.Request) -> str:
    return f"{request.scheme}://{request.host}"


async def opensearch_xml(request: web.Request) -> web.Response:
    return web.Response(text=description(origin(request)), content_type=CONTENT_TYPE,
                        charset="utf-8")


async def opensearch_suggest(request: web.Request) -> web.Response:
    """``[query, [completion, …]]``: what a browser's search box reads."""
    answer = await suggest(request)
    found = json.loads(answer.body)  # type: ignore[arg-type]
    texts = [s["text"] for s in found.get("suggestions", [])]
    body = json.dumps([request.query.get("q", ""), texts], ensure_ascii=False)
    return web.Response(text=body, content_type=SUGGESTIONS_TYPE, charset="utf-8")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/opensearch.xml", opensearch_xml)
    app.router.add_get("/opensearch/suggest", opensearch_suggest)
