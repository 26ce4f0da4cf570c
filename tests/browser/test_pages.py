"""A book's page and the catalogue's search page in Debian's Chromium, on the real API and engine.

The search keeps its state in the address: a search is shared by its URL, survives a reload, and
Back/Forward step through pages and sort orders. Both pages are checked by axe-core for WCAG 2.2
AA at a phone's width (375 px) and a desktop's (1280 px), and the search page works without
JavaScript thanks to the results rendered on the server.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest
from opensearchpy import AsyncOpenSearch

from indexer.store import Store
from tests.browser import widget_site as site

playwright_api = pytest.importorskip("playwright.async_api", reason="pip install playwright")
expect = playwright_api.expect

pytestmark = [pytest.mark.engine, pytest.mark.browser]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
AXE_RUN = """async () => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa',
    'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}});
  return r.violations.map(v => ({id: v.id, impact: v.impact,
    nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + n.failureSummary)}));
}"""
READY = """() => {
  const host = document.querySelector('mucluc-search');
  const root = host && host.shadowRoot;
  return !!root && !root.getElementById('m').hidden
    && !root.getElementById('r').hasAttribute('aria-busy');
}"""
WIDTHS = [375, 1280]


@pytest.fixture(scope="module")
async def api_url(
    engine: AsyncOpenSearch, index_prefix: str, opensearch_url: str, tmp_path_factory
) -> AsyncIterator[str]:
    prefix = f"{index_prefix}-pages-browser"
    await site.load_catalogue(engine, prefix, tmp_path_factory.mktemp("pages"))
    runner, url = await site.serve_api(opensearch_url, prefix)
    yield url
    await runner.cleanup()
    await Store(engine, prefix).drop_all()


@pytest.fixture
async def page(browser) -> AsyncIterator[Any]:
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    tab = await context.new_page()
    tab.errors = []
    tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    yield tab
    await context.close()


async def first_id(api_url: str, q: str) -> str:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{api_url}/api/v1/search", params={"q": q}) as response:
            return (await response.json())["hits"][0]["id"]


async def axe(page) -> list:
    assert AXE.exists(), "axe-core is missing: make setup-test installs it"
    await page.add_script_tag(path=str(AXE))
    return await page.evaluate(AXE_RUN)


def state(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


async def titles(page) -> list[str]:
    return await page.locator("mucluc-search .h button.t").all_text_contents()


@pytest.mark.parametrize("width", WIDTHS)
async def test_record_page_is_accessible_at_both_widths(browser, api_url, width) -> None:
    doc_id = await first_id(api_url, "dien bien phu")
    context = await browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN")
    tab = await context.new_page()
    try:
        response = await tab.goto(f"{api_url}/records/{doc_id}")
        assert response.status == 200
        await expect(tab.locator("h1")).to_have_text(site.DIEN_BIEN_PHU)
        await expect(tab.locator("table tbody tr")).to_have_count(3)
        scroll = await tab.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"horizontal scrolling at {width}px ({scroll}px wide)"
        ARTIFACTS.mkdir(exist_ok=True)
        await tab.screenshot(path=str(ARTIFACTS / f"record-{width}.png"), full_page=True)
        assert await axe(tab) == []
        await tab.get_by_role("link", name="Võ Nguyên Giáp").first.click()  # author → search
        await tab.wait_for_function(READY)
        assert state(tab.url) == {"q": ['author:"Võ Nguyên Giáp"']}
        assert await titles(tab) == [site.DIEN_BIEN_PHU]
    finally:
        await context.close()


async def test_record_page_404_is_vietnamese(page, api_url) -> None:
    response = await page.goto(f"{api_url}/records/khong-co-sach-nay")
    assert response.status == 404
    await expect(page.locator("h1")).to_have_text("Không tìm thấy tài liệu")


async def test_search_state_lives_in_the_url(browser, page, api_url) -> None:
    await page.goto(f"{api_url}/")
    box = page.locator("mucluc-search #q")
    await box.fill("truyen co dan toc thai")
    await box.press("Enter")
    count = page.locator("mucluc-search #cnt")
    await expect(count).to_contain_text("trang 1/2")  # size 10 on the catalogue page
    assert state(page.url) == {"q": ["truyen co dan toc thai"]}
    first = await titles(page)

    await page.locator("mucluc-search nav button", has_text="Trang sau").press("Enter")
    await expect(count).to_contain_text("trang 2/2")
    assert state(page.url)["page"] == ["2"]
    second = await titles(page)
    assert not set(first) & set(second)

    sort = page.locator("mucluc-search #so")
    await sort.focus()
    await sort.select_option("year")  # newest first; back to page 1
    await expect(count).to_contain_text("trang 1/2")
    assert state(page.url) == {"q": ["truyen co dan toc thai"], "sort": ["year"]}
    newest = await titles(page)
    assert newest[0] == f"Truyện cổ dân tộc Thái, tập {site.FOLK_TALES}"

    await page.reload()  # the server renders it; the widget takes over with the same state
    await page.wait_for_function(READY)
    assert await titles(page) == newest
    await expect(sort).to_have_value("year")
    await expect(box).to_have_value("truyen co dan toc thai")

    shared = await browser.new_context(viewport={"width": 375, "height": 800}, locale="vi-VN")
    other = await shared.new_page()
    await other.goto(page.url)  # the address, pasted elsewhere
    await other.wait_for_function(READY)
    assert await titles(other) == newest
    await shared.close()

    await page.go_back()
    await expect(count).to_contain_text("trang 2/2")
    await expect(sort).to_have_value("relevance")
    assert await titles(page) == second
    await page.go_back()
    await expect(count).to_contain_text("trang 1/2")
    assert await titles(page) == first
    await page.go_forward()
    await expect(count).to_contain_text("trang 2/2")
    assert await titles(page) == second
    assert page.errors == []


async def test_each_hit_links_to_its_page(page, api_url) -> None:
    await page.goto(f"{api_url}/?q=tat+den")
    await page.wait_for_function(READY)
    link = page.locator("mucluc-search .h a.pg").first
    await expect(link).to_have_text("Trang của sách")
    await link.click()
    await expect(page.locator("h1")).to_have_text("Tắt đèn")
    assert urlsplit(page.url).path.startswith("/records/")


async def test_search_page_works_without_javascript(browser, api_url) -> None:
    context = await browser.new_context(java_script_enabled=False, locale="vi-VN")
    tab = await context.new_page()
    try:
        await tab.goto(f"{api_url}/")
        await tab.get_by_label("Tìm sách trong các thư viện").fill("dế mèn")
        await tab.get_by_role("button", name="Tìm").click()
        await expect(tab.locator("mucluc-search .ssr")).to_contain_text("Tìm thấy 1 kết quả")
        await tab.get_by_role("link", name="Dế mèn phiêu lưu ký").first.click()
        await expect(tab.locator("h1")).to_have_text("Dế mèn phiêu lưu ký")
    finally:
        await context.close()


@pytest.mark.parametrize("width", WIDTHS)
async def test_search_page_with_sort_control_is_accessible(browser, api_url, width) -> None:
    context = await browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN")
    tab = await context.new_page()
    try:
        await tab.goto(f"{api_url}/?q=truyen+co&sort=title")
        await tab.wait_for_function(READY)
        await expect(tab.locator("mucluc-search #so")).to_have_value("title")
        scroll = await tab.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"horizontal scrolling at {width}px ({scroll}px wide)"
        await tab.screenshot(path=str(ARTIFACTS / f"search-sort-{width}.png"), full_page=True)
        assert await axe(tab) == []
    finally:
        await context.close()
