"""Versioned indices behind aliases: create, find, ensure, swap, drop.

A rebuild fills a new concrete index and moves the alias in one atomic step, so readers never
see no index; see :mod:`indexer.store.names` for the names.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from opensearchpy import AsyncOpenSearch

from indexer.console_schema import access_body, audit_body, jobs_body
from indexer.schema import (
    DATE,
    HARVEST_STATE,
    KEYWORD,
    RAW_HASH,
    leases_body,
    records_body,
    stats_body,
    tombstones_body,
    translations_body,
    union_body,
)
from indexer.store.errors import translated
from indexer.store.names import KINDS, Kind, alias, every_index, versioned_name

BODIES: dict[Kind, Callable[[], dict[str, Any]]] = {
    "union": union_body, "records": records_body, "tombstones": tombstones_body,
    "access": access_body, "jobs": jobs_body, "audit": audit_body,
    "stats": stats_body, "leases": leases_body, "translations": translations_body,
}
ADMIN_TIMEOUT = 60.0
# Fields added to a kind's mapping after indices of it were first made: an existing index gains
# them when the store opens (adding a field is allowed in place; nothing is reindexed).
ADDED_FIELDS: dict[Kind, dict[str, Any]] = {
    "union": {"work": KEYWORD},  # works (issue 15)
    "jobs": {"updated_at": DATE},  # the upload job's heartbeat
    # a reload skips decoding unchanged bytes; a re-harvest reads what it compares cheaply
    "records": {"raw_hash": RAW_HASH, "harvested": HARVEST_STATE},  # issue 16
}


async def create_versioned(client: AsyncOpenSearch, prefix: str, kind: Kind) -> str:
    """A new, empty concrete index for ``kind``; the alias is not touched."""
    name = versioned_name(prefix, kind)
    with translated(f"creating index {name}"):
        await client.indices.create(index=name, body=BODIES[kind](), request_timeout=ADMIN_TIMEOUT)
    return name


async def current_index(client: AsyncOpenSearch, prefix: str, kind: Kind) -> str | None:
    """The concrete index the alias points at, or None when the alias does not exist."""
    name = alias(prefix, kind)
    with translated(f"looking up alias {name}"):
        if not await client.indices.exists_alias(name=name, request_timeout=ADMIN_TIMEOUT):
            return None
        found = await client.indices.get_alias(name=name, request_timeout=ADMIN_TIMEOUT)
    return sorted(found)[-1] if found else None


async def ensure_indices(client: AsyncOpenSearch, prefix: str) -> dict[Kind, str]:
    """Every kind's alias exists and points at an index; returns kind → concrete index."""
    result: dict[Kind, str] = {}
    for kind in KINDS:
        existing = await current_index(client, prefix, kind)
        if existing is None:
            existing = await create_versioned(client, prefix, kind)
            await swap_alias(client, prefix, kind, existing)
        elif kind in ADDED_FIELDS:
            with translated(f"adding {', '.join(ADDED_FIELDS[kind])} to {existing}"):
                await client.indices.put_mapping(
                    index=existing, body={"properties": ADDED_FIELDS[kind]},
                    request_timeout=ADMIN_TIMEOUT,
                )
        result[kind] = existing
    return result


async def swap_alias(client: AsyncOpenSearch, prefix: str, kind: Kind, new_index: str) -> None:
    """Point the alias at ``new_index`` in one atomic step (readers never see no index)."""
    name = alias(prefix, kind)
    actions: list[dict[str, Any]] = []
    old = await current_index(client, prefix, kind)
    if old and old != new_index:
        actions.append({"remove": {"index": old, "alias": name}})
    actions.append({"add": {"index": new_index, "alias": name, "is_write_index": True}})
    with translated(f"moving alias {name}"):
        await client.indices.update_aliases(
            body={"actions": actions}, request_timeout=ADMIN_TIMEOUT
        )


async def drop_index(client: AsyncOpenSearch, index: str) -> None:
    """Delete one concrete index (a replaced version)."""
    with translated(f"deleting the old index {index}"):
        await client.indices.delete(index=index, request_timeout=ADMIN_TIMEOUT)


async def drop_all(client: AsyncOpenSearch, prefix: str) -> None:
    """Delete every index of this catalogue (tests and `make demo` re-runs use it)."""
    with translated(f"deleting the indices of {prefix}"):
        await client.indices.delete(index=every_index(prefix), request_timeout=ADMIN_TIMEOUT)
