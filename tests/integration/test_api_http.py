"""HTTP behaviour against the real engine: CORS, ETag/304, gzip, 429, limits, metrics, OpenAPI,
JSON errors, and 503 while the engine is away with recovery once it is back."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import pytest
from aiohttp.test_utils import TestClient
from opensearchpy import AsyncOpenSearch

from tests.catalogue import ApiClient, Catalogue

pytestmark = pytest.mark.engine

SITE = "https://thuvien.dienbien.gov.vn"


@pytest.fixture
async def api(catalogue: Catalogue, api_client: ApiClient) -> AsyncIterator[TestClient]:
    async with api_client(
        catalogue.prefix, catalogue.libraries, cors_origins=[SITE], rate=1000, burst=1000
    ) as client:
        yield client


async def test_cors_allows_listed_origins_only(api: TestClient) -> None:
    allowed = await api.get("/api/v1/search", params={"q": "kieu"}, headers={"Origin": SITE})
    assert allowed.headers["Access-Control-Allow-Origin"] == SITE
    assert "Origin" in allowed.headers["Vary"]
    other = await api.get(
        "/api/v1/search", params={"q": "kieu"}, headers={"Origin": "https://evil.example"}
    )
    assert "Access-Control-Allow-Origin" not in other.headers


async def test_cors_preflight(api: TestClient) -> None:
    response = await api.options(
        "/api/v1/search", headers={"Origin": SITE, "Access-Control-Request-Method": "GET"}
    )
    assert response.status == 204
    assert response.headers["Access-Control-Allow-Origin"] == SITE
    assert "GET" in response.headers["Access-Control-Allow-Methods"]


async def test_etag_and_304(api: TestClient) -> None:
    first = await api.get("/api/v1/search", params={"q": "kieu"})
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "public, max-age=60"
    again = await api.get("/api/v1/search", params={"q": "kieu"}, headers={"If-None-Match": etag})
    assert again.status == 304
    assert again.headers["ETag"] == etag


async def test_errors_and_health_are_not_cached(api: TestClient) -> None:
    bad = await api.get("/api/v1/search", params={"q": "colour:red"})
    assert bad.headers["Cache-Control"] == "no-store"
    assert "ETag" not in bad.headers
    health = await api.get("/health")
    assert health.headers["Cache-Control"] == "no-store"


async def test_gzip_when_accepted(api: TestClient) -> None:
    response = await api.get(
        "/api/v1/search",
        params={"q": ""},
        headers={"Accept-Encoding": "gzip"},
        auto_decompress=False,
    )
    assert response.headers.get("Content-Encoding") == "gzip"
    plain = await api.get(
        "/api/v1/search", params={"q": ""}, headers={"Accept-Encoding": "identity"}
    )
    assert "Content-Encoding" not in plain.headers
    assert (await plain.json())["total"] > 0


async def test_rate_limit_gives_429_with_retry_after(
    catalogue: Catalogue, api_client: ApiClient
) -> None:
    # A token every 1,000 s: the bucket cannot refill during the test however slow the machine.
    async with api_client(catalogue.prefix, catalogue.libraries, rate=0.001, burst=3) as client:
        statuses = [(await client.get("/api/v1/libraries")).status for _ in range(3)]
        assert statuses == [200, 200, 200]
        limited = await client.get("/api/v1/libraries")
        assert limited.status == 429
        assert (await limited.json())["error"]["code"] == "too_many_requests"
        assert int(limited.headers["Retry-After"]) >= 1
        assert (await client.get("/health")).status == 200  # operations are exempt


async def test_overlong_query_string_is_414(api: TestClient) -> None:
    response = await api.get("/api/v1/search?" + "library=DBI&" * 500)
    assert response.status == 414
    assert (await response.json())["error"]["code"] == "uri_too_long"


async def test_slow_request_times_out_with_503(
    catalogue: Catalogue, api_client: ApiClient
) -> None:
    async with api_client(catalogue.prefix, catalogue.libraries, timeout=0.0001) as client:
        response = await client.get("/api/v1/search", params={"q": "truyen kieu"})
        assert response.status == 503
        assert (await response.json())["error"]["code"] == "timeout"
        assert "Retry-After" in response.headers


async def test_unknown_path_and_method_are_json(api: TestClient) -> None:
    missing = await api.get("/api/v1/nothing")
    assert missing.status == 404
    assert (await missing.json())["error"]["code"] == "not_found"
    wrong = await api.post("/api/v1/search")
    assert wrong.status == 405
    assert "error" in await wrong.json()


async def test_metrics_in_prometheus_format(api: TestClient) -> None:
    await api.get("/api/v1/search", params={"q": "kieu"})
    response = await api.get("/metrics")
    text = await response.text()
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    assert 'mucluc_http_requests_total{method="GET",route="/api/v1/search",status="200"}' in text
    assert "mucluc_http_request_duration_seconds_bucket" in text


async def test_access_log_is_one_json_line(
    api: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="mucluc.access"):
        await api.get("/api/v1/search", params={"q": "kieu"})
    line = json.loads(next(r.getMessage() for r in caplog.records if r.name == "mucluc.access"))
    assert line["route"] == "/api/v1/search"
    assert line["status"] == 200
    assert line["query"] == "q=kieu"
    assert line["ms"] >= 0


async def test_openapi_document(api: TestClient) -> None:
    response = await api.get("/api/v1/openapi.json")
    body = await response.json()
    assert body["openapi"].startswith("3.")
    assert set(body["paths"]) >= {
        "/api/v1/search",
        "/api/v1/records/{id}",
        "/api/v1/suggest",
        "/api/v1/libraries",
        "/health",
    }


async def test_every_api_route_is_in_the_openapi_document(api: TestClient) -> None:
    """A route under /api/v1 (or a protocol endpoint) added without its description fails here,
    so the schemathesis run, which reads the document, can never miss it."""
    documented = set((await (await api.get("/api/v1/openapi.json")).json())["paths"])
    routes = {
        resource.canonical
        for resource in api.app.router.resources()
        if resource.canonical.startswith(("/api/v1/", "/oai", "/sru", "/health"))
    }
    assert routes - {"/api/v1/openapi.json"} <= documented, routes - documented
    assert {"/api/v1/libraries/{code}/uploads", "/api/v1/jobs/{id}", "/api/v1/stats"} <= routes


class Proxy:
    """A real TCP proxy in front of the engine that can be stopped and started again."""

    def __init__(self, target: str) -> None:
        parts = urlsplit(target)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 9200
        self.server: asyncio.Server | None = None
        self.listen_port = 0
        self.tasks: set[asyncio.Task] = set()

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", self.listen_port)
        self.listen_port = self.server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        assert self.server is not None
        self.server.close()
        for task in list(self.tasks):
            task.cancel()
        await self.server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self.tasks.add(task)
        try:
            up_reader, up_writer = await asyncio.open_connection(self.host, self.port)
        except OSError:
            writer.close()
            return

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            with contextlib.suppress(ConnectionError, asyncio.CancelledError):
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            sink.close()

        try:
            await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        finally:
            self.tasks.discard(task)
            writer.close()
            up_writer.close()


async def test_engine_down_gives_503_and_recovery_is_automatic(
    catalogue: Catalogue,
    api_client: ApiClient,
    opensearch_url: str,
) -> None:
    proxy = Proxy(opensearch_url)
    await proxy.start()
    async with api_client(
        catalogue.prefix,
        catalogue.libraries,
        engine_url=f"http://127.0.0.1:{proxy.listen_port}",
    ) as client:
        assert (await client.get("/api/v1/search", params={"q": "kieu"})).status == 200
        await proxy.stop()
        for path in ("/api/v1/search?q=kieu", "/api/v1/libraries", "/health"):
            down = await client.get(path)
            assert down.status == 503, path
            assert (await down.json())["error"]["code"] == "engine_unavailable"
            assert down.headers["Retry-After"] == "5"
        await proxy.start()  # the same port: the engine is back
        up = await client.get("/api/v1/search", params={"q": "kieu"})
        assert up.status == 200
        assert (await up.json())["total"] >= 1
        await proxy.stop()


async def test_health_names_the_catalogue_index_state(api: TestClient) -> None:
    response = await api.get("/health")
    assert response.status == 200
    body = await response.json()
    assert body["status"] == "ok"
    assert body["catalogue"] in {"green", "yellow"}
    assert body["engine"] in {"green", "yellow", "red"}


async def test_health_of_a_catalogue_with_nothing_loaded_is_up(
    catalogue: Catalogue, api_client: ApiClient, index_prefix: str
) -> None:
    async with api_client(f"{index_prefix}-nothing", catalogue.libraries) as client:
        response = await client.get("/health")
        assert response.status == 200
        assert (await response.json())["catalogue"] == "missing"


async def test_health_is_503_while_the_catalogue_index_is_red(
    catalogue: Catalogue, api_client: ApiClient, engine: AsyncOpenSearch, index_prefix: str
) -> None:
    """After an engine restart the engine answers before the catalogue's shards are back: the
    index is red. Made real here by an index whose shard may live on no node."""
    prefix = f"{index_prefix}-red"
    index = f"{prefix}-union-20261202t000000000"
    await engine.indices.create(
        index=index,
        body={
            "settings": {
                "number_of_shards": 1,
                "number_of_replicas": 0,
                "index.routing.allocation.require._name": "no-such-node",
            },
            "aliases": {f"{prefix}-union": {}},
        },
        params={"wait_for_active_shards": "0"},
    )
    try:
        async with api_client(prefix, catalogue.libraries) as client:
            response = await client.get("/health")
            assert response.status == 503
            assert (await response.json())["error"]["code"] == "engine_unavailable"
            assert response.headers["Retry-After"] == "5"
        await engine.indices.put_settings(
            index=index, body={"index.routing.allocation.require._name": None}
        )
        await engine.cluster.health(
            index=index, wait_for_status="yellow", timeout="30s", request_timeout=60
        )
        async with api_client(prefix, catalogue.libraries) as client:
            assert (await client.get("/health")).status == 200
    finally:
        await engine.indices.delete(index=index)
