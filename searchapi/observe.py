"""What operators see: one structured (JSON) access-log line per request and ``/metrics`` in the
Prometheus text format.

Each app gets its own metrics registry, so several apps in one process (tests, workers) never
collide. Routes are labelled by their pattern (``/api/v1/records/{id}``), never by the raw path,
so the number of series stays bounded.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.exposition import generate_latest

from searchapi.errors import Handler

access_log = logging.getLogger("mucluc.access")


@dataclass
class Metrics:
    registry: CollectorRegistry
    requests: Counter
    seconds: Histogram

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
                "Time to answer an HTTP request, by route.",
                ["route"],
                registry=registry,
                buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            ),
        )


METRICS: web.AppKey[Metrics] = web.AppKey("metrics", Metrics)


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
    try:
        response = await handler(request)
        status = response.status
        return response
    finally:
        elapsed = time.perf_counter() - started
        route = route_of(request)
        metrics = request.app[METRICS]
        metrics.requests.labels(route, request.method, str(status)).inc()
        metrics.seconds.labels(route).observe(elapsed)
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
                        "remote": request.remote,
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
