"""The engine connection (indexer/store/connection.py) against a real engine: JSON answers reach
the deserializer as bytes, and every call answers — or fails — exactly as through
opensearch-py's own aiohttp connection."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from opensearchpy import AsyncOpenSearch
from opensearchpy.exceptions import ConnectionError as OSConnectionError
from opensearchpy.exceptions import TransportError

from indexer.store.client import make_client
from indexer.store.connection import BytesConnection
from indexer.store.errors import translate
from indexer.store.serializer import OrjsonSerializer

Call = Callable[[AsyncOpenSearch, str], Awaitable[Any]]
BOOKS = [
    {"title": "Truyện Kiều", "year": 1820, "libraries": ["HN01", "HCM02"]},
    {"title": "Nhật ký trong tù", "year": 1960, "libraries": ["HN01"]},
    {"title": "Số đỏ", "year": 1936, "libraries": ["DN03"]},
]
SEARCH = {
    "query": {"match": {"title": "Kiều"}},
    "aggs": {"libraries": {"terms": {"field": "libraries"}}},
    "highlight": {"fields": {"title": {}}},
}
CALLS: dict[str, Call] = {
    "search with facets and highlight": lambda c, i: c.search(index=i, body=SEARCH),
    "count": lambda c, i: c.count(index=i),
    "get of a missing document, 404 ignored": lambda c, i: c.get(index=i, id="none", ignore=404),
    "exists (HEAD)": lambda c, i: c.indices.exists(index=i),
    "exists of a missing index (HEAD 404)": lambda c, i: c.indices.exists(index=f"{i}-none"),
    "_cat as text": lambda c, i: c.cat.count(index=i, h="count"),
    "_cat as JSON": lambda c, i: c.cat.count(index=i, h="count", format="json"),
}
FAILING: dict[str, Call] = {
    "an unknown query": lambda c, i: c.search(index=i, body={"query": {"nope": {}}}),
    "a missing index": lambda c, i: c.search(index=f"{i}-none", body={}),
}


@pytest.fixture(scope="module")
async def clients(opensearch_url: str) -> AsyncIterator[tuple[AsyncOpenSearch, AsyncOpenSearch]]:
    """(ours, opensearch-py's stock connection with the same serializer) on one small index."""
    ours = make_client(opensearch_url)
    stock = AsyncOpenSearch(hosts=[opensearch_url], serializer=OrjsonSerializer())
    index = f"mucluc-test-connection-{uuid.uuid4().hex[:8]}"
    await stock.indices.create(index=index, body={"mappings": {"properties": {
        "title": {"type": "text"}, "year": {"type": "integer"},
        "libraries": {"type": "keyword"},
    }}})  # fmt: skip
    for n, book in enumerate(BOOKS):
        await stock.index(index=index, id=str(n), body=book)
    await stock.indices.refresh(index=index)
    ours.test_index, stock.test_index = index, index  # type: ignore[attr-defined]
    yield ours, stock
    await stock.indices.delete(index=index)
    await ours.close()
    await stock.close()


@pytest.mark.engine
async def test_json_answers_reach_the_deserializer_as_bytes(
    clients: tuple[AsyncOpenSearch, AsyncOpenSearch],
) -> None:
    ours, _ = clients
    await ours.info()  # the transport makes its connections at its first call
    connection = ours.transport.get_connection()
    assert isinstance(connection, BytesConnection)
    status, headers, data = await connection.perform_request("GET", "/")
    assert status == 200 and headers["content-type"].startswith("application/json")
    assert isinstance(data, bytes)


@pytest.mark.engine
@pytest.mark.parametrize("name", list(CALLS), ids=list(CALLS))
async def test_answers_are_those_of_the_stock_connection(
    clients: tuple[AsyncOpenSearch, AsyncOpenSearch], name: str
) -> None:
    ours, stock = clients
    index = ours.test_index  # type: ignore[attr-defined]
    mine, theirs = await CALLS[name](ours, index), await CALLS[name](stock, index)
    if isinstance(theirs, dict) and "took" in theirs:
        mine, theirs = {**mine, "took": 0}, {**theirs, "took": 0}
    assert mine == theirs
    assert type(mine) is type(theirs)


@pytest.mark.engine
@pytest.mark.parametrize("name", list(FAILING), ids=list(FAILING))
async def test_errors_are_those_of_the_stock_connection(
    clients: tuple[AsyncOpenSearch, AsyncOpenSearch], name: str
) -> None:
    ours, stock = clients
    index = ours.test_index  # type: ignore[attr-defined]
    failures = []
    for client in (ours, stock):
        with pytest.raises(TransportError) as caught:
            await FAILING[name](client, index)
        failures.append(caught.value)
    mine, theirs = failures
    assert type(mine) is type(theirs)
    assert (mine.status_code, mine.error, mine.info) == (
        theirs.status_code, theirs.error, theirs.info,
    )  # fmt: skip
    assert str(translate(mine, "searching")) == str(translate(theirs, "searching"))


async def test_an_engine_away_is_a_connection_error() -> None:
    away = make_client("http://127.0.0.1:9", retries=0)
    try:
        with pytest.raises(OSConnectionError) as caught:
            await away.info()
        assert str(translate(caught.value, "asking who it is")) == (
            "OpenSearch is unreachable while asking who it is"
        )
    finally:
        await away.close()
