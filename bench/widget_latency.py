"""Widget latency: from the reader's last keystroke to results painted, in Debian's Chromium.

The widget is embedded in a host page on a second localhost origin and talks to the real API and
engine (the browser tests' Vietnamese catalogue). For each of ~20 queries:

- search: the Enter keystroke → the ``mucluc-results`` event → the next animation frame;
- suggest: the last typed character → the suggestion list shown → the next animation frame
  (this includes the widget's 150 ms debounce);
- API alone: the same search request from Python, for the share the widget adds on top.

Medians (and p90) are printed and written to ``bench/results/widget_latency.json``.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
from opensearchpy import AsyncOpenSearch

from bench.common import engine_url, table, write_results

QUERIES = [
    "dien bien phu", "Điện Biên Phủ", "truyen kieu", "Truyện Kiều", "nguyen du", "vo nguyen giap",
    "truyen co dan toc thai", "truyện cổ", "hoa hoc", "Hóa học đại cương", "de men phieu luu ky",
    "to hoai", "tat den", "ngo tat to", "lich su dang bo", "muong thanh", "hoa ban", "ca phe",
    "tieng viet 5", "9786046912347",
]  # fmt: skip
WARM_UP = 3
PROBE = """() => {
  window.__marks = {};
  const host = document.querySelector('mucluc-search');
  const root = host.shadowRoot;
  document.addEventListener('keydown', (e) => { window.__marks.key = performance.now(); }, true);
  const painted = (name) => requestAnimationFrame(() => {
    window.__marks[name] = performance.now() - window.__marks.key;
  });
  host.addEventListener('mucluc-results', () => painted('search'));
  new MutationObserver(() => {
    if (!root.getElementById('sg').hidden) painted('suggest');
  }).observe(root, {subtree: true, attributes: true, attributeFilter: ['hidden']});
}"""


def _stats(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "median_ms": statistics.median(ordered),
        "p90_ms": ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))],
        "min_ms": ordered[0],
        "max_ms": ordered[-1],
        "n": len(ordered),
    }


async def _api_alone(api: str, queries: list[str]) -> list[float]:
    timings = []
    async with aiohttp.ClientSession() as http:
        for q in queries:
            started = time.perf_counter()
            async with http.get(f"{api}/api/v1/search", params={"q": q, "page": 1, "size": 5}) as r:
                await r.read()
            timings.append((time.perf_counter() - started) * 1000)
    return timings


async def _browser(api: str, host: str, queries: list[str]) -> dict[str, list[float]]:
    from playwright.async_api import async_playwright

    from tests.browser import widget_site as site

    measured: dict[str, list[float]] = {"search": [], "suggest": []}
    async with async_playwright() as pw:
        browser = await site.launch(pw)
        page = await browser.new_page(viewport={"width": 1280, "height": 900})
        await page.goto(f"{host}/?{urlencode({'api': api})}")
        await page.wait_for_function("customElements.get('mucluc-search') !== undefined")
        await page.evaluate(PROBE)
        box = page.locator("mucluc-search #q")
        for index, q in enumerate([*queries[:WARM_UP], *queries]):
            await box.fill("")
            await page.evaluate("window.__marks = {}")
            await box.press_sequentially(q, delay=40)
            try:
                await page.wait_for_function("window.__marks.suggest !== undefined", timeout=3000)
                suggest = await page.evaluate("window.__marks.suggest")
            except Exception:  # noqa: BLE001 - no suggestion for this text
                suggest = None
            await page.evaluate("window.__marks = {}")
            await box.press("Enter")
            await page.wait_for_function("window.__marks.search !== undefined", timeout=10000)
            if index >= WARM_UP:
                measured["search"].append(await page.evaluate("window.__marks.search"))
                if suggest is not None:
                    measured["suggest"].append(suggest)
        await browser.close()
    return measured


async def run(url: str) -> dict[str, Any]:
    from indexer.store import Store
    from tests.browser import widget_site as site

    prefix = f"mucluc-bench-widget-{int(time.time())}"
    engine = AsyncOpenSearch(hosts=[url], timeout=60)
    runners = []
    try:
        with tempfile.TemporaryDirectory(prefix="mucluc-widget-bench-") as folder:
            await site.load_catalogue(engine, prefix, Path(folder))
        host_runner, host = await site.serve_host("http://127.0.0.1:1")
        runners.append(host_runner)
        api_runner, api = await site.serve_api(url, prefix, allow_origins=[host])
        runners.append(api_runner)
        measured = await _browser(api, host, QUERIES)
        # After the browser pass, so both see an equally warm engine (the same queries again).
        await _api_alone(api, QUERIES[:WARM_UP])
        api_alone = await _api_alone(api, QUERIES)
    finally:
        for runner in runners:
            await runner.cleanup()
        await Store(engine, prefix).drop_all()
        await engine.close()
    results: dict[str, Any] = {
        "queries": QUERIES,
        "search": _stats(measured["search"]),
        "api_alone": _stats(api_alone),
        "suggest": _stats(measured["suggest"]) if measured["suggest"] else None,
        "samples_ms": {**measured, "api_alone": api_alone},
        "debounce_ms": 150,
        "browser": "Debian chromium, headless",
    }
    results["widget_over_api_ratio"] = (
        results["search"]["median_ms"] / results["api_alone"]["median_ms"]
    )
    return results


def main() -> int:
    with engine_url() as url:
        results = asyncio.run(run(url))
    rows = []
    for name, label in (
        ("search", "Enter → results painted (widget)"),
        ("suggest", "last character → suggestions painted (incl. 150 ms debounce)"),
        ("api_alone", "GET /api/v1/search alone (Python client)"),
    ):
        s = results[name]
        if s:
            rows.append([label, s["n"], s["median_ms"], s["p90_ms"], s["min_ms"], s["max_ms"]])
    print(table(["measure", "queries", "median ms", "p90 ms", "min ms", "max ms"], rows))
    print(f"widget median / API median: {results['widget_over_api_ratio']:.2f}")
    print(f"results: {write_results('widget_latency', results)}")
    return 0
