"""Record pages and the catalogue's search page: server time, and first result on a phone.

On the browser tests' Vietnamese catalogue, real API and engine, in one run:

- ``GET /records/{id}`` (the book's HTML page) against ``GET /api/v1/search`` (the widget's
  search call) from Python, interleaved, so both see the same engine: p50 and p90 of each, and
  the record page's p50 over the search's (the goal: at most 2).
- The first result visible on ``/?q=…`` in Debian's Chromium at 375 px, for the old flow (the
  page, then the script, then the search, one after another: ``?ssr=0``) and the new one (the
  first results rendered in the page), unthrottled and with a slow mobile link and a slow CPU
  (``SLOW_3G`` below, 4× CPU slowdown), each the median of ``RUNS`` cold loads (a fresh browser
  context each, so nothing is cached). "Visible" is the animation frame after the first hit's
  element appears in the page (server-rendered) or the widget announces its results.

Results are printed and written to ``bench/results/record_page.json``.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
from opensearchpy import AsyncOpenSearch

from bench.common import engine_url, latency_summary, table, timed_get, write_results

QUERIES = ["dien bien phu", "truyen kieu", "truyen co dan toc thai", "hoa hoc", "tat den",
           "to hoai", "lich su dang bo", "ca phe", "tieng viet 5", "nguyen du"]  # fmt: skip
ROUNDS = 10  # HTTP rounds over every query and its first book
RUNS = 7  # cold page loads per browser condition
# A slow mobile link: every request waits 400 ms, and 400 kbit/s each way.
SLOW_3G = {"offline": False, "latency": 400, "downloadThroughput": 50_000,
           "uploadThroughput": 50_000}  # fmt: skip
CPU_SLOWDOWN = 4
FIRST_RESULT = """() => {
  window.__first = null;
  const mark = () => {
    if (window.__first === null) requestAnimationFrame(() => {
      if (window.__first === null) window.__first = performance.now();
    });
  };
  new MutationObserver(() => {
    if (document.querySelector('mucluc-search .ssr-hit')) mark();
  }).observe(document, {subtree: true, childList: true});
  document.addEventListener('mucluc-results', mark, true);
}"""




async def _server(api: str) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {"record_page": [], "search": []}
    async with aiohttp.ClientSession() as http:
        ids = []
        for q in QUERIES:
            async with http.get(f"{api}/api/v1/search", params={"q": q, "size": 5}) as response:
                ids.append((await response.json())["hits"][0]["id"])
        for _ in range(2):  # warm-up
            for q, doc_id in zip(QUERIES, ids, strict=True):
                await timed_get(http, f"{api}/records/{doc_id}")
                await timed_get(http, f"{api}/api/v1/search", q=q, size=10)
        for _ in range(ROUNDS):
            for q, doc_id in zip(QUERIES, ids, strict=True):
                timings["record_page"].append(await timed_get(http, f"{api}/records/{doc_id}"))
                search = await timed_get(http, f"{api}/api/v1/search", q=q, size=10)
                timings["search"].append(search)
    return timings


async def _first_result(browser: Any, url: str, throttled: bool) -> float:
    context = await browser.new_context(viewport={"width": 375, "height": 800}, locale="vi-VN")
    try:
        page = await context.new_page()
        await page.add_init_script(script=f"({FIRST_RESULT})()")
        if throttled:
            cdp = await context.new_cdp_session(page)
            await cdp.send("Network.enable")
            await cdp.send("Network.emulateNetworkConditions", SLOW_3G)
            await cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        await page.goto(url, wait_until="commit")
        await page.wait_for_function("window.__first !== null", timeout=60_000)
        return float(await page.evaluate("window.__first"))
    finally:
        await context.close()


async def _browser(api: str) -> dict[str, list[float]]:
    from playwright.async_api import async_playwright

    from tests.browser import widget_site as site

    measured: dict[str, list[float]] = {}
    async with async_playwright() as pw:
        browser = await site.launch(pw)
        for throttled in (False, True):
            for flow, extra in (("before", {"ssr": "0"}), ("after", {})):
                key = f"{flow}_{'slow3g_cpu4x' if throttled else 'unthrottled'}"
                measured[key] = []
                for run in range(RUNS + 1):  # the first run warms the engine and the server
                    q = QUERIES[run % len(QUERIES)]
                    url = f"{api}/?{urlencode({'q': q, **extra})}"
                    value = await _first_result(browser, url, throttled)
                    if run:
                        measured[key].append(value)
        await browser.close()
    return measured


async def run(url: str) -> dict[str, Any]:
    from indexer.store import Store
    from tests.browser import widget_site as site
    from tests.catalogue import api_app

    prefix = f"mucluc-bench-pages-{int(time.time())}"
    engine = AsyncOpenSearch(hosts=[url], timeout=60)
    runner = None
    try:
        with tempfile.TemporaryDirectory(prefix="mucluc-pages-bench-") as folder:
            await site.load_catalogue(engine, prefix, Path(folder))
        # No rate limit: the benchmark is the only client, and it asks faster than a reader.
        app = api_app(url, prefix, site.LIBRARIES, rate=1_000_000.0, burst=1_000_000.0)
        runner, api = await site.start(app)
        server = await _server(api)
        browser = await _browser(api)
    finally:
        if runner is not None:
            await runner.cleanup()
        await Store(engine, prefix).drop_all()
        await engine.close()
    results: dict[str, Any] = {
        "queries": QUERIES,
        "record_page": latency_summary(server["record_page"]),
        "search": latency_summary(server["search"]),
        "first_result": {key: latency_summary(values) for key, values in browser.items()},
        "samples_ms": {**server, **browser},
        "slow_3g": SLOW_3G,
        "cpu_slowdown": CPU_SLOWDOWN,
        "viewport": "375x800",
        "browser": "Debian chromium, headless",
    }
    results["record_over_search_p50"] = (
        results["record_page"]["p50_ms"] / results["search"]["p50_ms"]
    )
    return results


def main() -> int:
    with engine_url() as url:
        results = asyncio.run(run(url))
    rows = [
        [label, s["n"], s["p50_ms"], s["p90_ms"], s["min_ms"], s["max_ms"]]
        for label, s in (
            ("GET /records/{id} (HTML page)", results["record_page"]),
            ("GET /api/v1/search", results["search"]),
        )
    ]
    print(table(["request", "n", "p50 ms", "p90 ms", "min ms", "max ms"], rows))
    print(f"record page p50 / search p50: {results['record_over_search_p50']:.2f} (goal ≤ 2)")
    rows = [
        [key, s["n"], s["p50_ms"], s["min_ms"], s["max_ms"]]
        for key, s in results["first_result"].items()
    ]
    print("\nfirst result visible on /?q=… at 375 px (before: ?ssr=0, the old flow)")
    print(table(["flow, network", "runs", "median ms", "min ms", "max ms"], rows))
    print(f"results: {write_results('record_page', results)}")
    return 0
