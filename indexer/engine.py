"""The connection to OpenSearch, and the translation of its errors into ours.

Every command finds the engine the same way: ``MUCLUC_OPENSEARCH_URL`` when set, else the managed
local node's state file. opensearch-py's exceptions never travel past this module's helpers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from opensearchpy import AsyncOpenSearch
from opensearchpy.exceptions import ConnectionError as OSConnectionError
from opensearchpy.exceptions import ConnectionTimeout, OpenSearchException, TransportError

from indexer import node
from mucluc.core import settings
from mucluc.core.errors import EngineError


def node_directory() -> Path:
    """Directory of the managed local node (``$MUCLUC_HOME/node``)."""
    return node.default_home() / "node"


def engine_url() -> str:
    """URL of the engine every command talks to."""
    explicit = settings.get("MUCLUC_OPENSEARCH_URL")
    if explicit:
        return explicit.rstrip("/")
    state = node.NodeState.load(node_directory() / node.STATE_FILE)
    if state is None:
        raise EngineError("no OpenSearch node is running")
    return state.url


def index_prefix() -> str:
    return settings.get("MUCLUC_INDEX_PREFIX")


def client(url: str | None = None, *, timeout: float = 30.0) -> AsyncOpenSearch:
    """An async client; the caller closes it (prefer :func:`connected`)."""
    return AsyncOpenSearch(
        hosts=[url or engine_url()],
        timeout=timeout,
        max_retries=2,
        retry_on_timeout=True,
        http_compress=False,
    )


@asynccontextmanager
async def connected(
    url: str | None = None, *, check: bool = True
) -> AsyncIterator[AsyncOpenSearch]:
    """A client that has been seen to answer, closed on exit; EngineError when unreachable."""
    target = url or engine_url()
    engine = client(target)
    try:
        if check:
            try:
                await engine.info()
            except Exception as exc:
                raise EngineError(f"OpenSearch at {target} does not answer") from exc
        yield engine
    finally:
        await engine.close()


def translate(exc: Exception, doing: str) -> EngineError:
    """Our error for an opensearch-py exception raised while ``doing`` something."""
    if isinstance(exc, (OSConnectionError, ConnectionTimeout)):
        return EngineError(f"OpenSearch is unreachable while {doing}")
    if isinstance(exc, TransportError):
        reason = _reason(exc)
        return EngineError(f"OpenSearch refused {doing}: {reason}", hint="")
    if isinstance(exc, OpenSearchException):
        return EngineError(f"OpenSearch failed while {doing}: {exc}", hint="")
    return EngineError(f"unexpected failure while {doing}: {exc}", hint="")


def _reason(exc: TransportError) -> str:
    info = exc.info if isinstance(exc.info, dict) else {}
    error = info.get("error")
    if isinstance(error, dict):
        root = (error.get("root_cause") or [error])[0]
        return f"{root.get('type', 'error')}: {root.get('reason', '')}"[:300]
    return f"{exc.status_code} {exc.error}"[:300]


async def bulk(
    engine: AsyncOpenSearch, actions: list[dict[str, Any]], doing: str
) -> dict[str, str]:
    """Send one bulk request; returns id → reason for each document the engine refused.

    A delete of a document that is already gone is not a refusal. The request as a whole
    failing (engine down, bad request) raises EngineError.
    """
    if not actions:
        return {}
    try:
        response = await engine.bulk(body=actions, request_timeout=120)
    except OpenSearchException as exc:
        raise translate(exc, doing) from exc
    refused: dict[str, str] = {}
    if response.get("errors"):
        for entry in response["items"]:
            ((operation, result),) = entry.items()
            status = result.get("status", 200)
            if status >= 300 and not (operation == "delete" and status == 404):
                error = result.get("error", {})
                reason = error.get("reason", str(error)) if isinstance(error, dict) else error
                refused[result.get("_id", "")] = str(reason)[:300]
    return refused


async def bulk_all(engine: AsyncOpenSearch, actions: list[dict[str, Any]], doing: str) -> None:
    """Like :func:`bulk`, for writes where any refused document is an error (rebuilds)."""
    refused = await bulk(engine, actions, doing)
    if refused:
        doc_id, reason = next(iter(refused.items()))
        raise EngineError(
            f"OpenSearch refused {len(refused)} documents while {doing} "
            f"(first: {doc_id}: {reason})",
            hint="",
        )


async def refresh(engine: AsyncOpenSearch, index: str) -> None:
    """Make recent writes to ``index`` visible to searches."""
    try:
        await engine.indices.refresh(index=index)
    except OpenSearchException as exc:
        raise translate(exc, f"refreshing {index}") from exc
