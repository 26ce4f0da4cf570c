"""The application factory: routes, middlewares, and the catalogue store opened and closed once.

One middleware in front of every handler (:mod:`searchapi.front`), doing, outermost first:
observe (access log, metrics) → CORS → rate limit → cache (ETag, Cache-Control, gzip) → limits
(query-string size, time) → errors (one JSON shape) → handler. So every answer, errors and 429s
included, is logged, counted and carries CORS headers. The console adds its own after it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from functools import partial

from aiohttp import web

from indexer.store import Store
from mucluc.core.errors import EngineError
from mucluc.core.library import Library
from searchapi.clients import TRUSTED_PROXIES, Network
from searchapi.console import add_console_routes
from searchapi.console.stats_routes import add_stats_routes
from searchapi.console.status_harvests import Harvests, add_harvests
from searchapi.counts_table import Kept
from searchapi.errors import error_response
from searchapi.feed import feed
from searchapi.front import front_middleware
from searchapi.libraries import libraries as list_libraries
from searchapi.limits import TokenBuckets, per_worker
from searchapi.oai import provider as oai_provider
from searchapi.observe import METRICS, Metrics, metrics, observe_engine_call
from searchapi.openapi import document
from searchapi.opensearch_description import add_routes as add_opensearch_routes
from searchapi.pages import record as record_page
from searchapi.records import get_record
from searchapi.search import search
from searchapi.sru import sru
from searchapi.state import LIBRARIES, STORE
from searchapi.stats_counter import add_counting
from searchapi.suggest import suggest
from searchapi.unchanged import SUGGESTIONS, Unchanged
from searchapi.widget import add_routes
from searchapi.works import WORK_COUNTS, WorkCounts

MAX_REQUEST_BYTES = 64 * 1024
REQUEST_TIMEOUT = 20.0
ENGINE_TIMEOUT = 10.0


async def health(request: web.Request) -> web.Response:
    """200 when searches can be answered; 503 while the engine is away or the catalogue's index
    is red (after an engine restart its shards recover for a while after the engine answers).

    A catalogue with nothing loaded yet is up: searches answer, with no hits.
    """
    try:
        health = await request.app[STORE].health()
    except EngineError:
        return error_response(
            503,
            "engine_unavailable",
            "The search engine is not answering.",
            headers={"Retry-After": "5"},
        )
    if health["catalogue"] == "red":
        return error_response(
            503,
            "engine_unavailable",
            "The catalogue is still being recovered by the search engine.",
            headers={"Retry-After": "5"},
        )
    return web.json_response(
        {"status": "ok", "engine": health["cluster"], "catalogue": health["catalogue"]}
    )


async def openapi(request: web.Request) -> web.Response:
    return web.json_response(request.app[OPENAPI])


OPENAPI: web.AppKey[dict] = web.AppKey("openapi", dict)


async def _stop_refreshes(app: web.Application) -> None:
    await app[WORK_COUNTS].close()


def create_app(
    engine_url: str,
    prefix: str,
    libraries: Mapping[str, Library],
    *,
    cors_origins: Sequence[str] = (),
    rate: float = 10.0,
    burst: float = 40.0,
    timeout: float = REQUEST_TIMEOUT,
    trusted_proxies: Sequence[Network] = (),
    workers: int = 1,
    oai_page_size: int = oai_provider.DEFAULT_PAGE_SIZE,
    count_searches: bool = True,
    harvests: Harvests | None = None,
    work_counts: Kept | None = None,
) -> web.Application:
    """A ready-to-run API for the catalogue ``prefix`` on the engine at ``engine_url``.

    ``cors_origins`` lists the web origins allowed to call the API from a browser (``"*"`` for
    any); ``rate``/``burst`` set each client's token bucket, divided among ``workers``
    processes (:func:`searchapi.limits.per_worker`); ``timeout`` caps a request's time (503 with
    ``Retry-After`` past it); ``trusted_proxies`` are the reverse proxies whose
    ``X-Forwarded-For``/``Forwarded`` name the client; ``oai_page_size`` is the records per
    OAI-PMH list response; ``count_searches`` keeps the search statistics (in memory, flushed in
    the background: :mod:`searchapi.stats_counter`); ``harvests`` gives it the scheduled harvests
    (:mod:`searchapi.console.status_harvests`); ``work_counts`` keeps every hit's work counts
    (the table shared by the workers, :class:`searchapi.counts_table.SharedCounts`; default:
    this process's own). Nothing connects until the app starts: the store lives in
    ``cleanup_ctx``.
    """
    rate, burst = per_worker(rate, burst, workers)
    app = web.Application(
        middlewares=[
            front_middleware(
                origins=cors_origins,
                buckets=TokenBuckets(rate=rate, burst=burst),
                timeout=timeout,
            ),
        ],
        client_max_size=MAX_REQUEST_BYTES,
    )
    app[TRUSTED_PROXIES] = tuple(trusted_proxies)
    app[LIBRARIES] = dict(libraries)
    app[METRICS] = Metrics.create()
    app[OPENAPI] = document()
    app[WORK_COUNTS] = WorkCounts(kept=work_counts)  # every hit's work counts, reused
    app.on_shutdown.append(_stop_refreshes)  # before cleanup_ctx closes the store
    app[SUGGESTIONS] = Unchanged()  # did-you-mean answers, kept while the catalogue is unchanged

    async def open_store(app: web.Application) -> AsyncIterator[None]:
        # One retry at most: when the engine is down the reader gets a 503 at once, and the
        # next request tries again, so the API recovers by itself when the engine returns.
        async with Store.open(
            engine_url, prefix, check=False, timeout=ENGINE_TIMEOUT, retries=1
        ) as store:
            store.observer = partial(observe_engine_call, app)
            app[STORE] = store
            yield

    app.cleanup_ctx.append(open_store)
    add_counting(app, enabled=count_searches)  # after the store: its last flush comes first
    if harvests is not None:
        add_harvests(app, harvests, engine_url, prefix)
    app.router.add_get("/health", health)
    app.router.add_get("/metrics", metrics)
    app.router.add_get("/api/v1/search", search)
    app.router.add_get("/api/v1/records/{id}", get_record)
    app.router.add_get("/api/v1/suggest", suggest)
    app.router.add_get("/api/v1/libraries", list_libraries)
    app.router.add_get("/api/v1/openapi.json", openapi)
    app.router.add_get("/records/{id}", record_page)
    oai_provider.add_routes(app, page_size=oai_page_size)
    app.router.add_get("/sru", sru)
    app.router.add_get("/api/v1/feed", feed)
    add_opensearch_routes(app)
    # Widget assets (issue: widget) — the one call site: searchapi.widget.add_routes(app)
    add_routes(app)
    # The librarians' console (issue 14): access, uploads, jobs, reports, audit.
    add_console_routes(app)
    add_stats_routes(app)  # statistics, status pages, harvest now (issue 14 B): after the above
    return app
