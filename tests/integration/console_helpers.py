"""Shared pieces of the console tests: the libraries they use, a console catalogue on the real
engine, keys granted through the real accounts store, and the sign-in walk through the forms."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp.test_utils import TestClient
from opensearchpy import AsyncOpenSearch

from indexer.accounts import Accounts
from indexer.store import Store
from mucluc.core.library import Library
from tests.catalogue import ApiClient, libraries

#: DBP (Điện Biên Phủ city) is the issue's example library; TGI is "another library".
CONSOLE_LIBRARIES: dict[str, Library] = {
    **libraries("DBI", "TGI"),
    "DBP": Library("DBP", "Thư viện thành phố Điện Biên Phủ", "district", "DBI"),
}
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@asynccontextmanager
async def console_catalogue(engine: AsyncOpenSearch, prefix: str) -> AsyncIterator[str]:
    """An empty catalogue (console indices included) for a module's tests; dropped on exit."""
    store = Store(engine, prefix)
    await store.drop_all()
    await store.ensure_indices()
    try:
        yield prefix
    finally:
        await store.drop_all()


@asynccontextmanager
async def console_api(
    engine: AsyncOpenSearch, api_client: ApiClient, prefix: str, **options: object
) -> AsyncIterator[tuple[TestClient, Accounts]]:
    """A fresh API app (its own throttle, limits and jobs) over the catalogue ``prefix``;
    on exit its uploads have ended and every stored record is removed again, so each test
    starts from an empty catalogue without the cost of new indices."""
    async with api_client(prefix, CONSOLE_LIBRARIES, **options) as client:
        try:
            yield client, Accounts(Store(engine, prefix))
        finally:
            from searchapi.console.state import CONSOLE

            await client.server.app[CONSOLE].runner().drain()
            await engine.delete_by_query(
                index=",".join(f"{prefix}-{kind}" for kind in ("records", "union", "tombstones")),
                body={"query": {"match_all": {}}}, refresh=True, conflicts="proceed")


def csrf_of(html: str) -> str:
    found = CSRF.findall(html)
    assert found, "the page has no form token"
    return found[-1]


async def sign_in(client: TestClient, key: str) -> str:
    """Sign in through the real form; returns the console home page's HTML."""
    page = await client.get("/console/sign-in")
    response = await client.post(
        "/console/sign-in", data={"key": key, "csrf": csrf_of(await page.text()),
                                  "next": "/console/"}, allow_redirects=False)
    assert response.status == 303, await response.text()
    home = await client.get("/console/")
    assert home.status == 200
    return await home.text()
