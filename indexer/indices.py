"""Versioned indices behind aliases.

Readers and writers only ever name the aliases ``<prefix>-union`` and ``<prefix>-records``. The
concrete indices carry a version stamp (``<prefix>-union-20261126t012345``) so a rebuild can fill
a new index and swap the alias atomically while searches keep answering.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from opensearchpy import AsyncOpenSearch
from opensearchpy.exceptions import OpenSearchException

from indexer.engine import translate
from indexer.schema import records_body, union_body

KINDS: dict[str, Callable[[], dict[str, Any]]] = {"union": union_body, "records": records_body}


def alias(prefix: str, kind: str) -> str:
    return f"{prefix}-{kind}"


def versioned_name(prefix: str, kind: str) -> str:
    stamp = time.strftime("%Y%m%dt%H%M%S", time.gmtime())
    return f"{prefix}-{kind}-{stamp}{int(time.time() * 1000) % 1000:03d}"


async def create_versioned(engine: AsyncOpenSearch, prefix: str, kind: str) -> str:
    """A new, empty concrete index for ``kind``; the alias is not touched."""
    name = versioned_name(prefix, kind)
    try:
        await engine.indices.create(index=name, body=KINDS[kind]())
    except OpenSearchException as exc:
        raise translate(exc, f"creating index {name}") from exc
    return name


async def current_index(engine: AsyncOpenSearch, prefix: str, kind: str) -> str | None:
    """The concrete index the alias points at, or None when the alias does not exist."""
    try:
        if not await engine.indices.exists_alias(name=alias(prefix, kind)):
            return None
        found = await engine.indices.get_alias(name=alias(prefix, kind))
    except OpenSearchException as exc:
        raise translate(exc, f"looking up alias {alias(prefix, kind)}") from exc
    return sorted(found)[-1] if found else None


async def ensure_indices(engine: AsyncOpenSearch, prefix: str) -> dict[str, str]:
    """Both aliases exist and point at an index; returns kind → concrete index."""
    result: dict[str, str] = {}
    for kind in KINDS:
        existing = await current_index(engine, prefix, kind)
        if existing is None:
            existing = await create_versioned(engine, prefix, kind)
            await swap_alias(engine, prefix, kind, existing)
        result[kind] = existing
    return result


async def swap_alias(engine: AsyncOpenSearch, prefix: str, kind: str, new_index: str) -> None:
    """Point the alias at ``new_index`` in one atomic step (readers never see no index)."""
    name = alias(prefix, kind)
    actions: list[dict[str, Any]] = []
    old = await current_index(engine, prefix, kind)
    if old and old != new_index:
        actions.append({"remove": {"index": old, "alias": name}})
    actions.append({"add": {"index": new_index, "alias": name, "is_write_index": True}})
    try:
        await engine.indices.update_aliases(body={"actions": actions})
    except OpenSearchException as exc:
        raise translate(exc, f"moving alias {name}") from exc


async def drop_all(engine: AsyncOpenSearch, prefix: str) -> None:
    """Delete every index of this catalogue (tests and `make demo` re-runs use it)."""
    try:
        await engine.indices.delete(index=f"{prefix}-union-*,{prefix}-records-*")
    except OpenSearchException as exc:
        raise translate(exc, f"deleting the indices of {prefix}") from exc
