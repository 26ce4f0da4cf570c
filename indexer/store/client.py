"""The one place an engine client is configured.

Every command finds the engine the same way: ``MUCLUC_OPENSEARCH_URL`` when set (one node, or
several comma-separated), else the managed local cluster's record (``cluster.json``), else the
managed local node's state file. The API opens its client here too (fewer retries, shorter
timeout).

With several nodes the client spreads requests over them (round robin) and fails over: a node
that refuses the connection or times out is marked dead for a while and the request is sent to
the next one; a 502/503/504 from a node is retried on the next one too. The retry budget is at
least one try per node, so a request is refused only when every node failed it.
"""

from __future__ import annotations

from pathlib import Path

from opensearchpy import AsyncOpenSearch

from indexer import cluster_nodes, node
from indexer.store.connection import BytesConnection
from indexer.store.serializer import OrjsonSerializer
from mucluc.core import settings
from mucluc.core.errors import EngineError

DEFAULT_TIMEOUT = 30.0
DEFAULT_RETRIES = 2
RETRY_ON_STATUS = (502, 503, 504)
"""A node answering these is busy or cut off from the cluster: another node may serve. Not 429
(a memory circuit breaker, a full queue): the transport would resend at once and mark the node
dead; the store's reads retry it once after a pause instead (``Store._read``, ``EngineBusy``)."""
DEAD_TIMEOUT = 5.0
"""Seconds a node that failed is left aside before it is tried again (it may be back)."""
POOL_SIZE = 64  # kept-alive connections per node: the API's concurrent searches (default 10)


def node_directory() -> Path:
    """Directory of the managed local node (``$MUCLUC_HOME/node``)."""
    return node.default_home() / "node"


def engine_url() -> str:
    """URL of the engine every command talks to; EngineError when none is configured or up."""
    explicit = settings.opensearch_urls()
    if explicit:
        return ",".join(explicit)
    cluster = cluster_nodes.ClusterState.load(node_directory())
    if cluster is not None and any(member.pid for member in cluster.nodes):
        return ",".join(cluster.urls)
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
    """An async client for ``url`` (one URL, or several comma-separated nodes).

    ``retries`` is the budget on one node; with several nodes it grows to reach every node once
    more (a dead node is skipped, not waited for).
    """
    hosts = split_urls(url)
    budget = retries + len(hosts) - 1 if retries > 0 else 0
    return AsyncOpenSearch(
        hosts=hosts,
        timeout=timeout,
        max_retries=budget,
        retry_on_timeout=budget > 0,
        retry_on_status=RETRY_ON_STATUS,
        dead_timeout=DEAD_TIMEOUT,
        randomize_hosts=len(hosts) > 1,
        http_compress=False,
        serializer=OrjsonSerializer(),
        connection_class=BytesConnection,  # JSON answers parsed from their bytes
        maxsize=POOL_SIZE,
    )


def split_urls(url: str) -> list[str]:
    """The nodes of ``url`` (comma-separated; trailing slashes dropped)."""
    return [part.strip().rstrip("/") for part in url.split(",") if part.strip()]


async def close_client(client: AsyncOpenSearch) -> None:
    """Close every node's connection, also those marked dead at the moment (opensearch-py's
    own ``close`` skips them and leaves their HTTP sessions open)."""
    pool = client.transport.connection_pool
    connections = list(getattr(pool, "orig_connections", None) or getattr(pool, "connections", []))
    await client.close()
    live = set(map(id, getattr(pool, "connections", [])))
    for connection in connections:
        if id(connection) not in live:
            await connection.close()
