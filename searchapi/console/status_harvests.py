"""The harvests an API worker runs: its scheduler, and "harvest now".

``mucluc serve`` runs the scheduler inside every API worker rather than as a separate
``mucluc scheduler`` process: nothing more to start, supervise or forget in production, and
several workers (or machines) are safe because they agree through the engine's lease documents
(:mod:`indexer.scheduler`), not through the process that happens to run them. A harvest runs in
the worker's event loop while it serves: fetching is I/O, and parsing a batch happens in a thread.
``MUCLUC_SCHEDULER=off`` turns the schedules off (then only ``mucluc harvest`` and "harvest
now" start harvests).

The scheduler has its own engine client (harvests need longer timeouts than readers' searches).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

from aiohttp import web

from harvesters.reports import RunReport
from indexer.harvest_run import Job, Places, all_jobs, harvest_jobs
from indexer.scheduler import LEASE_TTL, RETRY_BASE, TICK_SECONDS, Scheduler
from indexer.store import Store
from searchapi.console.stats import forget_holdings
from searchapi.state import LIBRARIES


@dataclass(frozen=True)
class Harvests:
    """How this app harvests: where state and reports live, and whether its scheduler runs."""

    places: Places
    schedule: bool = True
    tick: float = TICK_SECONDS
    ttl: timedelta = LEASE_TTL
    retry_base: timedelta = RETRY_BASE


HARVESTS: web.AppKey[Harvests] = web.AppKey("harvests", Harvests)
SCHEDULER: web.AppKey[Scheduler] = web.AppKey("scheduler", Scheduler)


def jobs_of(app: web.Application, library: str | None = None) -> list[Job]:
    """The configured sources (of one library)."""
    return [job for job in all_jobs(app[LIBRARIES])
            if library is None or job.library.code == library]  # fmt: skip


def add_harvests(app: web.Application, harvests: Harvests, engine_url: str, prefix: str) -> None:
    """Give ``app`` a scheduler (running when ``harvests.schedule``) on its own store."""
    app[HARVESTS] = harvests

    async def scheduling(app: web.Application) -> AsyncIterator[None]:
        async with Store.open(engine_url, prefix, check=False) as store:
            libraries = app[LIBRARIES]

            async def run_job(job: Job) -> RunReport:
                (report,) = await harvest_jobs(store, libraries, [job], harvests.places)
                forget_holdings(app)  # this worker's status pages show the new counts at once
                return report

            scheduler = Scheduler(store, jobs_of(app), run_job, ttl=harvests.ttl,
                                  retry_base=harvests.retry_base)
            app[SCHEDULER] = scheduler
            loop = (asyncio.create_task(scheduler.run_forever(harvests.tick))
                    if harvests.schedule else None)  # fmt: skip
            try:
                yield
            finally:
                if loop is not None:
                    loop.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await loop
                await scheduler.stop()

    app.cleanup_ctx.append(scheduling)


async def harvest_now(app: web.Application, job: Job) -> bool:
    """Mark ``job`` due at once and start it if this worker wins its lease; False when it is
    running already."""
    scheduler = app[SCHEDULER]
    asked = await scheduler.leases.request(job)
    if asked:
        # Start it from here rather than wait for the next tick (the run itself goes on in a
        # task); the lease still decides, so another worker may be the one that runs it.
        await scheduler.tick()
    return asked
