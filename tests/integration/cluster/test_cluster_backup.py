"""`mucluc backup` and `mucluc restore` on the three-node cluster: load, back up, destroy every
node's data directory, start the (now empty) cluster, restore, and compare: the same counts,
the same holdings and the same hits for a fixed query list; the configuration comes back too."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from indexer.store.client import close_client
from tests.catalogue import api_app, config_toml, libraries, open_catalogue
from tests.integration.cluster.faults import (
    QUERIES,
    Cluster,
    Row,
    books,
    client,
    content,
    mucluc,
    workspace,
)

pytestmark = pytest.mark.cluster


async def hits(url: str, prefix: str, codes: list[str]) -> dict[str, Any]:
    """Each fixed query's total and ordered hit ids, through the real API."""
    app = api_app(url, prefix, libraries(*codes), rate=100_000.0, burst=100_000.0)
    found = {}
    async with TestClient(TestServer(app)) as api:
        for query in QUERIES:
            response = await api.get("/api/v1/search", params={"q": query, "size": "50"})
            assert response.status == 200, await response.text()
            body = await response.json()
            found[query] = (body["total"], [hit["id"] for hit in body["hits"]])
    return found


async def test_backup_destroy_data_restore_searches_identically(
    cluster: Cluster, tmp_path: Path
) -> None:
    prefix, codes = "cl-backup", ["DBI", "TGI"]
    env = workspace(tmp_path, config_toml(*codes), cluster.url, prefix)
    env["MUCLUC_BACKUP_DIR"] = str(cluster.repo)
    engine = client(cluster.url)
    try:
        built = await open_catalogue(engine, prefix, codes)
        await built.load_marc({"DBI": books("DBI", 30), "TGI": books("TGI", 20, start=30)},
                              tmp_path / "marc")
        await engine.indices.refresh(index=f"{prefix}-*")
    finally:
        await close_client(engine)
    before, before_hits = await content(cluster.url, prefix), await hits(cluster.url, prefix, codes)
    assert (before.records, before.books, sum(before.holdings.values())) == (50, 50, 50)

    code, out, err = await mucluc("backup", "--keep", "2", env=env)
    assert code == 0, out + err
    name = out.split()[1].rstrip(":")
    code, out, err = await mucluc("backup", "list", env=env)
    assert code == 0 and name in out, out + err

    await asyncio.to_thread(cluster.wipe)
    green = await asyncio.to_thread(cluster.restart_all)
    engine = client(cluster.url)
    try:
        assert not await engine.indices.exists(index=f"{prefix}-records"), "the cluster is empty"
    finally:
        await close_client(engine)

    code, out, err = await mucluc("restore", env=env)
    assert code == 0, out + err
    assert f"restored {name}" in out
    saved = Path(env["MUCLUC_HOME"]) / "restored" / f"{name}.toml"
    assert saved.read_text(encoding="utf-8") == config_toml(*codes)
    after = await content(cluster.url, prefix)
    assert (after.records, after.books, after.holdings) == (
        before.records, before.books, before.holdings)
    assert await hits(cluster.url, prefix, codes) == before_hits
    code, out, err = await mucluc("restore", env=env)
    assert code == 1 and "exists" in err, out + err
    Row("every node's data directory destroyed, restored from `mucluc backup`",
        "after loading 50 records of 2 libraries and one backup",
        searches_attempted=len(QUERIES), searches_failed=0, records_expected=50,
        records_indexed=after.records, duplicated=after.duplicated,
        seconds_to_green=round(green, 1)).write()
