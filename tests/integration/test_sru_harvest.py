"""A second Mục lục (another index prefix) harvests the first over SRU with its own harvester
(`mucluc harvest`, one SRU source per library, ``mucluc.library = CODE``) and ends with the same
union records and holdings."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient
from opensearchpy import AsyncOpenSearch

from indexer.store import alias
from tests.catalogue import Catalogue

pytestmark = pytest.mark.engine

REPO = Path(__file__).resolve().parents[2]
HOLDING = ("library", "record_id", "call_number", "copies")


async def union_content(engine: AsyncOpenSearch, prefix: str) -> dict[tuple[str, ...], list]:
    """Each union record's sorted members → its holdings (the fields a reader sees)."""
    await engine.indices.refresh(index=f"{prefix}-*")
    found = await engine.search(index=alias(prefix, "union"),
                                body={"size": 1000, "_source": ["members", "holdings"]})
    return {
        tuple(sorted(hit["_source"]["members"])): sorted(
            tuple(h.get(k) for k in HOLDING) for h in hit["_source"]["holdings"]
        )
        for hit in found["hits"]["hits"]
    }


def config(catalogue: Catalogue, url: str) -> str:
    text = ""
    for library in catalogue.libraries.values():
        text += f'[[library]]\ncode = "{library.code}"\nname = "{library.name}"\n'
        text += f'kind = "{library.kind}"\n'
        text += "[[library.sources]]\n"
        text += f'protocol = "sru"\nname = "sru-{library.code.lower()}"\nurl = "{url}"\n'
        text += f'query = "mucluc.library = {library.code}"\npage_size = 2\n'
    return text


async def test_a_second_catalogue_harvests_the_first_over_sru(
    api: TestClient, catalogue: Catalogue, engine: AsyncOpenSearch, opensearch_url: str,
    tmp_path: Path,
) -> None:
    second = f"{catalogue.prefix}-copy"
    (tmp_path / "mucluc.toml").write_text(
        config(catalogue, f"http://127.0.0.1:{api.port}/sru"), encoding="utf-8")
    env = {**os.environ, "MUCLUC_CONFIG": str(tmp_path / "mucluc.toml"),
           "MUCLUC_OPENSEARCH_URL": opensearch_url, "MUCLUC_INDEX_PREFIX": second,
           "MUCLUC_HOME": str(tmp_path / "home")}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "mucluc", "harvest", cwd=REPO, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 300)
    assert process.returncode == 0, (out.decode(), err.decode())
    try:
        first = await union_content(engine, catalogue.prefix)
        copied = await union_content(engine, second)
        assert len(first) >= 10
        assert copied == first
    finally:
        await engine.indices.delete(index=f"{second}-*")
