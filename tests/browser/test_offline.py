"""The offline catalogue in Debian's Chromium with the network off: from ``file://`` and installed.

The widget's Vietnamese catalogue goes through the real loader into the real engine, the export
reads it back through the store, and the site is opened with the browser context offline. Each
query's first hit must be the API's first hit for the same catalogue: with and without diacritics,
in Telex and in VNI. As a PWA the site is served once over HTTP on 127.0.0.1, its service worker
caches it, and it must then search with the network disabled. axe-core checks WCAG 2.1 AA.
"""

from __future__ import annotations

import base64
import csv
import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from opensearchpy import AsyncOpenSearch

from indexer.store import Store
from searchapi.offline.export import export_offline
from tests.browser import widget_site as site
from tests.browser.test_widget import AXE, AXE_RUN

playwright_api = pytest.importorskip("playwright.async_api", reason="pip install playwright")

pytestmark = [pytest.mark.engine, pytest.mark.browser]

# (query, a words of the title the API's first hit must carry): unambiguous first hits.
QUERIES = [
    ("dien bien phu", "Điện Biên Phủ"),
    ("Điện Biên Phủ", "Điện Biên Phủ"),
    ("truyen kieu", "Truyện Kiều"),
    ("Truyện Kiều", "Truyện Kiều"),
    ("nguyeenx du", "Truyện Kiều"),
    ("truyeenj kieeuf", "Truyện Kiều"),
    ("truye6n5 kie6u2", "Truyện Kiều"),
    ("hoa hoc dai cuong", "Hóa học đại cương"),
    ("Hoá học", "Hóa học đại cương"),
    ("de men phieu luu ky", "Dế mèn phiêu lưu ký"),
    ("ngo tat to", "Tắt đèn"),
    ("tieengs vieetj", "Tiếng Việt 5"),
    ("so tay trong ca phe", "Sổ tay trồng cà phê"),
    ("lich su dang bo", "Lịch sử Đảng bộ"),
    ("vo nguyen giap", "Điện Biên Phủ"),
]
LISTEN = """() => {
  window.__results = [];
  document.addEventListener('mucluc-offline-results', (e) => window.__results.push(e.detail));
}"""


@pytest.fixture(scope="module")
async def catalogue(engine: AsyncOpenSearch, index_prefix: str, tmp_path_factory) -> Any:
    prefix = f"{index_prefix}-offline"
    built = await site.load_catalogue(engine, prefix, tmp_path_factory.mktemp("offline-marc"))
    yield built.prefix
    await Store(engine, prefix).drop_all()


@pytest.fixture(scope="module")
async def exported(catalogue: str, engine: AsyncOpenSearch, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("offline-site") / "site"
    summary = await export_offline(Store(engine, catalogue), out, libraries=site.LIBRARIES)
    assert summary.books == len({hit for hit in await _all_ids(engine, catalogue)})
    return out


async def _all_ids(engine: AsyncOpenSearch, prefix: str) -> list[str]:
    ids: list[str] = []
    async for hits in Store(engine, prefix).scan("union", source=False):
        ids += [hit["_id"] for hit in hits]
    return ids


@pytest.fixture(scope="module")
async def api(catalogue: str, opensearch_url: str) -> AsyncIterator[str]:
    runner, url = await site.serve_api(opensearch_url, catalogue)
    yield url
    await runner.cleanup()


@pytest.fixture(scope="module")
async def static_server(exported: Path) -> AsyncIterator[str]:
    """Any static web server: here aiohttp's, on 127.0.0.1."""
    app = web.Application()
    app.router.add_static("/van/", exported)
    runner, url = await site.start(app)
    yield f"{url}/van/index.html"
    await runner.cleanup()


@pytest.fixture
async def offline_page(browser, exported: Path) -> AsyncIterator[Any]:
    """The exported site opened from file:// in a context with the network disabled."""
    context = await browser.new_context(offline=True, locale="vi-VN", accept_downloads=True)
    page = await _open(context, exported.joinpath("index.html").as_uri())
    yield page
    await context.close()


async def _open(context: Any, url: str) -> Any:
    page = await context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.on("requestfailed", lambda r: page.errors.append(f"failed {r.url}"))
    await page.goto(url)
    await page.evaluate(LISTEN)
    return page


async def search(page: Any, text: str) -> list[str]:
    """Type ``text``, press Enter, wait for that search's results; the books' ids in order."""
    await page.fill("#q", text)
    await page.press("#q", "Enter")
    await page.wait_for_function(
        "(q) => window.__results.some((r) => r.query === q && !r.typing)", arg=text
    )
    return await page.eval_on_selector_all("#results .book", "els => els.map(e => e.dataset.id)")


async def api_hits(api: str, q: str) -> list[dict[str, Any]]:
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{api}/api/v1/search", params={"q": q}) as response:
            assert response.status == 200
            return (await response.json())["hits"]


@pytest.mark.parametrize(("query", "title"), QUERIES, ids=[q for q, _ in QUERIES])
async def test_from_file_offline_first_hit_is_the_apis(offline_page, api, query, title) -> None:
    expected = await api_hits(api, query)
    assert expected and title in expected[0]["title"], (query, [h["title"] for h in expected])
    got = await search(offline_page, query)
    assert got and got[0] == expected[0]["id"], (query, got, [h["id"] for h in expected])
    assert offline_page.errors == []


async def test_one_result_per_book_with_every_holding(offline_page, api) -> None:
    got = await search(offline_page, "dien bien phu")
    first = offline_page.locator("#results .book").first
    libraries = await first.locator(".holdings li").evaluate_all(
        "els => els.map(e => e.dataset.library)"
    )
    expected = (await api_hits(api, "dien bien phu"))[0]
    assert libraries == [h["library"] for h in expected["holdings"]]
    assert "959.704 V-G" in await first.locator(".holdings").text_content()
    assert len(got) == len(set(got))


async def test_library_facet_filters_results(offline_page) -> None:
    both = await search(offline_page, "dien bien")
    assert len(both) == 2  # Điện Biên Phủ (three libraries) and Lịch sử Đảng bộ tỉnh Điện Biên
    facet = offline_page.locator("#facet-list label", has_text="Mường Chà")
    await playwright_api.expect(facet).to_have_text("Thư viện huyện Mường Chà (1)")
    await playwright_api.expect(
        offline_page.locator("#facet-list label", has_text="Thư viện tỉnh Điện Biên")
    ).to_have_text("Thư viện tỉnh Điện Biên (2)")
    await facet.click()
    await playwright_api.expect(offline_page.locator("#results .book")).to_have_count(1)
    await playwright_api.expect(offline_page.locator("#results .book h3")).to_contain_text(
        "Điện Biên Phủ"
    )


async def test_installed_pwa_searches_with_the_network_off(browser, static_server, api) -> None:
    context = await browser.new_context(locale="vi-VN")
    try:
        page = await _open(context, static_server)
        await page.wait_for_function(
            "async () => (await navigator.serviceWorker.ready).active !== null"
        )
        cdp = await context.new_cdp_session(page)
        installability = await cdp.send("Page.getInstallabilityErrors")
        errors = {e["errorId"] for e in installability["installabilityErrors"]}
        assert errors <= {"in-incognito"}, errors  # test contexts are incognito; nothing else
        await context.set_offline(True)
        await page.reload()
        await page.evaluate(LISTEN)
        assert await page.evaluate("navigator.serviceWorker.controller !== null")
        for query in ("Điện Biên Phủ", "truyen kieu", "nguyeenx du"):
            expected = await api_hits(api, query)
            got = await search(page, query)
            assert got[0] == expected[0]["id"], query
        assert page.errors == []
    finally:
        await context.close()


async def test_requests_survive_closing_the_page_and_export_as_csv(browser, exported) -> None:
    context = await browser.new_context(offline=True, locale="vi-VN", accept_downloads=True)
    try:
        url = exported.joinpath("index.html").as_uri()
        page = await _open(context, url)
        await page.fill("#requester", "Lớp 5A, Trường Mường Thanh")
        await search(page, "de men phieu luu ky")
        button = page.locator("#results .book .request").first
        await button.click()
        await playwright_api.expect(button).to_have_attribute("aria-pressed", "true")
        await page.close()

        page = await _open(context, url)
        listed = page.locator("#request-list li")
        await playwright_api.expect(listed).to_have_count(1)
        await playwright_api.expect(listed).to_contain_text("Dế mèn phiêu lưu ký")
        async with page.expect_download() as waiting:
            await page.click("#export-csv")
        download = await waiting.value
        text = Path(await download.path()).read_text(encoding="utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text)))
        assert [r["title"] for r in rows] == ["Dế mèn phiêu lưu ký"]
        assert rows[0]["requester"] == "Lớp 5A, Trường Mường Thanh"
        assert "Thư viện tỉnh Điện Biên" in rows[0]["held_at"]
    finally:
        await context.close()


async def test_keyboard_alone_searches_and_requests(offline_page) -> None:
    page = offline_page
    for _ in range(10):
        await page.keyboard.press("Tab")
        if await page.evaluate("document.activeElement.id") == "q":
            break
    assert await page.evaluate("document.activeElement.id") == "q"
    await page.keyboard.type("tat den")
    await page.keyboard.press("Enter")
    await page.wait_for_function("() => window.__results.some((r) => !r.typing)")
    for _ in range(30):
        await page.keyboard.press("Tab")
        if await page.evaluate("document.activeElement.classList.contains('request')"):
            break
    await page.keyboard.press("Space")
    focused = page.locator("#results .book .request").first
    await playwright_api.expect(focused).to_have_attribute("aria-pressed", "true")
    assert "Tắt đèn" in await focused.text_content()  # the title is in its accessible name


# The share of a PNG screenshot's pixels in the focus outline's colour (#0b57d0), read by the
# page itself (a canvas): no image library needed.
OUTLINE_PIXELS = """async (png) => {
  const img = new Image();
  img.src = 'data:image/png;base64,' + png;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = img.width; canvas.height = img.height;
  const g = canvas.getContext('2d');
  g.drawImage(img, 0, 0);
  const d = g.getImageData(0, 0, img.width, img.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (d[i] < 70 && d[i + 1] > 60 && d[i + 1] < 120 && d[i + 2] > 160) n++;
  }
  return n / (d.length / 4);
}"""


async def test_focus_outline_is_whole_on_every_row(offline_page) -> None:
    """Rows after the first screenful are `content-visibility: auto`, which clips what they
    paint to their box: the focused request button sits at the row's left edge, and its
    outline (3 px, 2 px away) must show on that side too, as on the first rows."""
    page = offline_page
    await search(page, "truyen co dan toc thai")  # a book in many volumes: many rows
    rows = page.locator("#results .book")
    assert await rows.count() > 3  # a row past the first screenful (app.js FIRST = 3)
    shares = []
    for index in (0, await rows.count() - 1):
        button = rows.nth(index).locator(".request")
        await button.scroll_into_view_if_needed()
        await button.focus()
        await page.keyboard.press("Shift+Tab")  # focus moved by keys: :focus-visible
        await page.keyboard.press("Tab")
        assert await button.evaluate("(b) => b.matches(':focus-visible')")
        box = await button.bounding_box()
        strip = {"x": box["x"] - 5, "y": box["y"], "width": 5, "height": box["height"]}
        png = await page.screenshot(clip=strip)
        shares.append(await page.evaluate(OUTLINE_PIXELS, base64.b64encode(png).decode()))
    assert shares[0] > 0.3, shares  # the outline's left side, left of the first row's button
    assert shares[1] > 0.3, shares  # and of the last row's


ROWS = """() => [...document.querySelectorAll('#results .book')].map((row) => ({
  title: row.querySelector('h3').textContent,
  holdings: row.querySelector('.holdings').getAttribute('aria-label'),
  name: row.querySelector('.request').textContent,
  hidden: row.matches('.stale') || row.querySelector('.stale') !== null,
}))"""


async def test_typed_rows_show_their_own_books_details(offline_page) -> None:
    """A keystroke's own frame writes the first rows' titles and the next frame their details
    (holdings, request button): once the keystroke is complete, every row's details are its
    own book's and none is left hidden."""
    page = offline_page
    await page.evaluate("""() => { window.__complete = [];
      document.addEventListener('mucluc-offline-complete',
                                (e) => window.__complete.push(e.detail)); }""")
    await page.focus("#q")
    typed = ""
    for key in "dien bien phu":
        typed += key
        await page.keyboard.type(key)
        if not typed.strip():
            continue
        await page.wait_for_function(
            "(q) => window.__complete.some((d) => d.query === q)", arg=typed
        )
        rows = await page.evaluate(ROWS)
        for row in rows:
            assert not row["hidden"], (typed, row)
            assert row["holdings"].endswith(row["title"]), (typed, row)
            assert row["name"].endswith(row["title"]), (typed, row)
    assert rows and "Điện Biên Phủ" in rows[0]["title"]
    assert page.errors == []


@pytest.mark.parametrize("text", ["dien b", "nguyeenx du"])
async def test_typing_never_says_no_books_on_the_way_to_a_title(offline_page, text) -> None:
    """Typing "dien b", the books of "dien" stay listed (before, a letter that begins many
    syllables and is none emptied the list until "dien bi"); typing Telex, "nguyee" (no
    syllable yet) lists what "nguyeen" will; a letter alone shows nothing and says nothing (no
    "no books found"), as the widget suggests from two letters."""
    page = offline_page
    await page.focus("#q")
    typed = ""
    for key in text:
        typed += key
        await page.keyboard.type(key)
        await page.wait_for_function(
            "(q) => window.__results.some((r) => r.query === q && r.typing)", arg=typed
        )
        rows = await page.eval_on_selector_all("#results .book", "els => els.length")
        status = await page.text_content("#status")
        if len(typed) == 1:
            assert (rows, status) == (0, ""), typed
        else:
            assert rows > 0 and not status.startswith("Không tìm thấy"), (typed, status)
    assert page.errors == []


async def test_typing_paused_shows_the_full_search_done_in_slices(offline_page) -> None:
    """A typed answer scored only the words' heads (forced on this small catalogue): typing
    paused, the full search replaces it, run in slices that let keys through (here a pause at
    every 8 postings or books), and its rows are the ones Enter gives."""
    page = offline_page
    await page.evaluate("""() => Object.assign(MuclucSearch.limits,
                                               { typedPostings: 1, chunk: 8, slice: 0 })""")
    await page.fill("#q", "lich su")
    await page.wait_for_function(
        "() => window.__results.some((r) => r.query === 'lich su' && r.refined)"
    )
    typed = await page.eval_on_selector_all("#results .book", "els => els.map(e => e.dataset.id)")
    assert typed == await search(page, "lich su")
    assert page.errors == []


async def test_english_interface(browser, exported) -> None:
    context = await browser.new_context(offline=True, locale="en-GB")
    try:
        page = await _open(context, exported.joinpath("index.html").as_uri() + "?lang=en")
        assert await page.evaluate("document.documentElement.lang") == "en"
        await playwright_api.expect(page.locator("#q-label")).to_have_text(
            "Search books (title, author, subject)"
        )
        await search(page, "dien bien phu")
        await playwright_api.expect(page.locator("#status")).to_have_text(
            "1 book for “dien bien phu”"
        )
        await page.click("#lang")
        assert await page.evaluate("document.documentElement.lang") == "vi"
        await playwright_api.expect(page.locator("#status")).to_have_text(
            "1 cuốn sách cho «dien bien phu»"
        )
    finally:
        await context.close()


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("width", [320, 1280])
async def test_axe_finds_no_violations(browser, exported, width, lang) -> None:
    if not AXE.exists():
        pytest.fail("axe-core is missing: run make setup-test")
    context = await browser.new_context(offline=True, viewport={"width": width, "height": 800})
    try:
        page = await _open(context, exported.joinpath("index.html").as_uri() + f"?lang={lang}")
        await search(page, "dien bien phu")
        await page.locator("#results .book .request").first.click()
        await page.add_script_tag(path=str(AXE))
        violations = await page.evaluate(AXE_RUN)
        assert violations == [], violations
        overflow = await page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= width
    finally:
        await context.close()
