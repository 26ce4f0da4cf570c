"""Upload jobs (kind ``jobs``) and the audit log (kind ``audit``), kept in the engine.

Both are read by people a page at a time (newest first), so the listings take an explicit
``page``/``size`` and say how many there are in all; nothing is silently cut at a fixed size.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from indexer.accounts import now
from indexer.store import Store

MAX_PAGE = 100


@dataclass(frozen=True)
class Listing:
    """One page of a listing, newest first, and how many entries there are in all."""

    items: list[dict[str, Any]]
    total: int
    page: int
    size: int


def new_job_id() -> str:
    return secrets.token_hex(8)


async def save_job(store: Store, job: dict[str, Any], *, refresh: bool = False) -> None:
    """Write the whole job document (its ``id`` is the document id)."""
    await store.bulk_all([{"index": {"_index": store.alias("jobs"), "_id": job["id"]}}, job],
                         "storing an upload job")
    if refresh:
        await store.refresh("jobs")


async def job(store: Store, job_id: str) -> dict[str, Any] | None:
    if not job_id or len(job_id) > 64:
        return None
    return await store.get("jobs", job_id, doing="reading an upload job")


async def _listing(store: Store, kind: str, query: dict[str, Any], sort_field: str,
                   page: int, size: int, source: list[str] | bool = True) -> Listing:
    page = max(1, page)
    size = max(1, min(size, MAX_PAGE))
    body = {"query": query, "sort": [{sort_field: "desc"}], "from": (page - 1) * size,
            "size": size, "track_total_hits": True, "_source": source}
    response = await store.search(kind, body, doing=f"listing {kind}")
    hits = response["hits"]
    return Listing([hit["_source"] for hit in hits["hits"]], int(hits["total"]["value"]),
                   page, size)


async def jobs_of(store: Store, library: str, *, page: int = 1, size: int = 20) -> Listing:
    """One page of a library's jobs, newest first, without their reports."""
    return await _listing(store, "jobs", {"term": {"library": library}}, "created_at", page,
                          size, source={"excludes": ["report"]})  # type: ignore[arg-type]


async def write_audit(store: Store, entry: dict[str, Any]) -> None:
    entry = {"at": now(), **entry}
    await store.bulk_all([{"index": {"_index": store.alias("audit")}}, entry],
                         "writing an audit entry")
    await store.refresh("audit")


async def audit_entries(store: Store, *, library: str | None = None, page: int = 1,
                        size: int = 50) -> Listing:
    """One page of the audit log, newest first (of one library's entries when given)."""
    query: dict[str, Any] = {"term": {"library": library}} if library else {"match_all": {}}
    return await _listing(store, "audit", query, "at", page, size)
