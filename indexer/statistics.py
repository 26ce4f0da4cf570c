"""The plan's indicators, read from the catalogue, and the search counters, written and read.

Holdings and quality are computed from what the catalogue holds, so they are right by
construction: titles are books (union documents, one per cluster; per library, the books it
holds), records are the libraries' own records (the raw store), copies are counted from items as
the mapping counts them. Both are aggregations (a record's counted ``facts`` are indexed, see
:func:`indexer.store.derived.facts`); records stored before ``facts`` existed are read (through
the store's paginator: no silent cap). Growth by month counts records by the month the catalogue
first held them (``first_seen``; a record stored before that field existed counts at its last
harvest).

Search counters (the ``stats`` index) are written only by :func:`add_counts`, as scripted upserts
that add to a day's counter, so several workers flushing at once add up; they are read by
:func:`searches`, :func:`ranked`, and cut by :func:`purge_before`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from indexer.store import Store
from indexer.store.conditional import delete_where
from indexer.store.derived import facts
from mucluc.core.errors import EngineError
from mucluc.core.library import KINDS, Library

#: The province's plan (2022–2025, toward 2030): the collection's targets.
TARGET_TITLES = 50_000
TARGET_COPIES = 200_000
#: (day, metric, key, site) → [count, label]: what an API worker counted since its last flush.
Counts = dict[tuple[str, str, str, str], list[Any]]
METRICS = ("searches", "query", "zero", "title", "subject")
QUALITY_FIELDS = ("isbn", "subject", "call_number")
MAX_TERMS = 10_000  # libraries or kinds per aggregation: far above any province's count
RECORD_SOURCE = ["library", "fields.copies", "fields.isbns", "fields.subjects",
                 "fields.call_number"]


@dataclass
class Tally:
    """Counts of one scope (the province, one kind or one library)."""

    titles: int = 0
    records: int = 0
    copies: int = 0
    isbn: int = 0
    subject: int = 0
    call_number: int = 0

    def add_record(self, fields: Mapping[str, Any]) -> None:
        """Count one record from its stored ``fields`` (a record without ``facts``)."""
        counted = facts(fields)
        self.records += 1
        self.copies += counted["copies"]
        self.isbn += counted["isbn"]
        self.subject += counted["subject"]
        self.call_number += counted["call_number"]

    def merge(self, other: Tally) -> None:
        for name in ("records", "copies", "isbn", "subject", "call_number"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, Any]:
        shares = {
            f"{name}_share": round(getattr(self, name) / self.records, 4) if self.records else 0.0
            for name in QUALITY_FIELDS
        }
        return {**asdict(self), **shares}


@dataclass
class Holdings:
    """Titles, records, copies and quality for the province, each kind and each library."""

    province: Tally = field(default_factory=Tally)
    kinds: dict[str, Tally] = field(default_factory=dict)
    libraries: dict[str, Tally] = field(default_factory=dict)

    def as_dict(self, libraries: Mapping[str, Library]) -> dict[str, Any]:
        return {
            "targets": {"titles": TARGET_TITLES, "copies": TARGET_COPIES},
            "progress": {
                "titles": round(self.province.titles / TARGET_TITLES, 4),
                "copies": round(self.province.copies / TARGET_COPIES, 4),
            },
            "province": self.province.as_dict(),
            "kinds": [{"kind": kind, **tally.as_dict()} for kind, tally in self.kinds.items()],
            "libraries": [
                {
                    "code": code,
                    "name": libraries[code].name if code in libraries else code,
                    "kind": libraries[code].kind if code in libraries else "",
                    **tally.as_dict(),
                }
                for code, tally in self.libraries.items()
            ],
        }


async def holdings(store: Store, libraries: Mapping[str, Library]) -> Holdings:
    """Every count of the holdings and quality tables, from the union index and the raw store."""
    result = Holdings(
        kinds={kind: Tally() for kind in KINDS},
        libraries={code: Tally() for code in libraries},
    )
    response = await store.search("union", {
        "size": 0, "track_total_hits": True,
        "aggs": {
            "libraries": {"terms": {"field": "libraries", "size": MAX_TERMS}},
            "kinds": {"terms": {"field": "library_kinds", "size": MAX_TERMS}},
        },
    }, doing="counting titles")  # fmt: skip
    result.province.titles = int(response["hits"]["total"]["value"])
    aggs = response.get("aggregations", {})
    for bucket in aggs.get("libraries", {}).get("buckets", []):
        result.libraries.setdefault(bucket["key"], Tally()).titles = int(bucket["doc_count"])
    for bucket in aggs.get("kinds", {}).get("buckets", []):
        result.kinds.setdefault(bucket["key"], Tally()).titles = int(bucket["doc_count"])
    counted = {
        "copies": {"sum": {"field": "facts.copies"}},
        **{name: {"filter": {"term": {f"facts.{name}": True}}} for name in QUALITY_FIELDS},
    }
    response = await store.search("records", {
        "size": 0, "track_total_hits": True,
        "query": {"exists": {"field": "facts.copies"}},
        "aggs": {"libraries": {"terms": {"field": "library", "size": MAX_TERMS},
                               "aggs": counted}},
    }, doing="counting holdings")  # fmt: skip
    for bucket in response.get("aggregations", {}).get("libraries", {}).get("buckets", []):
        tally = Tally(
            records=int(bucket["doc_count"]), copies=int(bucket["copies"]["value"]),
            **{name: int(bucket[name]["doc_count"]) for name in QUALITY_FIELDS},
        )
        result.province.merge(tally)
        result.libraries.setdefault(bucket["key"], Tally()).merge(tally)
    # Records stored before `facts` existed (until a reload or `mucluc reindex`): read them.
    legacy = {"bool": {"must_not": {"exists": {"field": "facts.copies"}}}}
    async for hits in store.scan("records", legacy, source=RECORD_SOURCE,
                                 doing="counting holdings of older records"):
        for hit in hits:
            source = hit.get("_source", {})
            code = str(source.get("library", ""))
            fields = source.get("fields") or {}
            result.province.add_record(fields)
            result.libraries.setdefault(code, Tally()).add_record(fields)
    for code, tally in result.libraries.items():
        library = libraries.get(code)
        if library is not None:
            result.kinds.setdefault(library.kind, Tally()).merge(tally)
    return result


async def growth(
    store: Store, libraries: Mapping[str, Library], *, library: str | None = None
) -> list[dict[str, Any]]:
    """New records by month (``YYYY-MM``), per library, with the running total, oldest first."""
    scope: list[dict[str, Any]] = [{"term": {"library": library}}] if library else []
    months: dict[str, dict[str, int]] = {}
    for date_field, extra in (
        ("first_seen", [{"exists": {"field": "first_seen"}}]),
        ("harvested_at", [{"bool": {"must_not": {"exists": {"field": "first_seen"}}}}]),
    ):
        response = await store.search("records", {
            "size": 0,
            "query": {"bool": {"filter": scope + extra}},
            "aggs": {"months": {
                "date_histogram": {"field": date_field, "calendar_interval": "month",
                                   "format": "yyyy-MM", "min_doc_count": 1},
                "aggs": {"libraries": {"terms": {"field": "library", "size": MAX_TERMS}}},
            }},
        }, doing="counting records by month")  # fmt: skip
        for bucket in response.get("aggregations", {}).get("months", {}).get("buckets", []):
            counts = months.setdefault(bucket["key_as_string"], {})
            for sub in bucket["libraries"]["buckets"]:
                counts[sub["key"]] = counts.get(sub["key"], 0) + int(sub["doc_count"])
    rows: list[dict[str, Any]] = []
    running = 0
    for month in sorted(months):
        new = sum(months[month].values())
        running += new
        rows.append({"month": month, "new_records": new, "cumulative": running,
                     "libraries": dict(sorted(months[month].items()))})
    return rows


# -- search counters ---------------------------------------------------------------------------


def counter_id(day: str, metric: str, key: str, site: str) -> str:
    """One counter document per (day, metric, key, site): the same id from every worker."""
    raw = "\x1f".join((day, metric, site, key)).encode("utf-8")
    return f"{day}-{metric}-{hashlib.sha1(raw).hexdigest()[:20]}"


async def ensure_stats_index(store: Store) -> bool:
    """The ``stats`` index exists for a catalogue that exists; False when there is no catalogue
    under the store's prefix (a write must neither auto-create an index with a guessed mapping
    nor bring back a catalogue that was dropped)."""
    if await store.current_index("union") is None:
        return False
    if await store.current_index("stats") is None:
        await store.swap_alias("stats", await store.create_versioned("stats"))
    return True


async def add_counts(store: Store, counts: Counts) -> None:
    """Add a worker's counters to the engine (scripted upserts: concurrent flushes add up).

    EngineError when the engine does not answer (the caller keeps the counters); counters the
    engine refuses one by one are lost, and said so in the error."""
    actions: list[dict[str, Any]] = []
    for (day, metric, key, site), (count, label) in sorted(counts.items()):
        actions.append({"update": {"_index": store.alias("stats"),
                                   "_id": counter_id(day, metric, key, site),
                                   "retry_on_conflict": 5}})
        actions.append({
            "script": {"source": "ctx._source.count += params.n", "lang": "painless",
                       "params": {"n": int(count)}},
            "upsert": {"day": day, "metric": metric, "key": key, "site": site,
                       "label": label, "count": int(count)},
        })  # fmt: skip
    refused = await store.bulk(actions, "adding search counters")
    if refused:
        raise EngineError(f"OpenSearch refused {len(refused)} search counters", hint="")


async def purge_before(store: Store, retention_days: int, *, today: date | None = None) -> int:
    """Delete the counters of days older than the retention window; how many were deleted."""
    first_kept = (today or datetime.now(UTC).date()) - timedelta(days=retention_days - 1)
    return await delete_where(
        store, "stats", {"range": {"day": {"lt": first_kept.isoformat()}}},
        doing="deleting search counters past their retention",
    )


def _window(days: int, today: date | None) -> tuple[str, str]:
    last = today or datetime.now(UTC).date()
    return (last - timedelta(days=days - 1)).isoformat(), last.isoformat()


async def searches(
    store: Store, *, days: int = 30, site: str | None = None, today: date | None = None
) -> dict[str, Any]:
    """Searches per day (every day of the window, zeros included) and per site (the widget's
    ``library``; "" is a search without one); ``site`` keeps one site's counts only."""
    start, end = _window(days, today)
    first = date.fromisoformat(start)
    every_day = [(first + timedelta(days=n)).isoformat() for n in range(days)]
    if await store.current_index("stats") is None:  # nothing counted yet in this catalogue
        return {"from": start, "to": end, "total": 0,
                "days": [{"day": day, "searches": 0} for day in every_day], "sites": []}
    filters: list[dict[str, Any]] = [
        {"term": {"metric": "searches"}}, {"range": {"day": {"gte": start, "lte": end}}},
    ]
    if site is not None:
        filters.append({"term": {"site": site}})
    response = await store.search("stats", {
        "size": 0, "query": {"bool": {"filter": filters}},
        "aggs": {
            "days": {"terms": {"field": "day", "size": days + 1, "format": "yyyy-MM-dd"},
                     "aggs": {"n": {"sum": {"field": "count"}}}},
            "sites": {"terms": {"field": "site", "size": MAX_TERMS},
                      "aggs": {"n": {"sum": {"field": "count"}}}},
        },
    }, doing="reading search counters")  # fmt: skip
    aggs = response.get("aggregations", {})
    per_day = {b["key_as_string"]: int(b["n"]["value"]) for b in aggs["days"]["buckets"]}
    sites = sorted(
        ({"site": b["key"], "searches": int(b["n"]["value"])} for b in aggs["sites"]["buckets"]),
        key=lambda row: (-row["searches"], row["site"]),
    )
    return {
        "from": start, "to": end,
        "total": sum(per_day.values()),
        "days": [{"day": day, "searches": per_day.get(day, 0)} for day in every_day],
        "sites": sites,
    }  # fmt: skip


async def ranked(
    store: Store, metric: str, *, days: int = 30, size: int = 50, today: date | None = None
) -> list[dict[str, Any]]:
    """The ``metric``'s keys (queries, zero-result queries, titles, subjects) by their count over
    the window, summed over every site, most frequent first (ties by key)."""
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}")
    start, end = _window(days, today)
    if await store.current_index("stats") is None:  # nothing counted yet in this catalogue
        return []
    response = await store.search("stats", {
        "size": 0,
        "query": {"bool": {"filter": [
            {"term": {"metric": metric}}, {"range": {"day": {"gte": start, "lte": end}}},
        ]}},
        "aggs": {"keys": {
            "terms": {"field": "key", "size": size,
                      "order": [{"n": "desc"}, {"_key": "asc"}]},
            "aggs": {"n": {"sum": {"field": "count"}},
                     "label": {"top_hits": {"size": 1, "_source": ["label"],
                                            "sort": [{"day": "desc"}]}}},
        }},
    }, doing="ranking search counters")  # fmt: skip
    rows = []
    for bucket in response.get("aggregations", {}).get("keys", {}).get("buckets", []):
        top = bucket["label"]["hits"]["hits"]
        label = top[0]["_source"].get("label", "") if top else ""
        rows.append({"key": bucket["key"], "label": label or bucket["key"],
                     "count": int(bucket["n"]["value"])})
    return rows
