"""The application factory: routes, middlewares, and the engine client opened and closed once."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping

from aiohttp import web
from opensearchpy import AsyncOpenSearch
from opensearchpy.exceptions import OpenSearchException

from mucluc.config import Library
from searchapi.errors import error_middleware, error_response
from searchapi.records import get_record
from searchapi.search import search
from searchapi.state import ENGINE, ENGINE_URL, LIBRARIES, PREFIX
from searchapi.widget import add_routes

MAX_REQUEST_BYTES = 64 * 1024


async def health(request: web.Request) -> web.Response:
    engine = request.app[ENGINE]
    try:
        cluster = await engine.cluster.health(request_timeout=3)
    except OpenSearchException:
        return error_response(
            503, "engine_unavailable", "The search engine is not answering.",
            headers={"Retry-After": "5"},
        )
    except Exception:  # noqa: BLE001 - connection errors of any kind mean "down"
        return error_response(
            503, "engine_unavailable", "The search engine is not answering.",
            headers={"Retry-After": "5"},
        )
    return web.json_response({"status": "ok", "engine": cluster.get("status", "unknown")})


async def not_found(request: web.Request) -> web.Response:
    return error_response(404, "not_found", f"Nothing at {request.path}.")


def create_app(engine_url: str, prefix: str, libraries: Mapping[str, Library]) -> web.Application:
    """A ready-to-run API for the catalogue ``prefix`` on the engine at ``engine_url``."""
    app = web.Application(middlewares=[error_middleware], client_max_size=MAX_REQUEST_BYTES)
    app[ENGINE_URL] = engine_url
    app[PREFIX] = prefix
    app[LIBRARIES] = dict(libraries)

    async def engine_client(app: web.Application) -> AsyncIterator[None]:
        client = AsyncOpenSearch(hosts=[app[ENGINE_URL]], timeout=10, max_retries=1)
        app[ENGINE] = client
        yield
        await client.close()

    app.cleanup_ctx.append(engine_client)
    app.router.add_get("/health", health)
    app.router.add_get("/api/v1/search", search)
    app.router.add_get("/api/v1/records/{id}", get_record)
    add_routes(app)
    return app
