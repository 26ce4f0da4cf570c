"""Scheduled harvests on the real engine: one run per source across app instances, retries after
a failing peer, and a dead worker's lease taken over.

The apps are the real API (``create_app`` with ``harvests=``) sharing one engine and one
catalogue, as two workers of ``mucluc serve`` (or two machines) do.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from aiohttp import web
from opensearchpy import AsyncOpenSearch

from harvesters.reports import LAST_RUN
from indexer.harvest_run import Places
from indexer.scheduler import Leases, now
from indexer.store import Store
from searchapi.console.status_harvests import SCHEDULER, Harvests, jobs_of
from tests.catalogue import LIBRARIES, ApiClient, open_catalogue
from tests.harvesters.oai_provider import Provider
from tests.marc_builders import book, write_marc

pytestmark = pytest.mark.engine


def _libraries(source: dict) -> dict:
    return {"DBI": LIBRARIES["DBI"],
            "TGI": dataclasses.replace(LIBRARIES["TGI"], sources=(source,))}  # fmt: skip


def _places(tmp_path: Path) -> Places:
    return Places(base=tmp_path, state=tmp_path / "state", reports=tmp_path / "reports")


def _harvest_reports(places: Places) -> list[Path]:
    return sorted(p for p in places.reports.glob("*.json") if p.parent.name != LAST_RUN)


@pytest.fixture
async def prefix(engine: AsyncOpenSearch, index_prefix: str, request) -> AsyncIterator[str]:
    name = f"{index_prefix}-sched-{request.node.name[5:25].replace('_', '-')}"
    await open_catalogue(engine, name, ("DBI", "TGI"))
    yield name
    await Store(engine, name).drop_all()


@pytest.fixture
def inbox(tmp_path: Path) -> dict:
    folder = tmp_path / "inbox"
    folder.mkdir()
    write_marc(folder / "tgi.mrc", [book(f"TGI-{n}", f"Sách số {n}") for n in range(3)])
    return {"protocol": "files", "path": "inbox", "name": "tgi-inbox", "schedule": "every 6h"}


async def test_two_instances_race_and_the_due_source_runs_once(
    prefix: str, inbox: dict, tmp_path: Path, api_client: ApiClient, engine: AsyncOpenSearch
) -> None:
    libraries, places = _libraries(inbox), _places(tmp_path)
    harvests = Harvests(places, schedule=False)
    async with (api_client(prefix, libraries, harvests=harvests) as one,
                api_client(prefix, libraries, harvests=harvests) as two):  # fmt: skip
        first, second = one.server.app[SCHEDULER], two.server.app[SCHEDULER]
        started = await asyncio.gather(first.tick(), second.tick(), first.tick())
        assert sorted(name for names in started for name in names) == ["tgi-inbox"]
        await asyncio.gather(first.wait(), second.wait())
        assert await first.tick() == [] and await second.tick() == []  # not due for 6 hours
        state = await first.leases.state("tgi-inbox")
    assert len(_harvest_reports(places)) == 1
    assert (state.state, state.last_status, state.attempt) == ("idle", "ok", 0)
    assert state.next_run - state.last_started == timedelta(hours=6)
    assert await Store(engine, prefix).count("records") == 3


async def test_a_scheduled_source_runs_by_itself_once_across_two_apps(
    prefix: str, inbox: dict, tmp_path: Path, api_client: ApiClient
) -> None:
    libraries, places = _libraries(inbox), _places(tmp_path)
    harvests = Harvests(places, schedule=True, tick=0.2)
    async with (api_client(prefix, libraries, harvests=harvests) as one,
                api_client(prefix, libraries, harvests=harvests) as two):  # fmt: skip
        leases = one.server.app[SCHEDULER].leases
        for _ in range(600):  # bounded: the two loops tick every 0.2 s
            if (await leases.state("tgi-inbox")).last_finished is not None:
                break
            await asyncio.sleep(0.2)
        for app in (one.server.app, two.server.app):
            await app[SCHEDULER].wait()
            assert await app[SCHEDULER].tick() == []
    assert len(_harvest_reports(places)) == 1
    assert (await leases.state("tgi-inbox")).last_status == "ok"


@pytest.fixture
async def flaky_peer() -> AsyncIterator[tuple[str, Provider, dict]]:
    """An OAI-PMH provider that answers 404 until ``state["fixed"]`` is set."""
    provider, state = Provider(total=9, page_size=5), {"fixed": False, "refused": 0}

    async def handle(request: web.Request) -> web.StreamResponse:
        if not state["fixed"]:
            state["refused"] += 1
            return web.Response(status=404, text="the library's server is being repaired")
        return await provider.handle(request)

    app = web.Application()
    app.router.add_get("/oai", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}/oai", provider, state
    await runner.cleanup()


async def test_a_failing_peer_is_retried_with_backoff_until_it_answers(
    prefix: str, tmp_path: Path, api_client: ApiClient, engine: AsyncOpenSearch, flaky_peer
) -> None:
    url, provider, peer = flaky_peer
    source = {"protocol": "oai-pmh", "url": url, "name": "tgi-oai", "schedule": "daily 02:30"}
    libraries, places = _libraries(source), _places(tmp_path)
    harvests = Harvests(places, schedule=False, retry_base=timedelta(minutes=2))
    async with api_client(prefix, libraries, harvests=harvests) as client:
        scheduler = client.server.app[SCHEDULER]
        job = jobs_of(client.server.app, "TGI")[0]
        assert await scheduler.leases.request(job)  # "harvest now"
        assert await scheduler.tick() == ["tgi-oai"]
        await scheduler.wait()
        failed = await scheduler.leases.state("tgi-oai")
        assert (failed.last_status, failed.attempt) == ("failed", 1)
        assert peer["refused"] >= 1
        assert failed.next_run - failed.last_finished == timedelta(minutes=2)
        assert await scheduler.tick() == []  # backing off
        peer["fixed"] = True
        retry_at = failed.next_run + timedelta(seconds=1)
        assert await scheduler.tick(at=retry_at) == ["tgi-oai"]
        await scheduler.wait()
        done = await scheduler.leases.state("tgi-oai")
    assert (done.last_status, done.attempt, done.last_error) == ("ok", 0, "")
    assert done.next_run > done.last_finished  # the next regular run, 02:30 Vietnam time
    assert await Store(engine, prefix).count("records") == provider.total


async def test_a_dead_workers_lease_is_taken_over_when_it_expires(
    prefix: str, inbox: dict, tmp_path: Path, api_client: ApiClient, engine: AsyncOpenSearch
) -> None:
    libraries, places = _libraries(inbox), _places(tmp_path)
    async with api_client(prefix, libraries, harvests=Harvests(places, schedule=False)) as client:
        scheduler = client.server.app[SCHEDULER]
        job = jobs_of(client.server.app, "TGI")[0]
        dead = Leases(Store(engine, prefix), "worker-that-died", ttl=timedelta(minutes=10))
        assert await dead.take(job, None, now()) is not None  # …and the worker dies here
        assert await scheduler.tick() == []  # the lease is alive: nobody else runs it
        later = now() + timedelta(minutes=11)
        assert await scheduler.tick(at=later) == ["tgi-inbox"]
        await scheduler.wait()
        state = await scheduler.leases.state("tgi-inbox")
        assert not await dead.renew("tgi-inbox")  # the dead worker lost it for good
    assert (state.state, state.last_status, state.holder) == ("idle", "ok", "")
    assert await Store(engine, prefix).count("records") == 3
