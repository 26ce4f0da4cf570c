"""Conditional writes: create-if-absent, replace-if-unchanged, delete by query.

Several API workers (or machines) share one engine; a harvest lease must be taken by exactly one
of them. The engine decides: ``op_type=create`` fails for all but the first writer of a new
document, and a write carrying the ``_seq_no``/``_primary_term`` its writer read fails when
someone else wrote in between. Callers may rely on: a lost race is ``False``, never an error;
anything else the engine refuses is an EngineError (see :mod:`indexer.store.errors`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from opensearchpy.exceptions import ConflictError

from indexer.store.catalogue import Source, Store
from mucluc.core.errors import EngineError

#: Deletes by query wait at most this long (retention purges are small and rare).
DELETE_TIMEOUT = 60.0


@dataclass(frozen=True)
class Versioned:
    """A document as read, with the version a conditional write must name."""

    source: Source
    seq_no: int
    primary_term: int


async def get_versioned(store: Store, name: str, doc_id: str, *, doing: str) -> Versioned | None:
    """The document with its ``_seq_no``/``_primary_term``; None when there is none."""
    with store._calling("get", doing):
        found = await store.client.get(
            index=store._index(name), id=doc_id, ignore=404, request_timeout=store.timeout
        )
    if not found.get("found"):
        return None
    return Versioned(found["_source"], int(found["_seq_no"]), int(found["_primary_term"]))


async def create(store: Store, name: str, doc_id: str, document: Source, *, doing: str) -> bool:
    """Write ``document`` only if no document ``doc_id`` exists; False when one does."""
    try:
        with store._calling("create", doing):
            await store.client.index(
                index=store._index(name), id=doc_id, body=document, op_type="create",
                refresh="true", request_timeout=store.timeout,
            )
    except EngineError as exc:
        if _lost_race(exc):
            return False
        raise
    return True


async def replace_if(
    store: Store, name: str, doc_id: str, document: Source, read: Versioned, *, doing: str
) -> bool:
    """Replace the document only if nobody wrote it since ``read``; False when someone did."""
    try:
        with store._calling("replace", doing):
            await store.client.index(
                index=store._index(name), id=doc_id, body=document, refresh="true",
                if_seq_no=read.seq_no, if_primary_term=read.primary_term,
                request_timeout=store.timeout,
            )
    except EngineError as exc:
        if _lost_race(exc):
            return False
        raise
    return True


async def delete_where(store: Store, name: str, query: dict[str, Any], *, doing: str) -> int:
    """Delete every document matching ``query``; how many were deleted."""
    with store._calling("delete_by_query", doing):
        response = await store.client.delete_by_query(
            index=store._index(name), body={"query": query}, conflicts="proceed",
            refresh=True, request_timeout=DELETE_TIMEOUT,
        )
    return int(response.get("deleted", 0))


def _lost_race(exc: EngineError) -> bool:
    """Whether the engine refused the write with 409 (another writer came first)."""
    return isinstance(exc.__cause__, ConflictError)
