"""The <mucluc-search> widget in Debian's Chromium, against the real API and engine.

The host pages are served from a second localhost origin with hostile CSS, so every search also
proves CORS and the shadow DOM's isolation. axe-core checks the result pages for WCAG 2.1 AA.
"""

from __future__ import annotations

import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from opensearchpy import AsyncOpenSearch

from indexer.store import Store
from tests.browser import widget_site as site

playwright_api = pytest.importorskip("playwright.async_api", reason="pip install playwright")

pytestmark = [pytest.mark.engine, pytest.mark.browser]

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
AXE_DIR = Path(__file__).resolve().parent
AXE = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
AXE_INSTALL = [
    "npm",
    "install",
    "--no-save",
    "--no-audit",
    "--no-fund",
    "--prefix",
    str(AXE_DIR),
    "axe-core@4",
]

AXE_RUN = """async () => {
  const r = await axe.run(document, {runOnly: {type: 'tag',
    values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
  return r.violations.map(v => ({id: v.id, impact: v.impact,
    nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + n.failureSummary)}));
}"""
ACTIVE = """() => {
  const host = document.querySelector('mucluc-search');
  const el = host && host.shadowRoot.activeElement;
  if (document.activeElement !== host || !el) return null;
  return {id: el.id, tag: el.tagName, text: el.textContent.trim(), dataP: el.dataset.p || null};
}"""


@pytest.fixture(scope="module")
async def catalogue(engine: AsyncOpenSearch, index_prefix: str, tmp_path_factory):
    prefix = f"{index_prefix}-widget"
    built = await site.load_catalogue(engine, prefix, tmp_path_factory.mktemp("widget"))
    yield built.prefix
    await Store(engine, prefix).drop_all()


@pytest.fixture(scope="module")
async def servers(catalogue: str, opensearch_url: str) -> AsyncOpenSearch:
    """The real API (with CORS for the host origin), an API without /suggest, and the host site."""
    runners = []
    # The host origin's port is known only once it listens, so the host page takes `api` per page.
    host_runner, host_url = await site.serve_host("http://127.0.0.1:1")
    runners.append(host_runner)
    api_runner, api_url = await site.serve_api(opensearch_url, catalogue, allow_origins=[host_url])
    runners.append(api_runner)
    bare_runner, bare_url = await site.serve_api(
        opensearch_url, catalogue, allow_origins=[host_url], suggest=False
    )
    runners.append(bare_runner)
    yield {"api": api_url, "host": host_url, "bare": bare_url}
    for runner in runners:
        await runner.cleanup()


@pytest.fixture
async def page(browser) -> AsyncIterator[Any]:
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    tab = await context.new_page()
    tab.errors = []
    tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    # Failed requests are told apart by URL (favicon.ico is the host page's own 404).
    tab.on(
        "response",
        lambda r: (
            tab.errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico")
            else None
        ),
    )
    yield tab
    await context.close()


@pytest.fixture(scope="session")
def axe_script() -> Path:
    if not AXE.exists():
        result = subprocess.run(AXE_INSTALL, capture_output=True, text=True, timeout=300)
        if result.returncode != 0 or not AXE.exists():
            pytest.fail(
                f"axe-core is missing; install it with: {' '.join(AXE_INSTALL)}\n"
                f"{result.stderr[-2000:]}"
            )
    return AXE


async def open_host(page, servers, **params: str) -> None:
    query = {"api": servers["api"], **params}
    await page.goto(f"{servers['host']}/?{urlencode(query)}")
    await page.wait_for_function("customElements.get('mucluc-search') !== undefined")


async def tab_to(page, predicate, limit: int = 80) -> dict:
    """Press Tab until the focused element inside the widget satisfies ``predicate``."""
    for _ in range(limit):
        await page.keyboard.press("Tab")
        active = await page.evaluate(ACTIVE)
        if active and predicate(active):
            return active
    raise AssertionError("never reached the wanted element with Tab")


async def search(page, text: str) -> None:
    box = page.locator("mucluc-search #q")
    await box.fill(text)
    await box.press("Enter")
    await page.wait_for_function("""() => {
      const root = document.querySelector('mucluc-search').shadowRoot;
      const busy = root.getElementById('r').hasAttribute('aria-busy');
      return !root.getElementById('m').hidden && !busy;
    }""")


async def test_unaccented_query_finds_the_book_and_its_holdings(page, servers) -> None:
    await open_host(page, servers)
    await search(page, "dien bien phu")
    first = page.locator("mucluc-search .h").first
    await playwright_api.expect(first.locator("button.t")).to_have_text(site.DIEN_BIEN_PHU)
    holdings = await first.locator(".ho").text_content()
    assert holdings.startswith("Có tại: Thư viện tỉnh Điện Biên (959.704 V-G, 2 bản)")
    assert "Thư viện huyện Tuần Giáo (1 bản)" in holdings
    assert "Thư viện huyện Mường Chà" in holdings
    assert (
        "Tìm thấy 1 kết quả cho “dien bien phu”."
        in await page.locator("mucluc-search #cnt").text_content()
    )
    await playwright_api.expect(page.locator("mucluc-search #live")).to_have_text(
        "Tìm thấy 1 kết quả cho “dien bien phu”."
    )
    assert page.errors == []


async def test_autocomplete_is_a_keyboard_combobox(page, servers) -> None:
    await open_host(page, servers)
    box = page.locator("mucluc-search #q")
    listbox = page.locator("mucluc-search #sg")
    assert await tab_to(page, lambda a: a["id"] == "q")
    await page.keyboard.type("truyen co", delay=30)
    await playwright_api.expect(box).to_have_attribute("aria-expanded", "true")
    await playwright_api.expect(listbox).to_be_visible()
    options = listbox.locator("[role=option]")
    assert await options.count() >= 2
    assert await box.get_attribute("aria-controls") == "sg"
    assert await box.get_attribute("role") == "combobox"

    await page.keyboard.press("ArrowDown")
    await playwright_api.expect(box).to_have_attribute("aria-activedescendant", "o0")
    await playwright_api.expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    await page.keyboard.press("ArrowDown")
    await playwright_api.expect(box).to_have_attribute("aria-activedescendant", "o1")
    await page.keyboard.press("ArrowUp")
    await playwright_api.expect(box).to_have_attribute("aria-activedescendant", "o0")
    await playwright_api.expect(options.nth(1)).to_have_attribute("aria-selected", "false")

    await page.keyboard.press("Escape")  # closes, keeps what was typed
    await playwright_api.expect(box).to_have_attribute("aria-expanded", "false")
    assert await box.get_attribute("aria-activedescendant") is None
    assert await box.input_value() == "truyen co"

    await page.keyboard.press("ArrowDown")  # reopens on the first suggestion
    await playwright_api.expect(box).to_have_attribute("aria-expanded", "true")
    await playwright_api.expect(box).to_have_attribute("aria-activedescendant", "o0")
    await page.keyboard.press("Tab")  # TAB leaves without choosing
    await playwright_api.expect(box).to_have_attribute("aria-expanded", "false")
    assert await box.input_value() == "truyen co"
    assert (await page.evaluate(ACTIVE))["tag"] == "BUTTON"

    await page.keyboard.press("Shift+Tab")
    await page.keyboard.type(" dan", delay=30)
    await playwright_api.expect(box).to_have_attribute("aria-expanded", "true")
    await page.keyboard.press("ArrowDown")
    chosen = await options.nth(0).text_content()
    await page.keyboard.press("Enter")  # Enter chooses and searches
    assert await box.input_value() == chosen
    await playwright_api.expect(box).to_have_attribute("aria-expanded", "false")
    await playwright_api.expect(page.locator("mucluc-search .h button.t").first).to_have_text(
        chosen
    )
    assert page.errors == []


async def test_without_a_suggest_endpoint_the_box_still_searches(page, servers) -> None:
    await open_host(page, servers, api=servers["bare"])
    box = page.locator("mucluc-search #q")
    await box.press_sequentially("truyen kieu", delay=30)
    await page.wait_for_timeout(400)
    await playwright_api.expect(box).to_have_attribute("aria-expanded", "false")
    await box.press("Enter")
    await playwright_api.expect(page.locator("mucluc-search .h button.t").first).to_have_text(
        "Truyện Kiều"
    )
    # The first 404 stops further suggestion requests. Which prefix of the typing it asked for
    # depends on the debounce and the machine's speed, so only its kind is checked.
    (refused,) = page.errors
    # (suggestions start at two characters: the earliest request possible is for "tr")
    assert refused.startswith(f"404 {servers['bare']}/api/v1/suggest?q=tr"), refused
    await box.press_sequentially(" nguyen du", delay=30)
    await page.wait_for_timeout(400)
    assert len(page.errors) == 1


async def test_pagination_by_keyboard_only(page, servers) -> None:
    await open_host(page, servers)
    assert await tab_to(page, lambda a: a["id"] == "q")
    await page.keyboard.type("truyen co dan toc thai")
    await page.keyboard.press("Enter")
    count = page.locator("mucluc-search #cnt")
    await playwright_api.expect(count).to_contain_text("trang 1/3")
    first_page = await page.locator("mucluc-search .h button.t").all_text_contents()
    assert len(first_page) == 5

    await tab_to(page, lambda a: a["text"] == "Trang sau")
    await page.keyboard.press("Enter")
    await playwright_api.expect(count).to_contain_text("trang 2/3")
    assert (await page.evaluate(ACTIVE))["id"] == "rh"  # focus moves to the results heading
    second_page = await page.locator("mucluc-search .h button.t").all_text_contents()
    assert len(second_page) == 5 and not set(first_page) & set(second_page)
    await playwright_api.expect(page.locator("mucluc-search [aria-current=page]")).to_have_text(
        "Trang 2"
    )

    await tab_to(page, lambda a: a["dataP"] == "3")
    await page.keyboard.press("Space")
    await playwright_api.expect(count).to_contain_text("trang 3/3")
    assert await page.locator("mucluc-search .h").count() == site.FOLK_TALES - 10
    assert await page.locator("mucluc-search nav button", has_text="Trang sau").is_disabled()


async def test_record_details_open_from_the_keyboard(page, servers) -> None:
    await open_host(page, servers)
    await search(page, "Truyện Kiều")
    await tab_to(page, lambda a: a["text"] == "Truyện Kiều")
    await page.keyboard.press("Enter")
    title = page.locator("mucluc-search .h button.t").first
    await playwright_api.expect(title).to_have_attribute("aria-expanded", "true")
    details = page.locator("mucluc-search .h .d").first
    await playwright_api.expect(details).to_contain_text("Nguyễn Du")
    await playwright_api.expect(details).to_contain_text("Ký hiệu xếp giá 895.9221 NG-D")
    await playwright_api.expect(details).to_contain_text("Mã biểu ghi TG-0042")
    await page.keyboard.press("Enter")
    await playwright_api.expect(details).to_be_hidden()


async def test_facets_filter_and_keep_focus(page, servers) -> None:
    await open_host(page, servers)
    await search(page, "de men phieu luu ky")
    facet = page.locator("mucluc-search input[data-k='library:THPT-PHT']")
    await facet.focus()
    await page.keyboard.press("Space")
    await playwright_api.expect(page.locator("mucluc-search .h")).to_have_count(1)
    assert (await page.evaluate(ACTIVE))["tag"] == "INPUT"  # focus survives the re-render
    await playwright_api.expect(facet).to_be_checked()
    await page.locator("mucluc-search .x").press("Enter")  # clear filters
    await playwright_api.expect(facet).not_to_be_checked()
    assert "null" not in await page.locator("mucluc-search .w").text_content()


async def test_year_range_filter(page, servers) -> None:
    await open_host(page, servers)
    await search(page, "truyen co dan toc thai")
    await page.locator("mucluc-search input[data-k='y:2000-2009']").check()
    await playwright_api.expect(page.locator("mucluc-search #cnt")).to_contain_text(
        "Tìm thấy 3 kết quả"
    )


async def test_empty_state_offers_the_api_suggestion(page, servers) -> None:
    import aiohttp

    query = "truyen kiew"
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{servers['api']}/api/v1/search", params={"q": query}) as response:
            expected = await response.json()
    await open_host(page, servers)
    await search(page, query)
    assert expected["total"] == 0, "the misspelling must find nothing for this test to mean much"
    empty = page.locator("mucluc-search #emp")
    await playwright_api.expect(empty).to_contain_text(f"Không tìm thấy kết quả nào cho “{query}”.")
    assert "null" not in await page.locator("mucluc-search .w").text_content()
    assert expected["suggestion"], "the API must offer a spelling for the widget to show"
    await playwright_api.expect(empty).to_contain_text(
        f"Có phải bạn muốn tìm {expected['suggestion']}?"
    )
    await empty.locator("button").press("Enter")
    await playwright_api.expect(page.locator("mucluc-search .h").first).to_be_visible()


async def test_hostile_host_css_cannot_reach_inside(page, servers) -> None:
    await open_host(page, servers)
    assert servers["host"] != servers["api"]  # two origins: the searches below cross them
    await search(page, "truyen kieu")
    style = await page.evaluate("""() => {
      const root = document.querySelector('mucluc-search').shadowRoot;
      const css = (sel) => getComputedStyle(root.querySelector(sel));
      const host = getComputedStyle(document.querySelector('mucluc-search'));
      return {host: host.display, hostColor: host.color,
              title: [css('.h button.t').color, css('.h button.t').fontSize],
              holdings: [css('.ho').display, css('.ho').color, css('.ho').fontSize],
              input: [css('#q').display, css('#q').fontSize],
              inputWidth: root.querySelector('#q').getBoundingClientRect().width};
    }""")
    assert style["host"] == "block"
    assert style["hostColor"] != "rgb(255, 0, 0)"
    assert style["title"] == ["rgb(11, 92, 173)", "17.6px"]
    assert style["holdings"] == ["block", "rgb(27, 27, 27)", "16px"]
    assert style["input"] == ["block", "16px"]
    assert style["inputWidth"] > 600


async def test_english_strings_on_request(page, servers) -> None:
    await open_host(page, servers, lang="en")
    await playwright_api.expect(page.locator("mucluc-search label.l")).to_have_text(
        "Search the libraries' catalogue"
    )
    await search(page, "truyen kieu")
    await playwright_api.expect(page.locator("mucluc-search .ho").first).to_contain_text(
        "Available at: Thư viện tỉnh Điện Biên (895.9221 NG-D, 3 copies)"
    )
    assert await page.locator("mucluc-search .w").get_attribute("lang") == "en"


async def test_library_attribute_is_the_default_filter(page, servers) -> None:
    await open_host(page, servers, library="TGI")
    await search(page, "dien bien phu")
    await playwright_api.expect(
        page.locator("mucluc-search input[data-k='library:TGI']")
    ).to_be_checked()
    await search(page, "hoa hoc")  # held only by DBI
    await playwright_api.expect(page.locator("mucluc-search #emp")).to_contain_text(
        "Không tìm thấy"
    )


async def test_link_mode_opens_the_catalogue_site(page, servers) -> None:
    await open_host(page, servers, mode="link")
    assert await page.locator("mucluc-search .m").count() == 0
    box = page.locator("mucluc-search #q")
    await box.fill("tat den")
    async with page.expect_navigation():
        await box.press("Enter")
    assert page.url.startswith(f"{servers['api']}/?q=tat+den")
    await playwright_api.expect(page.locator("mucluc-search .h button.t").first).to_have_text(
        "Tắt đèn"
    )


async def test_versioned_script_is_immutable(page, servers) -> None:
    response = await page.goto(f"{servers['api']}/")
    assert response.ok
    src = await page.locator("script[src*='/widget/']").get_attribute("src")
    script = await page.request.get(f"{servers['api']}{src}")
    assert script.headers["cache-control"] == "public, max-age=31536000, immutable"


@pytest.mark.parametrize("width", [320, 1280])
async def test_axe_finds_no_violations_and_screenshots(browser, servers, axe_script, width) -> None:
    context = await browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN")
    page = await context.new_page()
    try:
        await page.goto(f"{servers['api']}/?q=truyen+co+dan+toc")
        await page.locator("mucluc-search .h").first.wait_for()
        await page.locator("mucluc-search .h button.t").first.click()
        await page.locator("mucluc-search .h .d dl").first.wait_for()
        if width < 700:
            await page.locator("mucluc-search summary").click()
        scroll = await page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"horizontal scrolling at {width}px ({scroll}px wide)"
        ARTIFACTS.mkdir(exist_ok=True)
        shot = ARTIFACTS / f"widget-{width}.png"
        await page.screenshot(path=str(shot), full_page=True)
        await page.add_script_tag(path=str(axe_script))
        result = await page.evaluate(AXE_RUN)
        assert result == [], result
        # The listbox open, the same rules again.
        box = page.locator("mucluc-search #q")
        await box.fill("")
        await box.press_sequentially("dien bi", delay=20)
        await playwright_api.expect(box).to_have_attribute("aria-expanded", "true")
        await page.keyboard.press("ArrowDown")
        await page.screenshot(path=str(ARTIFACTS / f"widget-{width}-suggest.png"))
        result = await page.evaluate(AXE_RUN)
        assert result == [], result
    finally:
        await context.close()
