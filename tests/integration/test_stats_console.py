"""Statistics and status pages behind the console's keys: who sees what, downloads, and "harvest
now", on the real engine and the real API (issue 14 B)."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import AsyncIterator
from xml.etree import ElementTree

import pytest
from aiohttp.test_utils import TestClient
from openpyxl import load_workbook
from opensearchpy import AsyncOpenSearch

from indexer.accounts import Accounts
from indexer.console_records import audit_entries
from indexer.harvest_run import Places
from indexer.store import Store
from searchapi.console.status_harvests import SCHEDULER, Harvests
from searchapi.stats_counter import flush
from tests.catalogue import ApiClient, catalogue, libraries
from tests.integration.console_helpers import csrf_of, sign_in
from tests.integration.stats_books import BOOKS, CODES
from tests.marc_builders import book, write_marc

pytestmark = pytest.mark.engine


@dataclasses.dataclass
class Console:
    client: TestClient
    accounts: Accounts
    store: Store
    places: Places

    async def bearer(self, role: str, library: str | None = None) -> dict[str, str]:
        _, key = await self.accounts.grant(role, library)
        return {"Authorization": f"Bearer {key}"}


@pytest.fixture(scope="module")
async def console(
    engine: AsyncOpenSearch, api_client: ApiClient, index_prefix: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[Console]:
    folder = tmp_path_factory.mktemp("stats-console")
    inbox = folder / "inbox"
    inbox.mkdir()
    write_marc(inbox / "tgi-new.mrc", [book("TGI-9", "Sách mới của Tuần Giáo")])
    libs = libraries(*CODES)
    libs["TGI"] = dataclasses.replace(libs["TGI"], sources=(
        {"protocol": "files", "path": "inbox", "name": "tgi-inbox"},))  # fmt: skip
    places = Places(base=folder, state=folder / "state", reports=folder / "reports")
    async with catalogue(engine, f"{index_prefix}-stats-console", CODES, BOOKS, folder) as built:
        store = Store(engine, built.prefix)
        async with api_client(built.prefix, libs,
                              harvests=Harvests(places, schedule=False)) as client:  # fmt: skip
            for params in ({"q": "truyện kiều", "library": "DBI"}, {"q": "xyzzy"},
                           {"q": "dế mèn", "library": "TGI"}):  # fmt: skip
                assert (await client.get("/api/v1/search", params=params)).status == 200
            await flush(client.server.app)
            await store.refresh("stats")
            yield Console(client, Accounts(store), store, places)


@pytest.mark.parametrize(
    "path",
    ["/api/v1/stats", "/api/v1/stats/holdings", "/api/v1/stats/searches",
     "/api/v1/stats/zero-results"],
)
async def test_statistics_need_a_key(console: Console, path: str) -> None:
    response = await console.client.get(path)
    assert response.status == 401
    assert (await response.json())["error"]["code"] == "unauthorized"


async def test_the_administrator_sees_every_library(console: Console) -> None:
    admin = await console.bearer("admin")
    held = await (await console.client.get("/api/v1/stats/holdings", headers=admin)).json()
    assert (held["province"]["titles"], held["province"]["copies"]) == (5, 12)
    assert sorted(row["code"] for row in held["libraries"]) == ["DBI", "TGI", "THCS"]
    searches = await (await console.client.get("/api/v1/stats/searches", headers=admin)).json()
    assert searches["total"] == 3
    assert searches["sites"] == [{"site": "", "searches": 1}, {"site": "DBI", "searches": 1},
                                 {"site": "TGI", "searches": 1}]  # fmt: skip
    everything = await (await console.client.get("/api/v1/stats", headers=admin)).json()
    assert [row["key"] for row in everything["zero_results"]] == ["xyzzy"]
    one = await console.client.get("/api/v1/stats/growth?library=DBI", headers=admin)
    assert sum(m["new_records"] for m in (await one.json())["months"]) == 3


async def test_a_librarian_sees_the_province_and_their_own_library_only(console: Console) -> None:
    tgi = await console.bearer("librarian", "TGI")
    held = await (await console.client.get("/api/v1/stats/holdings", headers=tgi)).json()
    assert held["province"]["titles"] == 5
    assert [row["code"] for row in held["libraries"]] == ["TGI"]
    assert held["libraries"][0]["copies"] == 2
    searches = await (await console.client.get("/api/v1/stats/searches", headers=tgi)).json()
    assert searches["total"] == 3  # the province's
    assert searches["sites"] == [{"site": "TGI", "searches": 1}]  # never another site's
    assert searches["site"]["total"] == 1
    zero = await (await console.client.get("/api/v1/stats/zero-results", headers=tgi)).json()
    assert [row["key"] for row in zero["queries"]] == ["xyzzy"]  # province-level
    refused = await console.client.get("/api/v1/stats/holdings?library=DBI", headers=tgi)
    assert refused.status == 403


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [({"days": "0"}, 400, "bad_days"), ({"size": "abc"}, 400, "bad_size"),
     ({"library": "NOPE"}, 404, "unknown_library")],
    ids=["zero-days", "size-not-a-number", "unknown-library"],
)  # fmt: skip
async def test_bad_parameters_are_refused(
    console: Console, params: dict, status: int, code: str
) -> None:
    admin = await console.bearer("admin")
    response = await console.client.get("/api/v1/stats/top", params=params, headers=admin)
    assert response.status == status
    assert (await response.json())["error"]["code"] == code


async def test_the_statistics_page_has_charts_tables_and_downloads(console: Console) -> None:
    _, key = await console.accounts.grant("admin", None)
    await sign_in(console.client, key)
    html = await (await console.client.get("/console/stats")).text()
    assert html.count('role="img"') == 3  # growth, searches, holdings
    for svg in html.split("<svg")[1:]:
        ElementTree.fromstring("<svg" + svg.split("</svg>")[0] + "</svg>")
    assert 'id="table-holdings"' in html and 'id="table-zero-results"' in html
    download = await console.client.get("/console/stats/holdings.xlsx")
    assert download.status == 200
    assert "attachment" in download.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(await download.read())).active
    rows = [list(r) for r in sheet.iter_rows(min_row=3, values_only=True)]
    assert sorted((r[1], r[3], r[5]) for r in rows) == [
        ("DBI", 3, 6), ("TGI", 2, 2), ("THCS", 1, 4)]
    csv = await (await console.client.get("/console/stats/zero-results.csv")).text()
    assert csv.splitlines()[1] == "xyzzy,1"


async def test_status_page_and_harvest_now(console: Console, engine: AsyncOpenSearch) -> None:
    _, key = await console.accounts.grant("librarian", "TGI")
    client = console.client
    await sign_in(client, key)
    assert (await client.get("/console/DBI")).status == 403
    page = await client.get("/console/TGI")
    assert page.status == 200
    html = await page.text()
    assert "tgi-inbox" in html and "chưa chạy" in html
    forged = await client.post("/console/TGI/harvest", data={"source": "tgi-inbox",
                                                              "csrf": "forged"})  # fmt: skip
    assert forged.status == 403
    response = await client.post("/console/TGI/harvest", allow_redirects=False,
                                 data={"source": "tgi-inbox", "csrf": csrf_of(html)})
    assert response.status == 303
    assert response.headers["Location"].startswith("/console/TGI?harvest=started")
    await client.server.app[SCHEDULER].wait()
    after = await (await client.get("/console/TGI")).text()
    assert "thành công: 1 nhận, 1 mới" in after
    assert "Lần chạy trước của tgi-inbox không từ chối biểu ghi nào." in after
    entries = await audit_entries(console.store, library="TGI")
    assert any(e["action"] == "harvest" and e["target"] == "tgi-inbox" for e in entries.items)
