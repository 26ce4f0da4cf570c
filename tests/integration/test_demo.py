"""The demo catalogue as `make demo` loads it: several Điện Biên libraries, one search."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient
from opensearchpy import AsyncOpenSearch

from indexer.store import Store
from mucluc.cli import demo
from mucluc.core.config import load_config
from mucluc.demo import write_demo_catalogue
from tests.catalogue import ApiClient

pytestmark = pytest.mark.engine

REPO_CONFIG = Path(__file__).resolve().parents[2] / "mucluc.toml"


@pytest.fixture(scope="module")
async def demo_api(
    engine: AsyncOpenSearch,
    opensearch_url: str,
    api_client: ApiClient,
    index_prefix: str,
    tmp_path_factory: pytest.TempPathFactory,
):
    prefix = f"{index_prefix}-demo"
    config = load_config(REPO_CONFIG)
    folder = tmp_path_factory.mktemp("demo")
    files = write_demo_catalogue(folder)
    mp = pytest.MonkeyPatch()
    mp.setenv("MUCLUC_OPENSEARCH_URL", opensearch_url)
    try:
        # Not the demo prefix: loads on top, never drops.
        await demo.load_demo(config, files, folder / "loaded.json", prefix=prefix)
        first_marker = (folder / "loaded.json").read_text()
        # A second run reuses it.
        await demo.load_demo(config, files, folder / "loaded.json", prefix=prefix)
        assert (folder / "loaded.json").read_text() == first_marker
        async with api_client(prefix, config.libraries) as client:
            yield client
    finally:
        mp.undo()
        await Store(engine, prefix).drop_all()


async def test_dien_bien_phu_is_held_by_at_least_three_libraries(demo_api: TestClient) -> None:
    response = await demo_api.get("/api/v1/search", params={"q": "dien bien phu"})
    body = await response.json()
    assert response.status == 200
    held = [{h["library"] for h in hit["holdings"]} for hit in body["hits"]]
    assert any(len(libraries) >= 3 for libraries in held), held


async def test_every_demo_library_has_records(demo_api: TestClient) -> None:
    body = await (await demo_api.get("/api/v1/search", params={"q": ""})).json()
    codes = {bucket["value"] for bucket in body["facets"]["library"]}
    assert codes == {"DBI", "TGI", "MCH", "DBD", "MNH", "THCS-TG"}


@pytest.mark.parametrize(
    "query", ["Truyện Kiều", "TRUYỆN KIỀU", "truye\u0302\u0323n kie\u0302\u0300u"]
)
async def test_truyen_kieu_is_found_first(demo_api: TestClient, query: str) -> None:
    body = await (await demo_api.get("/api/v1/search", params={"q": query})).json()
    assert body["hits"][0]["title"].startswith("Truyện Kiều"), [
        h["title"] for h in body["hits"][:3]
    ]


@pytest.mark.parametrize("query", ["truyen kieu", "nguyen du", "Nguyễn Du"])
async def test_unaccented_and_author_queries_find_truyen_kieu_near_the_top(
    demo_api: TestClient, query: str
) -> None:
    body = await (await demo_api.get("/api/v1/search", params={"q": query})).json()
    top = [h["title"] for h in body["hits"][:3]]
    assert any(title.startswith("Truyện Kiều") for title in top), top
    assert all("Nguyễn Du" in h["authors"] for h in body["hits"][:2]), body["hits"][:2]
