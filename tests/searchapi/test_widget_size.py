"""The widget's size budget and how its files are served (no engine needed: nothing connects)."""

from __future__ import annotations

import gzip
import re

from aiohttp.test_utils import TestClient, TestServer

from mucluc.core.library import Library
from searchapi.app import create_app
from searchapi.widget import ASSETS, IMMUTABLE

BUDGET = 15 * 1024  # JS + CSS, gzipped
LIBRARIES = {"DBI": Library("DBI", "Thư viện tỉnh Điện Biên", "provincial")}


def test_widget_fits_the_gzip_budget() -> None:
    files = sorted([*ASSETS.glob("*.js"), *ASSETS.glob("*.css")])
    assert [f.name for f in files] == ["widget.js"]  # the CSS lives inside the script
    total = sum(len(gzip.compress(f.read_bytes(), compresslevel=9)) for f in files)
    assert total <= BUDGET, f"widget is {total} bytes gzipped, over the {BUDGET}-byte budget"


def test_widget_makes_no_third_party_requests() -> None:
    source = (ASSETS / "widget.js").read_text(encoding="utf-8")
    assert not re.search(r"https?://", source.replace("http://www.w3.org", ""))
    assert "import(" not in source and "@import" not in source


async def _client() -> TestClient:
    client = TestClient(TestServer(create_app("http://127.0.0.1:9", "unused", LIBRARIES)))
    await client.start_server()
    return client


async def test_script_urls_and_their_caching() -> None:
    client = await _client()
    try:
        plain = await client.get("/widget.js")
        assert plain.status == 200
        assert plain.headers["Content-Type"].startswith("application/javascript")
        assert plain.headers["Cache-Control"] == "public, max-age=300"
        body = await plain.read()
        assert b'customElements.define("mucluc-search"' in body

        page = await client.get("/")
        html = await page.text()
        assert page.status == 200 and 'lang="vi"' in html
        versioned = re.search(r'src="(/widget/[0-9a-f]{16}/widget\.js)"', html).group(1)
        pinned = await client.get(versioned)
        assert pinned.status == 200
        assert pinned.headers["Cache-Control"] == IMMUTABLE
        assert await pinned.read() == body

        stale = await client.get("/widget/0000000000000000/widget.js")
        assert stale.status == 404
        assert (await stale.json())["error"]["code"] == "not_found"

        zipped = await client.get(
            "/widget.js", headers={"Accept-Encoding": "gzip"}, auto_decompress=False
        )
        assert zipped.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(await zipped.read()) == body
    finally:
        await client.close()
