"""The statistics and status pages in Debian's Chromium, on the real API and engine.

The administrator signs in, sees the statistics page with its charts (each an accessible SVG
with its data table), downloads a table as XLSX; a librarian sees their library's status page and
presses "harvest now". axe-core finds no WCAG 2.2 AA violation on either page, at a phone's width
and a desktop's.
"""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from openpyxl import load_workbook
from opensearchpy import AsyncOpenSearch

from indexer.accounts import Accounts
from indexer.harvest_run import Places
from indexer.store import Store
from searchapi.console.status_harvests import Harvests
from searchapi.stats_counter import flush
from tests.browser import widget_site as site
from tests.catalogue import api_app
from tests.marc_builders import book, write_marc

playwright_api = pytest.importorskip("playwright.async_api", reason="pip install playwright")
expect = playwright_api.expect

pytestmark = [pytest.mark.engine, pytest.mark.browser]

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
AXE_RUN = """async () => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa',
    'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}});
  return r.violations.map(v => ({id: v.id, impact: v.impact,
    nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + n.failureSummary)}));
}"""
WIDTHS = [375, 1280]


@dataclasses.dataclass
class Served:
    url: str
    admin_key: str
    librarian_key: str


@pytest.fixture(scope="module")
async def served(
    engine: AsyncOpenSearch, index_prefix: str, opensearch_url: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[Served]:
    prefix = f"{index_prefix}-stats-browser"
    folder = tmp_path_factory.mktemp("stats-browser")
    await site.load_catalogue(engine, prefix, folder)
    inbox = folder / "inbox"
    inbox.mkdir()
    write_marc(inbox / "tgi.mrc", [book("TGI-NEW-1", "Sách mới về Tuần Giáo")])
    libs = dict(site.LIBRARIES)
    libs["TGI"] = dataclasses.replace(libs["TGI"], sources=(
        {"protocol": "files", "path": "inbox", "name": "tgi-inbox", "schedule": "daily 02:30"},
    ))  # fmt: skip
    places = Places(base=folder, state=folder / "state", reports=folder / "reports")
    app = api_app(opensearch_url, prefix, libs, harvests=Harvests(places, schedule=False))
    runner, url = await site.start(app)
    try:
        store = Store(engine, prefix)
        accounts = Accounts(store)
        _, admin = await accounts.grant("admin", None)
        _, librarian = await accounts.grant("librarian", "TGI")
        async with aiohttp.ClientSession() as http:
            for q in ("truyen kieu", "dien bien phu", "khong co cuon nay"):
                async with http.get(f"{url}/api/v1/search", params={"q": q}) as response:
                    assert response.status == 200
        await flush(app)
        await store.refresh("stats")
        yield Served(url, admin, librarian)
    finally:
        await runner.cleanup()
        await Store(engine, prefix).drop_all()


async def axe(page: Any) -> list:
    assert AXE.exists(), "axe-core is missing: make setup-test installs it"
    await page.add_script_tag(path=str(AXE))
    return await page.evaluate(AXE_RUN)


async def signed_in(browser: Any, url: str, key: str, width: int) -> Any:
    context = await browser.new_context(viewport={"width": width, "height": 900},
                                        locale="vi-VN", accept_downloads=True)  # fmt: skip
    page = await context.new_page()
    await page.goto(f"{url}/console/sign-in")
    await page.locator("#key").fill(key)
    await page.locator("main form button[type=submit]").click()
    await page.wait_for_url("**/console/")
    return page


@pytest.mark.parametrize("width", WIDTHS)
async def test_the_administrator_sees_charts_and_downloads_xlsx(
    browser: Any, served: Served, width: int
) -> None:
    page = await signed_in(browser, served.url, served.admin_key, width)
    try:
        await page.goto(f"{served.url}/console/stats")
        await expect(page.get_by_role("heading", level=1)).to_have_text("Thống kê")
        charts = page.locator("figure.stat-chart svg[role=img]")
        await expect(charts).to_have_count(3)
        await expect(page.get_by_role("img", name="Vốn tài liệu theo thư viện")).to_be_visible()
        await expect(page.locator("#table-zero-results")).to_contain_text("khong co cuon nay")
        async with page.expect_download() as info:
            await page.locator("a[href^='/console/stats/holdings.xlsx']").click()
        download = await info.value
        sheet = load_workbook(io.BytesIO(Path(await download.path()).read_bytes())).active
        codes = sorted(row[1] for row in sheet.iter_rows(min_row=3, values_only=True))
        assert codes == sorted(site.LIBRARIES)
        scroll = await page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width + 1, "the page scrolls sideways"
        assert await axe(page) == []
    finally:
        await page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
async def test_a_librarian_harvests_now_and_reads_the_status_page(
    browser: Any, served: Served, width: int
) -> None:
    page = await signed_in(browser, served.url, served.librarian_key, width)
    try:
        await page.goto(f"{served.url}/console/TGI")
        await expect(page.get_by_role("heading", level=1)).to_contain_text("Tuần Giáo")
        assert await axe(page) == []
        button = page.get_by_role("button", name=re.compile(r"^Thu thập ngay\W+tgi-inbox$"))
        await button.click()
        await expect(page.get_by_role("status")).to_contain_text("tgi-inbox")
        for _ in range(60):  # bounded: the harvest of one record ends in seconds
            await page.goto(f"{served.url}/console/TGI")
            if await page.get_by_text("thành công").count():
                break
            await page.wait_for_timeout(500)
        await expect(page.get_by_text("Lần chạy trước của tgi-inbox không từ chối")).to_be_visible()
        assert await axe(page) == []
    finally:
        await page.context.close()
