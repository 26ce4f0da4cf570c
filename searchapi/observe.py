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
from dataclasses import dataclass, field

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import generate_latest

from searchapi.clients import client_address

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
    #: (route, method, status) → its request counter and duration histogram: ``labels()``
    #: takes a lock and builds a key on every call; a route's series are looked up once.
    _answers: dict[tuple[str, str, int], tuple[Counter, Histogram]] = field(default_factory=dict)
    _engine_calls: dict[str, Histogram] = field(default_factory=dict)

    def answered(self, route: str, method: str, status: int, seconds: float) -> None:
        """One answered request in ``mucluc_http_requests_total`` and its duration histogram."""
        series = self._answers.get((route, method, status))
        if series is None:
            series = self._answers[route, method, status] = (
                self.requests.labels(route, method, str(status)),
                self.seconds.labels(route, str(status)),
            )
        series[0].inc()
        series[1].observe(seconds)

    def engine_call(self, operation: str, seconds: float) -> None:
        """One engine call's duration (``operation``: "search", "get", …)."""
        series = self._engine_calls.get(operation)
        if series is None:
            series = self._engine_calls[operation] = self.engine_seconds.labels(operation)
        series.observe(seconds)

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
    metrics.engine_call(operation, seconds)
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


def observed(
    request: web.Request, status: int, elapsed: float, response: web.StreamResponse | None
) -> None:
    """Count and log one answered request (``status`` 500 when the handler raised); the
    front middleware (:mod:`searchapi.front`) calls it once per request, whatever happened."""
    route = route_of(request)
    request.app[METRICS].answered(route, request.method, status, elapsed)
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
