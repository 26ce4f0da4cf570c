"""The front door: one middleware doing, for every request, what the API does around a handler.

In this order, outermost first (each step sees what the steps inside it answered):

1. observe — count, time and log the request (:mod:`searchapi.observe`), errors and 429s
   included;
2. CORS — the preflight answer, or the CORS headers of every answer (:mod:`searchapi.httpcache`);
3. rate limit — 429 when the client's bucket is empty (:mod:`searchapi.limits`);
4. cache — Cache-Control, ETag/304, gzip (:mod:`searchapi.httpcache`);
5. limits — 414 for an oversize query string, 503 past the request's deadline;
6. errors — any failure as the one JSON error shape (:mod:`searchapi.errors`).

These were six middlewares; as one, a request goes through two coroutines instead of seven, and
the steps share what they read (the origin, the metrics). What each step does is unchanged.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence

from aiohttp import web

from searchapi.errors import Handler, guarded
from searchapi.httpcache import Cors, cached
from searchapi.limits import TokenBuckets, has_deadline, rate_limited, timed_out, too_long
from searchapi.observe import METRICS, observed


def front_middleware(
    *, origins: Sequence[str], buckets: TokenBuckets, timeout: float
) -> Callable[..., object]:
    """The middleware for CORS ``origins``, the clients' rate-limit ``buckets`` and a request
    deadline of ``timeout`` seconds."""
    cors = Cors(origins)

    async def limited(request: web.Request, handler: Handler) -> web.StreamResponse:
        refused = too_long(request)
        if refused is not None:
            return refused
        if not has_deadline(request):
            return await guarded(request, handler)
        try:
            async with asyncio.timeout(timeout):
                return await guarded(request, handler)
        except TimeoutError:
            return timed_out(request)

    @web.middleware
    async def front(request: web.Request, handler: Handler) -> web.StreamResponse:
        started = time.perf_counter()
        status = 500
        response: web.StreamResponse | None = None
        in_flight = request.app[METRICS].in_flight
        in_flight.inc()
        try:
            origin = request.headers.get("Origin", "")
            if cors.is_preflight(request):
                response = cors.preflight(origin)
            else:
                response = rate_limited(buckets, request)
                if response is None:
                    response = cached(request, await limited(request, handler))
                cors.mark(response, origin)
            status = response.status
            return response
        finally:
            in_flight.dec()
            observed(request, status, time.perf_counter() - started, response)

    return front
