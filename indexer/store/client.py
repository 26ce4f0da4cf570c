"""The one place an engine client is configured.

Every command finds the engine the same way: ``MUCLUC_OPENSEARCH_URL`` when set, else the managed
local node's state file. The API opens its client here too (fewer retries, shorter timeout).
"""

from __future__ import annotations

from pathlib import Path

from opensearchpy import AsyncOpenSearch

from indexer import node
from indexer.store.serializer import OrjsonSerializer
from mucluc.core import settings
from mucluc.core.errors import EngineError

DEFAULT_TIMEOUT = 30.0
DEFAULT_RETRIES = 2
POOL_SIZE = 64  # kept-alive connections per node: the API's concurrent searches (default 10)


def node_directory() -> Path:
    """Directory of the managed local node (``$MUCLUC_HOME/node``)."""
    return node.default_home() / "node"


def engine_url() -> str:
    """URL of the engine every command talks to; EngineError when none is configured or up."""
    explicit = settings.opensearch_urls()
    if explicit:
        return ",".join(explicit)
    state = node.NodeState.load(node_directory() / node.STATE_FILE)
    if state is None:
        raise EngineError("no OpenSearch node is running")
    return state.url


def index_prefix() -> str:
    """The prefix of this catalogue's indices (MUCLUC_INDEX_PREFIX)."""
    return settings.index_prefix()


def make_client(
    url: str, *, timeout: float = DEFAULT_TIMEOUT, retries: int = DEFAULT_RETRIES
) -> AsyncOpenSearch:
    """An async client for ``url`` (one URL, or several comma-separated nodes)."""
    hosts = [part.strip().rstrip("/") for part in url.split(",") if part.strip()]
    return AsyncOpenSearch(
        hosts=hosts,
        timeout=timeout,
        max_retries=retries,
        retry_on_timeout=retries > 0,
        http_compress=False,
        serializer=OrjsonSerializer(),
        maxsize=POOL_SIZE,
    )
