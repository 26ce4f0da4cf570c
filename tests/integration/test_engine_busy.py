"""The engine turning reads away for its load (HTTP 429, a memory circuit breaker tripped).

The real engine is made to refuse: its request breaker is set to one byte (a transient cluster
setting, reset after each test), so every search with facets trips it, exactly as the soak saw
after an engine restart. The store tries such a read once more after a short pause; when the
refusal persists the API answers a JSON 503 with Retry-After, never a 500.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from indexer.store import Store
from indexer.store.errors import EngineBusy
from tests.catalogue import Catalogue

pytestmark = pytest.mark.engine

BREAKER = "indices.breaker.request.limit"
FACETED = {"size": 1, "aggs": {"libraries": {"terms": {"field": "libraries"}}}}


def put_breaker(url: str, limit: str | None) -> None:
    """Set (or with None, reset) the request breaker's limit; synchronous, so the store's
    observer can call it between a refused try and the next one."""
    body = json.dumps({"transient": {BREAKER: limit}}).encode()
    request = urllib.request.Request(
        f"{url}/_cluster/settings", body, {"Content-Type": "application/json"}, method="PUT"
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert json.loads(response.read())["acknowledged"]


@pytest.fixture
async def tripped(opensearch_url: str) -> AsyncIterator[Callable[[], None]]:
    """The engine's request breaker at one byte for the test; the fixture's value lifts it."""
    put_breaker(opensearch_url, "1b")
    try:
        yield lambda: put_breaker(opensearch_url, None)
    finally:
        put_breaker(opensearch_url, None)


@pytest.fixture
async def store(opensearch_url: str, catalogue: Catalogue) -> AsyncIterator[Store]:
    async with Store.open(opensearch_url, catalogue.prefix, timeout=10.0, retries=1) as opened:
        yield opened


def reads(store: Store) -> dict[str, Callable[[], Any]]:
    return {
        "search": lambda: store.search("union", FACETED),
        "msearch": lambda: store.msearch("union", [{"size": 0}, FACETED]),
    }


@pytest.mark.parametrize("read", ["search", "msearch"])
async def test_a_busy_refusal_is_tried_once_more_and_then_answers(
    store: Store, tripped: Callable[[], None], read: str
) -> None:
    calls: list[bool] = []

    def observe(operation: str, seconds: float, ok: bool) -> None:
        calls.append(ok)
        if not ok:
            tripped()  # the engine recovers between the refused try and the next one

    store.observer = observe
    answer = await reads(store)[read]()
    assert calls == [False, True]
    hits = answer["hits"] if read == "search" else answer[1]["hits"]
    assert hits["total"]["value"] > 0


@pytest.mark.parametrize("read", ["search", "msearch"])
async def test_a_persisting_busy_refusal_is_engine_busy_after_two_tries(
    store: Store, tripped: Callable[[], None], read: str
) -> None:
    calls: list[bool] = []
    store.observer = lambda operation, seconds, ok: calls.append(ok)
    with pytest.raises(EngineBusy) as raised:
        await reads(store)[read]()
    assert calls == [False, False]
    assert "circuit_breaking_exception" in raised.value.message


async def test_the_api_answers_a_persisting_refusal_with_a_json_503_and_retry_after(
    api: TestClient, tripped: Callable[[], None]
) -> None:
    response = await api.get("/api/v1/search", params={"q": "truyện"})
    body = await response.json()
    assert response.status == 503, body
    assert body["error"]["code"] == "engine_unavailable"
    assert int(response.headers["Retry-After"]) > 0
    tripped()
    response = await api.get("/api/v1/search", params={"q": "truyện"})
    assert response.status == 200, await response.text()
