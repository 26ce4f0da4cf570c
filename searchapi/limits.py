"""Limits that keep one client, or one slow request, from taking the API down.

* per-client token bucket (in memory, per worker): ``rate`` requests a second, bursts up to
  ``burst``; an empty bucket answers 429 with ``Retry-After`` in whole seconds. The client is
  the reader, also behind a trusted reverse proxy (:mod:`searchapi.clients`);
* query strings longer than ``MAX_QUERY_STRING`` → 414, checked before any other work; bodies
  are capped by aiohttp's ``client_max_size`` (the API only reads, so it is small), request
  lines and headers by the server (:mod:`searchapi.server`);
* a request that takes longer than ``timeout`` seconds → 503 with ``Retry-After`` (the handler
  is cancelled, so its engine call is abandoned, never left to pile up).

Several workers: each has its own buckets, and the kernel spreads a client's connections over
them, so :func:`per_worker` divides the configured rate and burst by the number of workers. A
client whose requests spread over the workers gets the configured limit in total; one that
keeps a single connection open to one worker gets its share. Behind a reverse proxy (the usual
deployment) the proxy's pooled connections spread every client's requests over the workers.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import web

from searchapi.clients import client_address
from searchapi.errors import error_response
from searchapi.observe import reject

MAX_QUERY_STRING = 4096
EXEMPT = frozenset({"/health", "/metrics"})
#: Uploads stream a file of many megabytes over slow links: the console's own limits (size,
#: transfer time) apply to them instead of ``timeout`` (see searchapi.console.uploads).
UPLOADS = re.compile(r"^/(api/v1/libraries/[^/]+/uploads|console/[^/]+/upload)$")
MAX_CLIENTS = 50_000


@dataclass
class Bucket:
    tokens: float
    stamp: float


@dataclass
class TokenBuckets:
    """One bucket per client key. ``take`` returns 0 when allowed, else seconds to wait."""

    rate: float
    burst: float
    clock: Callable[[], float] = time.monotonic
    buckets: dict[str, Bucket] = field(default_factory=dict)

    def take(self, key: str) -> float:
        now = self.clock()
        bucket = self.buckets.get(key)
        if bucket is None:
            if len(self.buckets) >= MAX_CLIENTS:
                self._forget_idle(now)
            bucket = self.buckets[key] = Bucket(self.burst, now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.stamp) * self.rate)
        bucket.stamp = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / self.rate

    def _forget_idle(self, now: float) -> None:
        full_after = self.burst / self.rate
        for key in [k for k, b in self.buckets.items() if now - b.stamp > full_after]:
            del self.buckets[key]


def client_key(request: web.Request) -> str:
    return client_address(request)


def per_worker(rate: float, burst: float, workers: int) -> tuple[float, float]:
    """Each worker's share of a client's (rate, burst); a burst never falls below 1."""
    workers = max(1, workers)
    return rate / workers, max(1.0, burst / workers)


def rate_limited(buckets: TokenBuckets, request: web.Request) -> web.Response | None:
    """The 429 answer when the client's bucket is empty, else None (a token taken)."""
    if request.path in EXEMPT or request.method == "OPTIONS":
        return None
    wait = buckets.take(client_key(request))
    if wait <= 0:
        return None
    reject(request, "rate_limit")
    return error_response(
        429,
        "too_many_requests",
        "Too many requests from this address; slow down and try again shortly.",
        headers={"Retry-After": str(max(1, math.ceil(wait)))},
    )


def too_long(request: web.Request) -> web.Response | None:
    """The 414 answer when the query string is longer than ``MAX_QUERY_STRING``, else None."""
    if len(request.query_string) <= MAX_QUERY_STRING:
        return None
    reject(request, "uri_too_long")
    return error_response(
        414, "uri_too_long", f"The query string is longer than {MAX_QUERY_STRING} bytes."
    )


def has_deadline(request: web.Request) -> bool:
    """Whether the request's time is capped (uploads have the console's own limits)."""
    return not (request.method == "POST" and UPLOADS.match(request.path))


def timed_out(request: web.Request) -> web.Response:
    """The answer to a request cut short by its deadline."""
    reject(request, "deadline")
    return error_response(
        503,
        "timeout",
        "The request took too long; please try again shortly.",
        headers={"Retry-After": "5"},
    )
