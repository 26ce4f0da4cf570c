"""What operators see: one structured (JSON) access-log line per request, a warning for slow
requests, and ``/metrics`` in the Prometheus text format.

Each app gets its own metrics registry, so several apps in one process (tests, workers) never
collide. Routes are labelled by their pattern (``/api/v1/records/{id}``), never by the raw path,
so the number of series stays bounded. Logs never hold a reader's address in plain text: the
``client`` field is a keyed hash (the key is random per process), enough to tell clients apart in
one log, useless to recover the address.

Metrics (every worker process has its own; scrape each, or sum them):

* ``mucluc_http_requests_total{route,method,status}`` and
  ``mucluc_http_request_duration_seconds{route,status}`` (histogram);
* ``mucluc_http_requests_in_flight``;
* ``mucluc_http_rejected_total{reason}``: ``rate_limit``, ``uri_too_long``, ``deadline``
  (other refusals, such as a 400 for a bad query, are in the status label above);
* ``mucluc_engine_call_duration_seconds{operation}`` and
  ``mucluc_engine_call_errors_total{operation}``, fed by :func:`observe_engine_call`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import time
from dataclasses import dataclass

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import generate_latest

from searchapi.clients import client_address
from searchapi.errors import Handler

access_log = logging.getLogger("mucluc.access")
slow_log = logging.getLogger("mucluc.slow")

SLOW_SECONDS = 1.0
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20)
_CLIENT_KEY = os.urandom(16)


@dataclass
class Metrics:
    registry: CollectorRegistry
    requests: Counter
    seconds: Histogram
    in_flight: Gauge
    rejected: Counter
    engine_seconds: Histogram
    engine_errors: Counter

    @classmethod
    def create(cls) -> Metrics:
        registry = CollectorRegistry()
        return cls(
            registry=registry,
            requests=Counter(
                "mucluc_http_requests",
                "HTTP requests answered, by route, method and status.",
                ["route", "method", "status"],
                registry=registry,
            ),
            seconds=Histogram(
                "mucluc_http_request_duration_seconds",
                "Time to answer an HTTP request, by route and status.",
                ["route", "status"],
                registry=registry,
                buckets=BUCKETS,
            ),
            in_flight=Gauge(
                "mucluc_http_requests_in_flight",
                "HTTP requests being answered now.",
                registry=registry,
            ),
            rejected=Counter(
                "mucluc_http_rejected",
                "Requests refused on purpose, by reason.",
                ["reason"],
                registry=registry,
            ),
            engine_seconds=Histogram(
                "mucluc_engine_call_duration_seconds",
                "Time of each call to the search engine, by operation.",
                ["operation"],
                registry=registry,
                buckets=BUCKETS,
            ),
            engine_errors=Counter(
                "mucluc_engine_call_errors",
                "Calls to the search engine that failed (unreachable, timed out, refused).",
                ["operation"],
                registry=registry,
            ),
        )


METRICS: web.AppKey[Metrics] = web.AppKey("metrics", Metrics)


def observe_engine_call(app: web.Application, operation: str, seconds: float, ok: bool) -> None:
    """Record one engine call (``operation`` from a small fixed set: "search", "get", …).

    The hook for the engine-call wrapper: call it once per call, after it ends, with its
    duration and whether it succeeded. Cheap and never raises for a known app.
    """
    metrics = app.get(METRICS)
    if metrics is None:
        return
    metrics.engine_seconds.labels(operation).observe(seconds)
    if not ok:
        metrics.engine_errors.labels(operation).inc()


def reject(request: web.Request, reason: str) -> None:
    """Count a request refused on purpose (rate limit, size, deadline, bad query)."""
    metrics = request.app.get(METRICS)
    if metrics is not None:
        metrics.rejected.labels(reason).inc()


def client_tag(address: str | None) -> str:
    """A short keyed hash of a client address, for logs (never the address itself)."""
    if not address:
        return ""
    return hmac.new(_CLIENT_KEY, address.encode(), hashlib.sha256).hexdigest()[:12]


def route_of(request: web.Request) -> str:
    info = request.match_info
    resource = info.route.resource if info.route is not None else None
    if resource is None or getattr(info, "http_exception", None) is not None:
        return "unmatched"
    return resource.canonical


@web.middleware
async def observe_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    started = time.perf_counter()
    status = 500
    response: web.StreamResponse | None = None
    metrics = request.app[METRICS]
    metrics.in_flight.inc()
    try:
        response = await handler(request)
        status = response.status
        return response
    finally:
        metrics.in_flight.dec()
        elapsed = time.perf_counter() - started
        route = route_of(request)
        metrics.requests.labels(route, request.method, str(status)).inc()
        metrics.seconds.labels(route, str(status)).observe(elapsed)
        if elapsed >= SLOW_SECONDS:
            slow_log.warning(
                "slow request: %s %s answered %s in %.0f ms",
                request.method, route, status, elapsed * 1000,
            )  # fmt: skip
        if access_log.isEnabledFor(logging.INFO):
            access_log.info(
                json.dumps(
                    {
                        "method": request.method,
                        "path": request.path,
                        "query": request.query_string[:500],
                        "route": route,
                        "status": status,
                        "ms": round(elapsed * 1000, 1),
                        "bytes": _size(response),
                        "client": client_tag(client_address(request)),
                        "agent": request.headers.get("User-Agent", "")[:200],
                    },
                    ensure_ascii=False,
                )
            )


def _size(response: web.StreamResponse | None) -> int:
    body = response.body if isinstance(response, web.Response) else None
    return len(body) if isinstance(body, bytes) else 0


async def metrics(request: web.Request) -> web.Response:
    body = generate_latest(request.app[METRICS].registry)
    response = web.Response(body=body)
    response.headers["Content-Type"] = CONTENT_TYPE_LATEST
    return response
