"""The one paginator: every document a query matches, page by page, with no size cap.

A lookup with ``size: 10000`` silently drops what lies past its window; this reads everything.
A query whose matches fit in one page is answered by one plain search (a consistent snapshot by
itself). Otherwise the whole read restarts under a point in time, sorted by the caller's sort
plus ``_shard_doc`` as the tiebreak, and continues with ``search_after``, so documents written
meanwhile neither appear twice nor push others out. The point in time is always closed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import aclosing
from typing import Any

from opensearchpy import AsyncOpenSearch

from indexer.store.errors import translated
from mucluc.core.errors import EngineError

DEFAULT_PAGE = 1000
KEEP_ALIVE = "2m"
Hit = dict[str, Any]


async def pages(
    client: AsyncOpenSearch,
    index: str,
    query: dict[str, Any],
    *,
    source: Sequence[str] | bool = True,
    stored_fields: Sequence[str] = (),
    sort: Sequence[Any] = (),
    page_size: int = DEFAULT_PAGE,
    timeout: float = 60.0,
    doing: str = "reading stored documents",
) -> AsyncIterator[list[Hit]]:
    """Pages of hits (each hit has ``_id``, ``_source`` and ``sort``; with ``stored_fields``
    also ``fields``, those of them the document has) in ``sort`` order.

    ``index`` may be an alias. Every page but the last holds ``page_size`` hits; an empty
    result yields nothing. ``sort`` must not be empty when the order matters to the caller;
    ties are broken by the engine's document order.
    """
    if page_size < 1:
        raise ValueError("page_size must be at least 1")
    body: dict[str, Any] = {
        "query": query,
        "_source": source if isinstance(source, bool) else list(source),
        "size": page_size,
        "track_total_hits": False,
    }
    if stored_fields:
        body["stored_fields"] = list(stored_fields)
    if sort:
        body["sort"] = list(sort)
    with translated(doing):
        first = await client.search(index=index, body=body, request_timeout=timeout)
    hits = first["hits"]["hits"]
    if len(hits) < page_size:
        if hits:
            yield hits
        return
    async with aclosing(_under_pit(client, index, body, timeout=timeout, doing=doing)) as rest:
        async for page in rest:
            yield page


async def _under_pit(
    client: AsyncOpenSearch, index: str, body: dict[str, Any], *, timeout: float, doing: str
) -> AsyncIterator[list[Hit]]:
    with translated(doing):
        opened = await client.create_pit(
            index=index, keep_alive=KEEP_ALIVE, request_timeout=timeout
        )
    pit_id = opened["pit_id"]
    try:
        body = {
            **body,
            "sort": [*body.get("sort", []), {"_shard_doc": "asc"}],
        }
        after: list[Any] | None = None
        while True:
            request = {**body, "pit": {"id": pit_id, "keep_alive": KEEP_ALIVE}}
            if after is not None:
                request["search_after"] = after
            with translated(doing):
                response = await client.search(body=request, request_timeout=timeout)
            pit_id = response.get("pit_id", pit_id)
            hits = response["hits"]["hits"]
            if hits:
                yield hits
            if len(hits) < body["size"]:
                return
            after = hits[-1]["sort"]
    finally:
        await _close(client, pit_id, timeout)


async def _close(client: AsyncOpenSearch, pit_id: str, timeout: float) -> None:
    try:
        with translated("closing a point in time"):
            await client.delete_pit(body={"pit_id": [pit_id]}, request_timeout=timeout)
    except EngineError:
        pass  # never hide the reader's own error: the point in time expires after KEEP_ALIVE
