"""The catalogue store: every read and write of the engine goes through :class:`Store`.

A store is an engine client plus the catalogue's index prefix. Its methods name indices by kind
(``"union"``, ``"records"`` — the aliases) or by concrete name (a new versioned index during a
rebuild). Every call carries an explicit timeout, and every opensearch-py exception leaves as an
:class:`~mucluc.core.errors.EngineError` (see :mod:`indexer.store.errors`).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from typing import Any, TypeVar
from urllib.parse import quote

from opensearchpy import AsyncOpenSearch

from indexer.store import indices, paginate
from indexer.store.client import (
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
    close_client,
    engine_url,
    index_prefix,
    make_client,
)
from indexer.store.errors import EngineBusy, error_reason, is_busy, translated
from indexer.store.names import Kind, alias, target
from indexer.store.types import Health
from mucluc.core.errors import EngineError

BULK_TIMEOUT = 120.0
BUSY_RETRIES = 5  # resends of documents the engine turned away with 429 (too busy)
BUSY_PAUSE = 0.5  # seconds before the first resend; doubles each time
BUSY_READ_PAUSE = 0.25  # seconds (to twice that, spread) before a busy read's one more try
HEALTH_TIMEOUT = 3.0
TERMS_PER_QUERY = 1000  # values per terms query (the engine's default limit is 65,536)
Action = dict[str, Any]
Source = dict[str, Any]
#: Told of every read and write call: (operation, seconds, succeeded). The API counts them.
Observer = Callable[[str, float, bool], None]
T = TypeVar("T")


class Store:
    """One catalogue (``prefix``) on one engine; open it with :meth:`Store.open`.

    ``page_size`` is the page of every full read (:meth:`scan`, :meth:`where`); reads are
    never capped, a smaller page only means more requests.
    """

    def __init__(
        self,
        client: AsyncOpenSearch,
        prefix: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        page_size: int = paginate.DEFAULT_PAGE,
        owns_client: bool = False,
    ) -> None:
        self.client = client
        self.prefix = prefix
        self.timeout = timeout
        self.page_size = page_size
        self._owns_client = owns_client
        self.observer: Observer | None = None

    @contextmanager
    def _calling(self, operation: str, doing: str) -> Iterator[None]:
        """One engine call: its error translated, its duration told to the observer."""
        started = time.perf_counter()
        ok = False
        try:
            with translated(doing):
                yield
            ok = True
        finally:
            if self.observer is not None:
                self.observer(operation, time.perf_counter() - started, ok)

    async def _read(self, operation: str, doing: str, call: Callable[[], Awaitable[T]]) -> T:
        """One read call; refused for the engine's load (:class:`EngineBusy`: a memory circuit
        breaker, a full search queue) it is made once more after a short spread pause, then the
        refusal stands. One retry only, so a reader waits at most a pause and a call more; the
        API's request deadline still cuts it short. Each try is told to the observer."""
        try:
            with self._calling(operation, doing):
                return await call()
        except EngineBusy:
            await asyncio.sleep(BUSY_READ_PAUSE * (1 + random.random()))
        with self._calling(operation, doing):
            return await call()

    @classmethod
    @asynccontextmanager
    async def open(
        cls,
        url: str | None = None,
        prefix: str | None = None,
        *,
        check: bool = True,
        timeout: float = DEFAULT_TIMEOUT,
        retries: int = DEFAULT_RETRIES,
    ) -> AsyncIterator[Store]:
        """A store on ``url`` (default: the configured engine) for ``prefix`` (default:
        MUCLUC_INDEX_PREFIX), closed on exit. With ``check``, an engine that does not answer
        is an EngineError here rather than at the first real call."""
        where = url or engine_url()
        store = cls(
            make_client(where, timeout=timeout, retries=retries),
            prefix if prefix is not None else index_prefix(),
            timeout=timeout,
            owns_client=True,
        )
        try:
            if check:
                try:
                    await store.info()
                except EngineError as exc:
                    raise EngineError(f"OpenSearch at {where} does not answer") from exc
            yield store
        finally:
            await store.close()

    def with_prefix(self, prefix: str) -> Store:
        """Another catalogue on the same client (the caller keeps closing the original)."""
        return Store(self.client, prefix, timeout=self.timeout, page_size=self.page_size)

    async def close(self) -> None:
        if self._owns_client:
            await close_client(self.client)

    def alias(self, kind: Kind) -> str:
        return alias(self.prefix, kind)

    def _index(self, name: str) -> str:
        return target(self.prefix, name)

    # Reads ---------------------------------------------------------------------------------

    async def info(self) -> dict[str, Any]:
        with translated("asking who it is"):
            return await self.client.info(request_timeout=self.timeout)

    async def has_icu(self) -> bool:
        """Whether every node of the cluster has the ICU analysis plugin (``analysis-icu``):
        a cluster without it (``MUCLUC_OPENSEARCH_URL``) gets the Python-computed keys."""
        with translated("listing its plugins"):
            rows = await self.client.cat.plugins(format="json", request_timeout=self.timeout)
            nodes = await self.client.cat.nodes(format="json", h="name",
                                                request_timeout=self.timeout)
        having = {row.get("name") for row in rows if row.get("component") == "analysis-icu"}
        return bool(nodes) and having >= {node.get("name") for node in nodes}

    async def health(self, name: str = "union") -> Health:
        """The health of the cluster and of the catalogue's ``name`` index; a short timeout.

        The cluster can be red for another catalogue's sake while ours answers, and green while
        ours is still recovering after a restart (its shards not yet assigned): readers care
        about ours. ``catalogue`` is the index's ``green``/``yellow``/``red``, or ``missing`` when
        nothing has been loaded yet. Never waits for a status (``timeout=0s``).
        """
        with self._calling("health", "checking its health"):
            answer = await self.client.cluster.health(
                index=self._index(name), level="indices", timeout="0s", ignore=408,
                request_timeout=HEALTH_TIMEOUT,
            )  # fmt: skip  (408: the index does not exist, "timed out" waiting for it)
            cluster = await self.client.cluster.health(request_timeout=HEALTH_TIMEOUT)
        catalogue = answer["status"] if answer.get("indices") else "missing"
        return {"cluster": cluster["status"], "catalogue": catalogue}

    async def search(
        self, name: str, body: dict[str, Any], *, timeout: float | None = None,
        doing: str = "searching",
    ) -> dict[str, Any]:
        """The engine's search response for ``body`` on ``name`` (a kind or an index).

        The API's hot path: the request goes to the client's transport (its nodes, retries and
        errors) without ``AsyncOpenSearch.search``'s keyword handling, which checks some fifty
        optional parameters on every call; the same method, path, body and timeout."""
        path = f"/{quote(self._index(name), safe=',*')}/_search"  # as opensearch-py builds it
        limit = timeout or self.timeout
        transport = self.client.transport  # its parameters are a new dict each try: it pops them
        return await self._read("search", doing, lambda: transport.perform_request(
            "POST", path, params={"request_timeout": limit}, body=body
        ))  # fmt: skip

    async def count(
        self, name: str, body: dict[str, Any] | None = None, *, timeout: float | None = None,
        doing: str = "counting",
    ) -> int:
        response = await self._read("count", doing, lambda: self.client.count(
            index=self._index(name), body=body, request_timeout=timeout or self.timeout
        ))  # fmt: skip
        return int(response["count"])

    async def get(
        self, name: str, doc_id: str, *, source: Sequence[str] | None = None,
        doing: str = "reading a document",
    ) -> Source | None:
        """The document's source, or None when there is no such document (or index)."""
        params = {"_source_includes": ",".join(source)} if source else None
        found = await self._read("get", doing, lambda: self.client.get(
            index=self._index(name), id=doc_id, params=params, ignore=404,
            request_timeout=self.timeout,
        ))  # fmt: skip
        return found.get("_source") if found.get("found") else None

    async def mget(
        self, name: str, ids: Sequence[str], *, source: Sequence[str] | None = None,
        doing: str = "reading stored documents",
    ) -> dict[str, Source]:
        """id → source of the documents that exist among ``ids`` (missing ones are left out)."""
        if not ids:
            return {}
        params = {"_source_includes": ",".join(source)} if source else None
        return {doc["_id"]: doc.get("_source", {})
                for doc in await self._mget(name, ids, params, doing)}

    async def mget_stored(
        self, name: str, ids: Sequence[str], fields: Sequence[str], *,
        doing: str = "reading stored documents",
    ) -> dict[str, dict[str, list[Any]]]:
        """id → the stored ``fields`` it has (read apart from ``_source``, which is not read),
        of the documents that exist among ``ids``."""
        if not ids:
            return {}
        params = {"stored_fields": ",".join(fields), "_source": "false"}
        return {doc["_id"]: doc.get("fields", {})
                for doc in await self._mget(name, ids, params, doing)}

    async def _mget(self, name: str, ids: Sequence[str], params: dict[str, str] | None,
                    doing: str) -> list[dict[str, Any]]:
        response = await self._read("mget", doing, lambda: self.client.mget(
            index=self._index(name), body={"ids": list(ids)}, params=params,
            request_timeout=self.timeout,
        ))  # fmt: skip
        return [doc for doc in response["docs"] if doc.get("found")]

    def scan(
        self, name: str, query: dict[str, Any] | None = None, *,
        source: Sequence[str] | bool = True, stored_fields: Sequence[str] = (),
        sort: Sequence[Any] = (), page_size: int | None = None,
        doing: str = "reading stored documents",
    ) -> AsyncIterator[list[paginate.Hit]]:
        """Every matching document, in pages (see :func:`indexer.store.paginate.pages`)."""
        return paginate.pages(
            self.client, self._index(name), query or {"match_all": {}}, source=source,
            stored_fields=stored_fields, sort=sort, page_size=page_size or self.page_size,
            timeout=max(self.timeout, 60.0), doing=doing,
        )

    async def msearch(
        self, name: str, bodies: Sequence[dict[str, Any]], *, timeout: float | None = None,
        doing: str = "searching",
    ) -> list[dict[str, Any]]:
        """The engine's responses to ``bodies`` on ``name``, in order, in one round trip.

        A body the engine refuses makes the whole call an EngineError (as :meth:`search`
        would), so callers never read a half answer; refused for load (a busy answer), the
        whole call is made once more (:meth:`_read`).
        """
        if not bodies:
            return []
        lines: list[dict[str, Any]] = []
        for body in bodies:
            lines += [{}, body]

        async def call() -> list[dict[str, Any]]:
            response = await self.client.msearch(
                index=self._index(name), body=lines, request_timeout=timeout or self.timeout
            )
            answers: list[dict[str, Any]] = response["responses"]
            for answer in answers:
                if "error" in answer:
                    error = answer["error"]
                    reason = error_reason(error) if isinstance(error, dict) else error
                    message = f"OpenSearch refused {doing}: {str(reason)[:300]}"
                    if is_busy(answer):
                        raise EngineBusy(message, hint="")
                    raise EngineError(message, hint="")
            return answers

        return await self._read("msearch", doing, call)

    async def where(
        self, name: str, field: str, values: Sequence[str], *,
        source: Sequence[str] | bool = True, doing: str = "",
    ) -> dict[str, Source]:
        """id → source of every document whose ``field`` is one of ``values``: all of them,
        however many documents each value matches.

        One multi-search asks every chunk of values for its first page; only a chunk whose
        first page came back full is read on through the paginator, so the usual lookup (a
        batch's neighbourhood) costs one round trip.
        """
        found: dict[str, Source] = {}
        unique = sorted(set(values))
        doing = doing or f"reading {name} by {field}"
        queries = [
            {"terms": {field: unique[start : start + TERMS_PER_QUERY]}}
            for start in range(0, len(unique), TERMS_PER_QUERY)
        ]
        bodies = [
            {"query": query, "size": self.page_size, "track_total_hits": False,
             "_source": source if isinstance(source, bool) else list(source)}
            for query in queries
        ]
        answers = await self.msearch(name, bodies, timeout=max(self.timeout, 60.0), doing=doing)
        for query, answer in zip(queries, answers, strict=True):
            hits = answer["hits"]["hits"]
            if len(hits) < self.page_size:
                for hit in hits:
                    found[hit["_id"]] = hit.get("_source", {})
                continue
            async for page in self.scan(name, query, source=source, doing=doing):
                for hit in page:
                    found[hit["_id"]] = hit.get("_source", {})
        return found

    # Writes --------------------------------------------------------------------------------

    async def bulk(self, actions: list[Action], doing: str) -> dict[str, str]:
        """Send one bulk request; returns id → reason for each document the engine refused.

        A delete of a document that is already gone is not a refusal. Documents the engine
        turns away because it is busy (429, its write queue full) are sent again, alone, after
        a growing pause (at most ``BUSY_RETRIES`` times): that is the engine's back-pressure,
        not a refusal of the record. The request as a whole failing (engine down, bad
        request) raises EngineError.
        """
        refused: dict[str, str] = {}
        pending = actions
        for attempt in range(BUSY_RETRIES + 1):
            if not pending:
                break
            if attempt:
                await asyncio.sleep(BUSY_PAUSE * 2 ** (attempt - 1))
            with self._calling("bulk", doing):
                response = await self.client.bulk(body=pending, request_timeout=BULK_TIMEOUT)
            busy: list[Action] = []
            if response.get("errors"):
                last = attempt == BUSY_RETRIES
                for entry, lines in zip(response["items"], _operations(pending), strict=True):
                    ((operation, result),) = entry.items()
                    status = result.get("status", 200)
                    if status == 429 and not last:
                        busy += lines
                    elif status >= 300 and not (operation == "delete" and status == 404):
                        error = result.get("error", {})
                        reason = (error.get("reason", str(error)) if isinstance(error, dict)
                                  else error)
                        refused[result.get("_id", "")] = str(reason)[:300]
            pending = busy
        return refused

    async def bulk_all(self, actions: list[Action], doing: str) -> None:
        """Like :meth:`bulk`, for writes where any refused document is an error (rebuilds)."""
        refused = await self.bulk(actions, doing)
        if refused:
            doc_id, reason = next(iter(refused.items()))
            raise EngineError(
                f"OpenSearch refused {len(refused)} documents while {doing} "
                f"(first: {doc_id}: {reason})",
                hint="",
            )

    async def refresh(self, *names: str) -> None:
        """Make recent writes to these kinds or indices visible to searches."""
        index = ",".join(self._index(name) for name in names)
        with translated(f"refreshing {index}"):
            await self.client.indices.refresh(index=index, request_timeout=max(self.timeout, 60))

    async def put_mapping(self, name: str, properties: dict[str, Any], doing: str) -> None:
        """Add fields to an existing index's mapping (older stores gain new fields)."""
        with translated(doing):
            await self.client.indices.put_mapping(
                index=self._index(name), body={"properties": properties},
                request_timeout=indices.ADMIN_TIMEOUT,
            )

    async def set_refresh_interval(self, *names: str, interval: str) -> None:
        """How often the engine makes recent writes to these kinds or indices visible on its
        own (an explicit :meth:`refresh` still does it at once)."""
        index = ",".join(self._index(name) for name in names)
        with translated(f"setting the refresh interval of {index}"):
            await self.client.indices.put_settings(
                index=index, body={"index": {"refresh_interval": interval}},
                params={"ignore_unavailable": "true", "allow_no_indices": "true"},
                request_timeout=indices.ADMIN_TIMEOUT,
            )

    # Indices -------------------------------------------------------------------------------

    async def ensure_indices(self) -> dict[Kind, str]:
        """Every kind's alias exists and points at an index; returns kind → concrete index."""
        return await indices.ensure_indices(self.client, self.prefix)

    async def create_versioned(self, kind: Kind) -> str:
        return await indices.create_versioned(self.client, self.prefix, kind)

    async def current_index(self, kind: Kind) -> str | None:
        return await indices.current_index(self.client, self.prefix, kind)

    async def swap_alias(self, kind: Kind, new_index: str) -> None:
        await indices.swap_alias(self.client, self.prefix, kind, new_index)

    async def drop_index(self, index: str) -> None:
        await indices.drop_index(self.client, index)

    async def drop_all(self) -> None:
        """Delete every index of this catalogue (tests and `make demo` re-runs use it)."""
        await indices.drop_all(self.client, self.prefix)


def _operations(actions: list[Action]) -> Iterator[list[Action]]:
    """The bulk body's lines grouped per operation (a delete is one line, others two)."""
    at = 0
    while at < len(actions):
        width = 1 if "delete" in actions[at] else 2
        yield actions[at : at + width]
        at += width
