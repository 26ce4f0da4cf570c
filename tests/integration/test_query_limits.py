"""The longest queries a reader can send never make the engine fail (its clause limit)."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient

from searchapi.search import MAX_QUERY_LENGTH

pytestmark = pytest.mark.engine

KINDS = {
    "vietnamese": "Lịch sử Việt Nam Điện Biên Phủ thư viện quốc gia hòa bình người Thái Mường",
    "telex": "lichj suwr vieetj nam ddieenj bieen phur thuw vieenj quoocs gia hoaf binhf",
    "vni": "Nghe62 det65 tho63 cam63 nguoi772 Thai1 o73 Muong772 Toong lich5 su73 viet65",
    "unaccented": "dien bien phu thu vien quoc gia hoa binh khoe manh nguoi thai muong toong",
    "fielded": 'title:"truyện kiều" author:(nguyen du) subject:van hoc publisher:kim dong',
}


@pytest.mark.parametrize("kind", sorted(KINDS))
async def test_longest_query_of_each_kind_is_answered(api: TestClient, kind: str) -> None:
    times = 3 if kind == "fielded" else 20  # the parser allows 32 fielded terms
    query = " ".join([KINDS[kind]] * times)[:MAX_QUERY_LENGTH].rsplit(" ", 1)[0]
    response = await api.get(
        "/api/v1/search", params={"q": query, "library": "DBI", "sort": "title"}
    )
    assert response.status == 200, await response.text()


async def test_a_query_with_too_many_parts_is_a_clear_400(api: TestClient) -> None:
    query = " OR ".join(f"nguyeenx{n} truyeenj{n} kieeuf{n}" for n in range(40))
    query = query[:MAX_QUERY_LENGTH].rsplit(" OR ", 1)[0]
    response = await api.get("/api/v1/search", params={"q": query})
    body = await response.json()
    assert response.status in {200, 400}, body
    if response.status == 400:  # refused with a message the reader can act on, never a 5xx
        assert body["error"]["code"] in {"bad_query", "query_too_complex"}
        assert "shorten" in body["error"]["message"]


async def test_engine_clause_limit_becomes_a_400_not_a_503(api: TestClient, engine) -> None:  # type: ignore[no-untyped-def]
    setting = "indices.query.bool.max_clause_count"
    await engine.cluster.put_settings(body={"transient": {setting: 64}})
    try:
        response = await api.get("/api/v1/search", params={"q": KINDS["vietnamese"]})
        body = await response.json()
    finally:
        await engine.cluster.put_settings(body={"transient": {setting: None}})
    assert response.status == 400, body
    assert body["error"]["code"] == "query_too_complex"
