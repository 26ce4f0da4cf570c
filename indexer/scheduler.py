"""Scheduled harvests: each source's ``schedule`` runs by itself, once at a time across workers.

Every API worker (and every machine) serving one catalogue runs a :class:`Scheduler`; they agree
through one document per source in the ``leases`` index, never through memory or files:

- the document holds the source's state: ``next_run`` (when it is due), ``requested`` ("harvest
  now" pressed), the last run's start, end and status, and the retry ``attempt``;
- a worker that finds the source due takes the lease with a conditional write (``op_type=create``
  for a source never seen, else ``if_seq_no``/``if_primary_term`` of the version it read): of
  several workers racing, exactly one write succeeds, the others see a lost race and move on;
- the holder renews ``expires`` while it runs (every ``ttl / 3``); a holder that dies stops
  renewing, and once ``expires`` passes another worker takes the lease over and runs the source
  again (the harvest's checkpoints make that resume without loss or duplicates);
- a failed run is retried with backoff (``RETRY_BASE`` × 2^attempt, at most ``MAX_ATTEMPTS``
  times, never later than the next regular run); then the source waits for its next regular time.

What callers may rely on: :meth:`Scheduler.tick` runs every due source at most once per tick,
never two runs of one source at the same time while leases are honoured, and never raises for a
source's own failure (the engine being down is an EngineError, retried at the next tick).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from harvesters.reports import RunReport
from indexer.harvest_run import Job
from indexer.store import Store
from indexer.store.conditional import Versioned, create, get_versioned, replace_if
from mucluc.core import schedule as schedules
from mucluc.core.errors import EngineError

log = logging.getLogger("mucluc.scheduler")

LEASE_TTL = timedelta(minutes=10)
RETRY_BASE = timedelta(minutes=2)
MAX_ATTEMPTS = 4
TICK_SECONDS = 30.0
RunJob = Callable[[Job], Awaitable[RunReport]]


def now() -> datetime:
    return datetime.now(UTC)


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def parse_stamp(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


@dataclass(frozen=True)
class SourceState:
    """A source's lease document, as the status page shows it."""

    source: str
    state: str  # idle | running
    next_run: datetime | None
    requested: datetime | None
    last_started: datetime | None
    last_finished: datetime | None
    last_status: str
    last_error: str
    attempt: int
    holder: str

    @classmethod
    def of(cls, source: str, doc: Mapping[str, Any] | None) -> SourceState:
        doc = doc or {}
        return cls(
            source=source, state=str(doc.get("state", "idle")),
            next_run=parse_stamp(doc.get("next_run")), requested=parse_stamp(doc.get("requested")),
            last_started=parse_stamp(doc.get("last_started")),
            last_finished=parse_stamp(doc.get("last_finished")),
            last_status=str(doc.get("last_status", "")), last_error=str(doc.get("last_error", "")),
            attempt=int(doc.get("attempt", 0)), holder=str(doc.get("holder", "")),
        )  # fmt: skip


def is_due(doc: Mapping[str, Any], at: datetime) -> bool:
    """Whether the source should start now: requested, or past its next run, and not held by a
    live lease."""
    expires = parse_stamp(doc.get("expires"))
    if doc.get("state") == "running" and expires is not None and expires > at:
        return False
    if doc.get("state") == "running":
        return True  # its holder stopped renewing: take over
    if doc.get("requested"):
        return True
    next_run = parse_stamp(doc.get("next_run"))
    return next_run is not None and next_run <= at


def after_run(
    doc: Mapping[str, Any], report: RunReport, planned: schedules.Schedule | None, at: datetime,
    retry_base: timedelta = RETRY_BASE,
) -> dict[str, Any]:
    """The source's document once a run ended: idle, its result, and when it runs next."""
    failed = report.status == "failed"
    attempt = int(doc.get("attempt", 0)) + 1 if failed else 0
    started = parse_stamp(doc.get("last_started")) or at
    # "every 6h" counts from the run's start; clock schedules from now (strictly later)
    regular = planned.next_after(started if planned.interval else at) if planned else None
    if failed and attempt < MAX_ATTEMPTS:
        retry = at + retry_base * (2 ** (attempt - 1))
        next_run: datetime | None = min(retry, regular) if regular else retry
    else:  # done, or retried enough: the next regular run starts afresh
        next_run, attempt = regular, 0
    return {
        **doc, "state": "idle", "holder": "", "expires": None, "requested": None,
        "attempt": attempt, "last_finished": stamp(at), "last_status": report.status,
        "last_error": report.error[:500], "next_run": stamp(next_run) if next_run else None,
    }  # fmt: skip


class Leases:
    """The ``leases`` documents of one catalogue: read, take, renew, give back, request."""

    def __init__(
        self, store: Store, holder: str, ttl: timedelta = LEASE_TTL,
        retry_base: timedelta = RETRY_BASE,
    ) -> None:
        self.store = store
        self.holder = holder
        self.ttl = ttl
        self.retry_base = retry_base

    async def read(self, source: str) -> Versioned | None:
        return await get_versioned(self.store, "leases", source, doing="reading a harvest lease")

    async def state(self, source: str) -> SourceState:
        found = await self.read(source)
        return SourceState.of(source, found.source if found else None)

    async def plan(self, job: Job, planned: schedules.Schedule | None, at: datetime) -> None:
        """A source seen for the first time gets its document (first run time); a race with
        another worker doing the same is harmless (create succeeds once)."""
        first = planned.first_run(at) if planned else None
        await create(self.store, "leases", job.name, {
            "source": job.name, "library": job.library.code, "state": "idle", "attempt": 0,
            "next_run": stamp(first) if first else None,
        }, doing="planning a harvest")  # fmt: skip

    async def take(self, job: Job, read: Versioned | None, at: datetime) -> Versioned | None:
        """The lease, if this worker won it; None when another worker holds or took it."""
        doc = dict(read.source) if read else {"source": job.name, "library": job.library.code,
                                              "attempt": 0}
        doc.update(state="running", holder=self.holder, expires=stamp(at + self.ttl),
                   last_started=stamp(at))
        if read is None:
            won = await create(self.store, "leases", job.name, doc, doing="taking a harvest lease")
        else:
            won = await replace_if(self.store, "leases", job.name, doc, read,
                                   doing="taking a harvest lease")
        return await self.read(job.name) if won else None

    async def renew(self, source: str) -> bool:
        """Push the lease's expiry on; False when this worker no longer holds it."""
        read = await self.read(source)
        if read is None or read.source.get("holder") != self.holder:
            return False
        doc = {**read.source, "expires": stamp(now() + self.ttl)}
        return await replace_if(self.store, "leases", source, doc, read,
                                doing="renewing a harvest lease")

    async def give_back(
        self, job: Job, report: RunReport, planned: schedules.Schedule | None
    ) -> None:
        """End the run: the result and the next run, if this worker still holds the lease."""
        for _ in range(3):  # a concurrent "harvest now" may bump the version: read again
            read = await self.read(job.name)
            if read is None or read.source.get("holder") != self.holder:
                return
            doc = after_run(read.source, report, planned, now(), self.retry_base)
            if await replace_if(self.store, "leases", job.name, doc, read,
                                doing="ending a harvest lease"):
                return

    async def request(self, job: Job) -> bool:
        """"Harvest now": mark the source due at once (False when it is running already)."""
        for _ in range(3):
            read = await self.read(job.name)
            if read is None:
                if await create(self.store, "leases", job.name, {
                    "source": job.name, "library": job.library.code, "state": "idle",
                    "attempt": 0, "requested": stamp(now()),
                }, doing="asking for a harvest"):  # fmt: skip
                    return True
                continue
            if read.source.get("state") == "running" and not is_due(read.source, now()):
                return False
            doc = {**read.source, "requested": stamp(now())}
            if await replace_if(self.store, "leases", job.name, doc, read,
                                doing="asking for a harvest"):
                return True
        return False


class Scheduler:
    """Runs due sources of ``jobs`` through ``run_job``; one lease per source across workers."""

    def __init__(
        self, store: Store, jobs: Sequence[Job], run_job: RunJob, *,
        holder: str | None = None, ttl: timedelta = LEASE_TTL,
        retry_base: timedelta = RETRY_BASE,
    ) -> None:
        self.jobs = list(jobs)
        self.run_job = run_job
        self.leases = Leases(store, holder or f"worker-{uuid.uuid4().hex[:12]}", ttl, retry_base)
        self.running: dict[str, asyncio.Task[RunReport | None]] = {}

    @staticmethod
    def planned(job: Job) -> schedules.Schedule | None:
        text = job.spec.get("schedule")
        return schedules.parse(str(text)) if text else None

    async def tick(self, at: datetime | None = None) -> list[str]:
        """Start every due source this worker wins; the names started (they run in tasks).
        ``at`` is the time to decide by (now; tests pass a later one instead of waiting)."""
        started: list[str] = []
        at = at or now()
        for job in self.jobs:
            if job.name in self.running:
                continue
            planned = self.planned(job)
            read = await self.leases.read(job.name)
            if read is None:
                if planned is None:
                    continue  # on demand only, and nobody asked
                await self.leases.plan(job, planned, at)
                read = await self.leases.read(job.name)
                if read is None:
                    continue
            if not is_due(read.source, at):
                continue
            taken = await self.leases.take(job, read, at)
            if taken is None:
                continue
            self.running[job.name] = asyncio.create_task(self._run(job, planned))
            started.append(job.name)
        return started

    async def _run(self, job: Job, planned: schedules.Schedule | None) -> RunReport | None:
        renewing = asyncio.create_task(self._renew(job.name))
        try:
            report = await self.run_job(job)
        except Exception as exc:  # noqa: BLE001 - a run's bug is its failed result, not ours
            report = RunReport(library=job.library.code, source=job.name,
                               protocol=job.protocol, status="failed",
                               error=f"unexpected {type(exc).__name__}: {exc}")
        finally:
            renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewing
        try:
            await self.leases.give_back(job, report, planned)
        except EngineError as exc:
            log.warning("harvest %s ended but its lease was not updated: %s", job.name,
                        exc.one_line())
        self.running.pop(job.name, None)
        return report

    async def _renew(self, source: str) -> None:
        while True:
            await asyncio.sleep(self.leases.ttl.total_seconds() / 3)
            with contextlib.suppress(EngineError):
                if not await self.leases.renew(source):
                    log.warning("lost the lease of %s while harvesting it", source)
                    return

    async def wait(self) -> list[RunReport | None]:
        """Wait for the runs started so far (tests and a clean shutdown)."""
        return list(await asyncio.gather(*self.running.values()))

    async def run_forever(self, every: float = TICK_SECONDS) -> None:
        """Tick every ``every`` seconds until cancelled; the engine being down is retried."""
        ready = False
        while True:
            try:
                if not ready:  # a lease written before its index exists would create it wrong
                    await self.leases.store.ensure_indices()
                    ready = True
                await self.tick()
            except EngineError as exc:
                log.warning("scheduler: %s", exc.one_line())
            await asyncio.sleep(every)

    async def stop(self) -> None:
        """Cancel runs in progress; their leases expire and another worker takes over."""
        for task in self.running.values():
            task.cancel()
        for task in list(self.running.values()):
            with contextlib.suppress(asyncio.CancelledError):
                await task
