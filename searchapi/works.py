"""Works in search results: every hit's ``work`` and ``group=work`` (one hit per work).

A union document is one edition (book); its ``work`` field (:mod:`indexer.works`) is shared by
the other editions, printings and translations of the same work. Two things read it:

- ``group=work``: the engine collapses the result list on ``work`` (``collapse``), so each work
  appears once, as its best-ranked edition under the chosen sort; ``total`` counts works (a
  ``cardinality`` aggregation in the same request, exact below ``PRECISION`` works).
- every hit's ``"work": {"id", "editions", "libraries"}``: how many editions the catalogue holds
  of the work and in how many libraries, whatever the query (a property of the work, so
  "12 editions in 9 libraries" reads the same on every page). One request per result page,
  for the works on it only (a ``terms`` aggregation, exact), and only when there are hits; the
  counts are then kept for ``COUNTS_SECONDS`` (:class:`WorkCounts`), so a page whose works were
  all counted lately costs no second request. Counts older than that still answer, and are
  counted again behind the answer (:meth:`WorkCounts.refresh`): only a work never counted (or
  forgotten) holds up an answer, and a load shows in the counts within ``COUNTS_SECONDS`` plus
  one request.

``work=<id>`` lists the editions of one work (the link behind "12 editions…").
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import re
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from aiohttp import web

from mucluc.core.errors import ApiError, MuclucError
from searchapi.counts_table import Entry, Kept, LocalCounts

log = logging.getLogger("mucluc.works")

GROUPS = ("work",)
PRECISION = 40_000  # the engine's largest precision_threshold: counts are exact below it
_WORK_ID = re.compile(r"^[0-9a-f]{16}$")
COUNTS_SECONDS = 60.0  # how long a work's counts are reused
COUNTS_KEPT = 50_000  # works whose counts are kept (least recently used go first): a few MB
REFRESHES = 4  # counts requests at most in flight behind answers, per worker


def group(query: Any) -> str | None:
    """The ``group`` parameter: None (one hit per edition) or "work"; 400 for anything else."""
    raw = query.get("group", "").strip()
    if not raw or raw == "edition":
        return None
    if raw not in GROUPS:
        raise ApiError(400, "bad_group", "`group` must be `work` (one hit per work) or absent.")
    return raw


def work_filter(query: Any) -> dict[str, Any] | None:
    """The filter of ``work=<id>`` (the editions of one work), or None; 400 for a bad id."""
    raw = query.get("work", "").strip()
    if not raw:
        return None
    if not _WORK_ID.match(raw):
        raise ApiError(400, "bad_work", "`work` must be a work id as given in a hit's `work.id`.")
    return {"term": {"work": raw}}


def collapse(body: dict[str, Any]) -> None:
    """Make ``body`` answer one hit per work, and count the works matched."""
    body["collapse"] = {"field": "work"}
    narrowing = body.get("post_filter")
    count: dict[str, Any] = {"cardinality": {"field": "work", "precision_threshold": PRECISION}}
    # Aggregations see the query, not the post filter: narrow them as the hits are narrowed.
    body["aggs"]["works"] = {"filter": narrowing, "aggs": {"count": count}} if narrowing else count


def grouped_total(response: dict[str, Any]) -> int:
    """How many works matched (from the aggregation :func:`collapse` added)."""
    found = response.get("aggregations", {}).get("works", {})
    if "count" in found:
        found = found["count"]
    return int(found.get("value", 0))


def counts_body(ids: list[str]) -> dict[str, Any]:
    """The request counting editions and libraries of the works ``ids`` (catalogue-wide; at
    least one id). ``map`` execution: the few documents of a page's works are counted directly,
    without building the index-wide ordinals (measured: a fifth faster)."""
    return {
        "size": 0,
        "query": {"terms": {"work": ids}},
        "aggs": {
            "works": {
                "terms": {"field": "work", "size": len(ids), "execution_hint": "map"},
                "aggs": {
                    "libraries": {
                        "terms": {"field": "libraries", "size": 1000, "execution_hint": "map"}
                    }
                },
            }
        },
    }


#: The catalogue's fingerprint: documents, the concrete index behind the alias, and the sum of
#: their sequence numbers (every write of a document gives it a new, higher one).
FINGERPRINT_BODY: dict[str, Any] = {
    "size": 1,
    "_source": False,
    "track_total_hits": True,
    "aggs": {"changes": {"sum": {"field": "_seq_no"}}},
}


def fingerprint(response: dict[str, Any]) -> tuple[int, str, float]:
    """The fingerprint in the answer to ``FINGERPRINT_BODY``: changes when a load changes
    anything in the catalogue (or the index is rebuilt)."""
    found = response["hits"]["hits"]
    return (
        int(response["hits"]["total"]["value"]),
        found[0]["_index"] if found else "",
        float(response.get("aggregations", {}).get("changes", {}).get("value") or 0.0),
    )


def counts(response: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """work id → (editions, libraries) from the answer to :func:`counts_body`."""
    found: dict[str, tuple[int, int]] = {}
    for bucket in response.get("aggregations", {}).get("works", {}).get("buckets", []):
        found[bucket["key"]] = (bucket["doc_count"], len(bucket["libraries"]["buckets"]))
    return found


def attach(hits: list[dict[str, Any]], found: dict[str, tuple[int, int]]) -> None:
    """Fill every hit's ``work`` counts from :func:`counts` (a hit without a work id, from an
    index built before works existed, counts as a work of one edition)."""
    for item in hits:
        work = item["work"]
        editions, libraries = found.get(work["id"], (1, len(item["holdings"])))
        work["editions"], work["libraries"] = editions, libraries


class WorkCounts:
    """Recently counted works: work id → (editions, libraries), each kept ``seconds``, at most
    ``size`` of them (bounded memory whatever readers ask); in ``kept`` when given (the table
    shared by the API's workers, :class:`searchapi.counts_table.SharedCounts`), else in this
    process alone.

    Past ``seconds``, counts stay fresh while the catalogue is unchanged since they were
    counted: :meth:`check` asks for the catalogue's fingerprint at most once per ``seconds``
    (one small request instead of recounting every page's works each minute); a load changes
    the fingerprint, and the counts made before it expire as before."""

    def __init__(
        self, seconds: float = COUNTS_SECONDS, size: int = COUNTS_KEPT,
        clock: Callable[[], float] = time.monotonic, kept: Kept | None = None,
    ) -> None:
        self.seconds, self.size, self.clock = seconds, size, clock
        # work id → (expires, the catalogue's fingerprint digest when counted, counts)
        self._kept: Kept = kept if kept is not None else LocalCounts(size)
        self._refreshing: set[asyncio.Task[None]] = set()
        self.fingerprint: Any = None  # the catalogue's, at the last check (None: not known)
        self._digest = 0  # the fingerprint's digest, as entries keep it (0: not known)
        self._checked = -math.inf  # when it was last checked
        self._checking: asyncio.Task[None] | None = None

    def _fresh(self, entry: Entry | None, now: float) -> bool:
        if entry is None:
            return False
        expires, fingerprint, _ = entry
        return expires > now or (
            fingerprint != 0 and fingerprint == self._digest and now - self._checked < self.seconds
        )

    def current(self) -> Any:
        """The catalogue's fingerprint when checked within ``seconds``, else None."""
        return self.fingerprint if self.clock() - self._checked < self.seconds else None

    def check(self, fingerprint: Callable[[], Awaitable[Any]]) -> None:
        """Ask for the catalogue's fingerprint behind the answer when the last check is half
        ``seconds`` old (one check in flight at most; a failed check is tried again later).
        Half: the next check ends while the last one still holds, so counts past their period
        never lapse for the length of a check (under load, every answer in that window
        counted its works again)."""
        if self._checking is not None or self.clock() - self._checked < self.seconds / 2:
            return
        self._checking = asyncio.get_running_loop().create_task(self._check(fingerprint))

    async def _check(self, fingerprint: Callable[[], Awaitable[Any]]) -> None:
        try:
            found = await fingerprint()
            self.fingerprint, self._digest, self._checked = found, digest(found), self.clock()
        except MuclucError as exc:
            log.info("the catalogue's fingerprint not checked: %s", exc)
        finally:
            self._checking = None

    async def checked(self) -> None:
        """Wait for the check in flight when the catalogue's fingerprint was never known (a
        worker's first answers): counts made without it expire with their period and are
        counted again, while counts made under it stay fresh as long as the catalogue is
        unchanged. One small request, once per worker; a failed check does not fail the
        answer (the counts are then kept without the fingerprint, as before)."""
        if self._checking is not None and self._digest == 0:
            await asyncio.wait({self._checking})  # neither cancels it nor raises its error

    def missing(self, ids: Iterable[str]) -> list[str]:
        """The ids among ``ids`` with no fresh counts (sorted, unique)."""
        return self.lookup(ids)[0]

    def lookup(self, ids: Iterable[str]) -> tuple[list[str], dict[str, tuple[int, int]]]:
        """(:meth:`missing`, :meth:`known`) of ``ids`` in one read of each: what an answer
        whose works were all counted lately needs (the shared table's reads were the API's
        largest own cost per answer after the engine's JSON)."""
        now = self.clock()
        get = self._kept.get
        missing: set[str] = set()
        found: dict[str, tuple[int, int]] = {}
        for work_id in ids:
            entry = get(work_id)
            if entry is not None:
                found[work_id] = entry[2]
            if not self._fresh(entry, now):
                missing.add(work_id)
        return sorted(missing), found

    def unknown(self, ids: Iterable[str]) -> list[str]:
        """The ids among ``ids`` with no counts at all, fresh or not (sorted, unique)."""
        return sorted({i for i in ids if self._kept.get(i) is None})

    def refresh(
        self, ids: list[str], count: Callable[[], Awaitable[dict[str, tuple[int, int]]]]
    ) -> bool:
        """Count the kept (expired) ``ids`` again behind the answer: ``count()`` runs as a task
        and its result is remembered. Meanwhile the ids count as fresh (no other page asks for
        them again); when it fails, their old counts stay for another period. False, and
        nothing done, when ``REFRESHES`` refreshes are already in flight (a later page asks)."""
        if len(self._refreshing) >= REFRESHES:
            return False
        expires = self.clock() + self.seconds
        for work_id in ids:
            entry = self._kept.get(work_id)
            if entry is not None:
                _, fingerprint, value = entry
                self._kept.put(work_id, (expires, fingerprint, value))
        task = asyncio.get_running_loop().create_task(self._counted(count))
        self._refreshing.add(task)
        task.add_done_callback(self._refreshing.discard)
        return True

    async def _counted(self, count: Callable[[], Awaitable[dict[str, tuple[int, int]]]]) -> None:
        try:
            self.remember(await count())
        except MuclucError as exc:  # the engine is away: the old counts serve another period
            log.info("work counts not refreshed: %s", exc)

    async def close_when_idle(self) -> None:
        """Wait for the refreshes in flight to end (tests; a draining worker)."""
        await asyncio.gather(*list(self._refreshing), self._checking or asyncio.sleep(0),
                             return_exceptions=True)  # fmt: skip

    async def close(self) -> None:
        """Cancel the refreshes in flight (the app is stopping; its store is about to close)."""
        tasks = [*self._refreshing, *([self._checking] if self._checking else [])]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def remember(self, found: dict[str, tuple[int, int]]) -> None:
        expires = self.clock() + self.seconds
        for work_id, value in found.items():
            self._kept.put(work_id, (expires, self._digest, value))

    def known(self, ids: Iterable[str]) -> dict[str, tuple[int, int]]:
        """The kept counts of ``ids`` (fresh or not: call after :meth:`missing` was filled)."""
        found = {}
        for work_id in ids:
            entry = self._kept.get(work_id)
            if entry is not None:
                found[work_id] = entry[2]
        return found


def digest(fingerprint: Any) -> int:
    """A fingerprint as the 64 bits an entry keeps (0 for None: not known), the same in every
    process (``repr`` of the fingerprint's plain values, not ``hash``, which varies)."""
    if fingerprint is None:
        return 0
    value = hashlib.blake2b(repr(fingerprint).encode(), digest_size=8).digest()
    return int.from_bytes(value, "little") or 1


WORK_COUNTS: web.AppKey[WorkCounts] = web.AppKey("work_counts", WorkCounts)
