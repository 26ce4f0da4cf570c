"""Faults on a real three-node cluster, each with exact counts: a data node SIGKILLed in the
middle of `mucluc load` and of `mucluc harvest`, a node killed while readers search, and the
whole engine down (the API answers 503 JSON, a harvest stops clearly and resumes from its
checkpoint).

Each test measures its row of the closing note's table (fault, when injected, searches
attempted / failed, records expected / indexed / duplicated, time to green) into
``faults.TABLE``; the assertions are the exact counts.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from indexer.store.client import close_client
from tests.catalogue import api_app, config_toml, libraries, open_catalogue
from tests.harvesters.oai_provider import Provider
from tests.integration.cluster.faults import (
    QUERIES,
    Cluster,
    Row,
    books,
    client,
    content,
    count_records,
    mucluc,
    primary_holder,
    workspace,
)
from tests.marc_builders import write_marc

pytestmark = pytest.mark.cluster

def oai_library(code: str, url: str) -> str:
    return (f'[[library]]\ncode = "{code}"\nname = "Thư viện {code}"\nkind = "district"\n'
            f'[[library.sources]]\nprotocol = "oai-pmh"\nname = "{code.lower()}-oai"\n'
            f'url = "{url}"\n')


async def drop(url: str, prefix: str) -> None:
    engine = client(url)
    try:
        await engine.indices.delete(index=f"{prefix}-*", ignore=404)
    finally:
        await close_client(engine)


async def test_data_node_killed_mid_load(cluster: Cluster, tmp_path: Path) -> None:
    total, prefix = 120, "cl-load"
    env = workspace(tmp_path, config_toml("DBI"), cluster.url, prefix)
    write_marc(tmp_path / "dbi.mrc", books("DBI", total))
    await drop(cluster.url, prefix)
    load = asyncio.create_task(
        mucluc("load", str(tmp_path / "dbi.mrc"), "--library", "DBI", env=env)
    )
    while await count_records(cluster.url, prefix) < total // 4:
        assert not load.done(), "the load ended before the fault: " + str(load.result())
        await asyncio.sleep(0.2)
    victim = await primary_holder(cluster.url, f"{prefix}-records")
    await asyncio.to_thread(cluster.kill, victim)
    assert not load.done(), "the node was killed mid-load"
    code, out, err = await load
    assert code == 0, out + err
    assert f"{total} loaded ({total} new, 0 updated, 0 unchanged), 0 skipped" in out, out
    green = await asyncio.to_thread(cluster.restart, victim)
    found = await content(cluster.url, prefix)
    assert (found.records, found.books) == (total, total)
    assert found.holdings == Counter({("DBI", f"DBI-{n}"): 1 for n in range(total)})
    Row(f"data node ({victim}, primary of records) SIGKILL mid `mucluc load`",
        f"after {total // 4} of {total} records stored", records_expected=total,
        records_indexed=found.records, duplicated=found.duplicated,
        seconds_to_green=round(green, 1)).write()
    await drop(cluster.url, prefix)


async def test_data_node_killed_mid_harvest(
    cluster: Cluster, tmp_path: Path, aiohttp_server
) -> None:
    prefix, victims = "cl-harvest", []

    async def kill_on_page_4(page: int) -> None:
        if page == 4 and not victims:
            victims.append(await primary_holder(cluster.url, f"{prefix}-union"))
            await asyncio.to_thread(cluster.kill, victims[0])

    provider = Provider(total=120, page_size=10, on_page=kill_on_page_4)
    server = await aiohttp_server(provider.app(), host="127.0.0.1")
    env = workspace(tmp_path, oai_library("TGI", str(server.make_url("/oai"))), cluster.url,
                    prefix)
    await drop(cluster.url, prefix)
    code, out, err = await mucluc("harvest", env=env)
    assert victims, "the node was killed mid-harvest"
    assert code == 0, out + err
    assert "120 fetched: 120 new, 0 updated, 0 unchanged" in out, out
    green = await asyncio.to_thread(cluster.restart, victims[0])
    found = await content(cluster.url, prefix)
    assert (found.records, found.books) == (120, 120)
    assert found.holdings == Counter({("TGI", local): 1 for local in provider.local_ids})
    Row(f"data node ({victims[0]}, primary of union) SIGKILL mid `mucluc harvest`",
        "when the harvester asked for page 4 of 12", records_expected=120,
        records_indexed=found.records, duplicated=found.duplicated,
        seconds_to_green=round(green, 1)).write()
    await drop(cluster.url, prefix)


async def test_node_killed_while_readers_search(cluster: Cluster, tmp_path: Path) -> None:
    prefix, readers, each = "cl-read", 4, 40
    engine = client(cluster.url)
    try:
        built = await open_catalogue(engine, prefix, ["DBI", "TGI"])
        await built.load_marc({"DBI": books("DBI", 40), "TGI": books("TGI", 20, start=40)},
                              tmp_path)
        await engine.indices.refresh(index=f"{prefix}-*")
        app = api_app(cluster.url, prefix, built.libraries, rate=100_000.0, burst=100_000.0)
        async with TestClient(TestServer(app)) as api:
            expected = {q: await total_of(api, q) for q in QUERIES}
            assert all(expected.values()), expected
            answered: list[tuple[str, int, int | None]] = []
            kill_now = asyncio.Event()

            async def reader(number: int) -> None:
                for step in range(each):
                    query = QUERIES[(number + step) % len(QUERIES)]
                    response = await api.get("/api/v1/search", params={"q": query})
                    body = await response.json()
                    answered.append((query, response.status, body.get("total")))
                    if len(answered) == readers * each // 4:
                        kill_now.set()

            async def killer() -> str:
                await kill_now.wait()
                victim = await primary_holder(cluster.url, f"{prefix}-union")
                await asyncio.to_thread(cluster.kill, victim)
                return victim

            killing = asyncio.create_task(killer())
            await asyncio.gather(*(reader(n) for n in range(readers)))
            victim = await killing
            failed = [a for a in answered if a[1] != 200 or a[2] != expected[a[0]]]
            assert len(answered) == readers * each
            assert failed == [], failed[:5]
        green = await asyncio.to_thread(cluster.restart, victim)
        assert cluster.up() == cluster.names
        Row(f"node ({victim}, primary of union) SIGKILL while {readers} readers search",
            f"after {readers * each // 4} of {readers * each} searches",
            searches_attempted=len(answered), searches_failed=len(failed),
            seconds_to_green=round(green, 1)).write()
    finally:
        await engine.indices.delete(index=f"{prefix}-*", ignore=404)
        await close_client(engine)


async def total_of(api: TestClient, query: str) -> int:
    response = await api.get("/api/v1/search", params={"q": query})
    assert response.status == 200, await response.text()
    return int((await response.json())["total"])


async def test_engine_down_api_503_and_harvest_resumes_from_its_checkpoint(
    cluster: Cluster, tmp_path: Path, aiohttp_server
) -> None:
    prefix, down = "cl-down", []

    # Pages 1-5 are the first batch (five pages a batch); page 6 is fetched while it is stored,
    # and page 7 asked for once page 6 is delivered, after the first batch's commit.
    async def all_down_on_page_7(page: int) -> None:
        if page == 7 and not down:
            down.append(page)
            await asyncio.to_thread(cluster.kill_all)

    provider = Provider(total=100, page_size=10, on_page=all_down_on_page_7)
    server = await aiohttp_server(provider.app(), host="127.0.0.1")
    env = workspace(tmp_path, oai_library("MCH", str(server.make_url("/oai"))), cluster.url,
                    prefix)
    await drop(cluster.url, prefix)
    code, out, err = await mucluc("harvest", env=env)
    assert down and code == 1, out + err
    assert "OpenSearch is unreachable" in out + err and "Traceback" not in err, out + err
    async with TestClient(TestServer(api_app(cluster.url, prefix, libraries("MCH")))) as api:
        response = await api.get("/api/v1/search", params={"q": "Điện Biên"})
        assert response.status == 503
        error = (await response.json())["error"]
        assert error["code"] and error["message"] and "127.0.0.1" not in error["message"]
    first_run = len(provider.requests)
    green = await asyncio.to_thread(cluster.restart_all)
    code, out, err = await mucluc("harvest", env=env)
    assert code == 0, out + err
    resumed = provider.requests[first_run]
    assert resumed.get("resumptionToken", "").startswith("p"), resumed
    assert resumed["resumptionToken"] != "p1", "resumed from its checkpoint, not from the start"
    found = await content(cluster.url, prefix)
    assert (found.records, found.books) == (100, 100)
    assert found.holdings == Counter({("MCH", local): 1 for local in provider.local_ids})
    Row("every node SIGKILLed mid `mucluc harvest` (engine down)",
        "when the harvester asked for page 7 of 10; API 503 JSON while down; "
        f"resumed at {resumed['resumptionToken']}", records_expected=100,
        records_indexed=found.records, duplicated=found.duplicated,
        seconds_to_green=round(green, 1)).write()
    await drop(cluster.url, prefix)
