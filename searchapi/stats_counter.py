"""Counting searches: in memory per worker, flushed to the engine now and then.

Counting must cost a search nothing measurable, so the request path only adds to a dictionary
(no I/O, no lock, no await); a background task of the app (:func:`counting`) hands the counters
to :func:`indexer.statistics.add_counts` every ``MUCLUC_STATS_FLUSH_SECONDS`` and on shutdown,
and purges days older than ``MUCLUC_STATS_RETENTION_DAYS`` once an hour.

Privacy by design: what is kept is the day, the normalised query text (NFC, tone marks placed
one way, lower case, spaces collapsed, at most ``MAX_KEY`` characters), the widget's
``library`` parameter, and counters. No address, cookie, user agent, time of day or result list
is ever held; a query is never tied to another query of the same reader.

The buffer is bounded: at most ``MAX_KEYS`` distinct counters wait for a flush; past that, new
query texts of the period are counted only in the day's search total (``dropped`` says how many),
so a flood of random queries cannot grow a worker's memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from multidict import MultiMapping

from analyzers.normalise import normalise
from indexer.statistics import Counts, add_counts, ensure_stats_index, purge_before
from mucluc.core import settings
from mucluc.core.errors import EngineError
from searchapi.state import STORE

log = logging.getLogger("mucluc.stats")

MAX_KEY = 200
MAX_KEYS = 20_000
PURGE_EVERY = 3600.0


def normalised_query(q: str) -> str:
    """The text a query is counted under: one spelling for one query, at most MAX_KEY long."""
    return " ".join(normalise(q).lower().split())[:MAX_KEY].rstrip()


def today() -> str:
    return datetime.now(UTC).date().isoformat()


@dataclass
class SearchCounter:
    """This worker's counters since the last flush: (day, metric, key, site) → [count, label]."""

    counts: Counts = field(default_factory=dict)
    dropped: int = 0
    enabled: bool = True
    indices_checked: bool = False  # the `stats` index exists (a write must not auto-create it)

    def _add(self, day: str, metric: str, key: str, site: str, label: str = "") -> None:
        slot = (day, metric, key, site)
        entry = self.counts.get(slot)
        if entry is not None:
            entry[0] += 1
        elif len(self.counts) < MAX_KEYS or metric == "searches":
            self.counts[slot] = [1, label]
        else:
            self.dropped += 1

    def search(
        self, q: str, sites: Iterable[str], subjects: Iterable[str], total: int,
        first: tuple[str, str] | None,
    ) -> None:
        """Count one search: ``sites`` are its ``library`` values (the widget's library),
        ``subjects`` its subject filters, ``first`` the (union id, title) it led to first."""
        if not self.enabled:
            return
        day = today()
        text = normalised_query(q)
        for site in sorted(set(sites)) or [""]:
            self._add(day, "searches", "", site)
            if text:
                self._add(day, "query" if total else "zero", text, site)
        for subject in subjects:
            self._add(day, "subject", normalised_query(subject), "")
        if first is not None and text:
            self._add(day, "title", first[0], "", first[1][:MAX_KEY])

    def drain(self) -> Counts:
        """The counters so far; the counter starts again from nothing."""
        taken, self.counts = self.counts, {}
        return taken

    def give_back(self, counts: Counts) -> None:
        """Counters a flush could not write, added back (within the bound) for the next one."""
        for (day, metric, key, site), (count, label) in counts.items():
            slot = (day, metric, key, site)
            if slot in self.counts:
                self.counts[slot][0] += count
            elif len(self.counts) < MAX_KEYS or metric == "searches":
                self.counts[slot] = [count, label]
            else:
                self.dropped += count


COUNTER: web.AppKey[SearchCounter] = web.AppKey("search_counter", SearchCounter)


def count_search(
    request: web.Request, query: MultiMapping[str], q: str, answer: Mapping[str, Any]
) -> None:
    """The search's one-line hook: count the search of parameters ``query`` (never raises,
    never waits)."""
    counter = request.app.get(COUNTER)
    if counter is None:
        return
    hits = answer.get("hits") or []
    first = (hits[0]["id"], hits[0].get("title", "")) if hits and answer.get("page") == 1 else None
    counter.search(
        q, query.getall("library", []), query.getall("subject", []),
        int(answer.get("total") or 0), first,
    )


async def flush(app: web.Application) -> int:
    """Write this worker's counters to the engine; how many counters were written.

    When the engine does not answer, the counters wait for the next flush (bounded)."""
    counter = app[COUNTER]
    counts = counter.drain()
    if not counts:
        return 0
    try:
        if not counter.indices_checked:
            if not await ensure_stats_index(app[STORE]):
                return 0  # no catalogue under this prefix (yet, or any more): nothing to add to
            counter.indices_checked = True
        await add_counts(app[STORE], counts)
    except EngineError as exc:
        counter.give_back(counts)
        log.warning("search statistics not written yet: %s", exc.one_line())
        return 0
    return len(counts)


def add_counting(app: web.Application, *, enabled: bool = True) -> None:
    """Count searches in ``app`` and flush the counters in the background (``cleanup_ctx``,
    after the store is opened)."""
    app[COUNTER] = SearchCounter(enabled=enabled)
    app.cleanup_ctx.append(counting)


async def counting(app: web.Application) -> AsyncIterator[None]:
    every = settings.stats_flush_seconds()
    retention = settings.stats_retention_days()

    async def loop() -> None:
        purged = 0.0
        while True:
            await asyncio.sleep(every)
            await flush(app)
            if time.monotonic() - purged > PURGE_EVERY:
                with contextlib.suppress(EngineError):
                    await purge_before(app[STORE], retention)
                    purged = time.monotonic()

    task = asyncio.create_task(loop())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await flush(app)
