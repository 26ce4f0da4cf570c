"""The connection to OpenSearch, and the translation of its errors into ours.

Every command finds the engine the same way: ``MUCLUC_OPENSEARCH_URL`` when set, else the managed
local node's state file. opensearch-py's exceptions never travel past this module's helpers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from opensearchpy import AsyncOpenSearch
from opensearchpy.exceptions import ConnectionError as OSConnectionError
from opensearchpy.exceptions import ConnectionTimeout, OpenSearchException, TransportError

from indexer import node
from mucluc import settings
from mucluc.errors import EngineError


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
