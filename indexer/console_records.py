"""Upload jobs (kind ``jobs``) and the audit log (kind ``audit``), kept in the engine.

Both are read by people a page at a time (newest first), so the listings take an explicit
``page``/``size`` and say how many there are in all; nothing is silently cut at a fixed size.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from indexer.accounts import now
from indexer.store import Store

MAX_PAGE = 100
# A queued or running job is re-saved at least every HEARTBEAT_SECONDS by the process running it;
# one not saved for STALE_SECONDS lost its process (killed, machine restarted) and is shown as
# failed, so a librarian never waits on a job that nothing runs any more.
HEARTBEAT_SECONDS = 30.0
STALE_SECONDS = 120.0
INTERRUPTED = {
    "code": "interrupted",
    "message": "The service stopped while this file was being loaded; send the file again "
    "(records already loaded are not loaded twice).",
}


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
    """Write the whole job document (its ``id`` is the document id), stamped ``updated_at``."""
    job["updated_at"] = now()
    await store.bulk_all([{"index": {"_index": store.alias("jobs"), "_id": job["id"]}}, job],
                         "storing an upload job")
    if refresh:
        await store.refresh("jobs")


def as_seen(job: dict[str, Any], at: datetime | None = None) -> dict[str, Any]:
    """The job as a reader should see it at ``at``: a queued or running job that its process
    stopped saving ``STALE_SECONDS`` ago is failed (``interrupted``)."""
    if job.get("state") not in {"queued", "running"}:
        return job
    stamp = job.get("updated_at") or job.get("created_at")
    try:
        saved = datetime.fromisoformat(str(stamp))
    except ValueError:
        return job
    if ((at or datetime.now(UTC)) - saved).total_seconds() <= STALE_SECONDS:
        return job
    return {**job, "state": "failed", "error": INTERRUPTED}


async def job(store: Store, job_id: str) -> dict[str, Any] | None:
    if not job_id or len(job_id) > 64:
        return None
    found = await store.get("jobs", job_id, doing="reading an upload job")
    return None if found is None else as_seen(found)


async def _listing(store: Store, kind: str, query: dict[str, Any], sort_field: str,
                   page: int, size: int, source: list[str] | bool = True) -> Listing:
    page = max(1, page)
    size = max(1, min(size, MAX_PAGE))
    body = {"query": query, "sort": [{sort_field: "desc"}], "from": (page - 1) * size,
            "size": size, "track_total_hits": True, "_source": source}
    response = await store.search(kind, body, doing=f"listing {kind}")
    hits = response["hits"]
    return Listing([as_seen(hit["_source"]) for hit in hits["hits"]],
                   int(hits["total"]["value"]), page, size)


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


async def library_records(store: Store, library: str) -> dict[str, str]:
    """Raw-store id → local id of every record the library has stored (all of them, paged)."""
    found: dict[str, str] = {}
    async for hits in store.scan("records", {"term": {"library": library}}, source=["local_id"],
                                 doing=f"listing the records of {library}"):
        for hit in hits:
            found[hit["_id"]] = str(hit["_source"].get("local_id", ""))
    return found
