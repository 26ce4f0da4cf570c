"""HTTP behaviour of every response: CORS for allowed origins, ETag/304 and Cache-Control on
GETs, gzip when the client accepts it.

The catalogue changes a few times a day, so search results may be cached for a minute; errors
and operational endpoints are never cached. The ETag is computed on the uncompressed body, so it
is the same whichever encoding a client asks for.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Sequence

from aiohttp import web

MIN_COMPRESS = 1024
#: zlib's fastest level, as web servers use for dynamic answers: measured on the search API's
#: answers (1–20 kB) it costs a fifth of aiohttp's default level 6 for answers ~10 % larger.
GZIP_LEVEL = 1
INLINE_GZIP = 256 * 1024  # larger answers are compressed by aiohttp, off the event loop
NO_STORE = "no-store"
CACHE_RULES: tuple[tuple[str, str], ...] = (
    ("/api/v1/openapi.json", "public, max-age=3600"),
    ("/api/v1/", "public, max-age=60"),
    ("/widget", "public, max-age=3600"),
    ("/records/", "public, max-age=60"),
)
COMPRESSIBLE = ("application/json", "text/", "application/javascript", "application/marcxml+xml",
                "application/x-", "application/vnd.citationstyles")  # fmt: skip


def cache_control(path: str) -> str:
    for prefix, value in CACHE_RULES:
        if path.startswith(prefix):
            return value
    return NO_STORE


def _vary(response: web.StreamResponse, *names: str) -> None:
    present = [v.strip() for v in response.headers.get("Vary", "").split(",") if v.strip()]
    for name in names:
        if name not in present:
            present.append(name)
    response.headers["Vary"] = ", ".join(present)


class Cors:
    """CORS for the allowed ``origins`` (``"*"``: any): the preflight answer, and the headers of
    every other answer."""

    def __init__(self, origins: Sequence[str]) -> None:
        allowed = frozenset(o.rstrip("/") for o in origins if o)
        self.everyone = "*" in allowed
        self.allowed = allowed

    def allow(self, origin: str) -> bool:
        return bool(origin) and (self.everyone or origin.rstrip("/") in self.allowed)

    @staticmethod
    def is_preflight(request: web.Request) -> bool:
        return request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers

    def preflight(self, origin: str) -> web.Response:
        """The answer to a preflight (``OPTIONS`` with ``Access-Control-Request-Method``)."""
        response = web.Response(status=204)
        if self.allow(origin):
            response.headers.update(
                {
                    "Access-Control-Allow-Origin": "*" if self.everyone else origin,
                    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
                    "Access-Control-Allow-Headers": "Content-Type, If-None-Match",
                    "Access-Control-Max-Age": "86400",
                }
            )
        _vary(response, "Origin")
        return response

    def mark(self, response: web.StreamResponse, origin: str) -> None:
        """The CORS headers of an answer to a request from ``origin`` ("" when none)."""
        if self.allow(origin):
            response.headers["Access-Control-Allow-Origin"] = "*" if self.everyone else origin
            response.headers["Access-Control-Expose-Headers"] = "ETag, Retry-After"
        if not self.everyone:
            _vary(response, "Origin")


def cached(request: web.Request, response: web.StreamResponse) -> web.StreamResponse:
    """``response`` with its caching and encoding: Cache-Control, an ETag (or a 304 when the
    client has it already) and gzip when the client accepts it."""
    if request.method not in ("GET", "HEAD") or not isinstance(response, web.Response):
        return response
    if response.status != 200:
        response.headers.setdefault("Cache-Control", NO_STORE)
        return response
    policy = cache_control(request.path)
    response.headers.setdefault("Cache-Control", policy)
    body = response.body
    if not isinstance(body, bytes):
        return response
    if policy != NO_STORE:
        etag = f'W/"{hashlib.sha1(body).hexdigest()[:20]}"'
        response.headers["ETag"] = etag
        wanted = [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]
        if etag in wanted or "*" in wanted:
            not_modified = web.Response(status=304)
            for name in ("ETag", "Cache-Control", "Vary"):
                if name in response.headers:
                    not_modified.headers[name] = response.headers[name]
            return not_modified
    accepts = request.headers.get("Accept-Encoding", "")
    content_type = response.content_type or ""
    if (
        len(body) >= MIN_COMPRESS
        and content_type.startswith(COMPRESSIBLE)
        and "Content-Encoding" not in response.headers
    ):
        _vary(response, "Accept-Encoding")
        if "gzip" in accepts and len(body) <= INLINE_GZIP:
            response.body = gzipped(body)
            response.headers["Content-Encoding"] = "gzip"
        elif "gzip" in accepts:  # large: aiohttp compresses it in a worker thread
            response.enable_compression(web.ContentCoding.gzip)
    return response


def gzipped(body: bytes) -> bytes:
    """``body`` gzipped at ``GZIP_LEVEL``."""
    return zlib.compress(body, GZIP_LEVEL, wbits=16 + zlib.MAX_WBITS)
