"""Issue 14 A, access: keys, sign-in, sessions, forms, on the real engine and the real API."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient
from opensearchpy import AsyncOpenSearch

from indexer.accounts import Accounts
from searchapi.console.sessions import COOKIE
from tests.catalogue import ApiClient
from tests.integration.console_helpers import console_api, console_catalogue, csrf_of, sign_in

pytestmark = pytest.mark.engine


@pytest.fixture(scope="module")
async def prefix(engine: AsyncOpenSearch, index_prefix: str):
    async with console_catalogue(engine, f"{index_prefix}-console-access") as name:
        yield name


@pytest.fixture
async def console(engine: AsyncOpenSearch, api_client: ApiClient, prefix: str):
    async with console_api(engine, api_client, prefix) as both:
        yield both


async def test_keys_are_stored_only_as_salted_hashes(
    console: tuple[TestClient, Accounts], engine: AsyncOpenSearch
) -> None:
    _, accounts = console
    key_id, key = await accounts.grant("librarian", "DBP")
    other_id, other = await accounts.grant("librarian", "DBP")
    raw = await engine.get(index=accounts.store.alias("access"), id=f"key:{key_id}")
    stored = str(raw["_source"])
    secret = key.split(".", 1)[1]
    assert secret not in stored and key not in stored
    twin = await engine.get(index=accounts.store.alias("access"), id=f"key:{other_id}")
    assert raw["_source"]["salt"] != twin["_source"]["salt"]
    assert (await accounts.verify(key)).key_id == key_id
    assert (await accounts.verify(other)).key_id == other_id
    assert await accounts.verify(key[:-1] + ("A" if key[-1] != "A" else "B")) is None
    listed = {k.key_id: k for k in await accounts.keys()}
    assert listed[key_id].library == "DBP" and listed[key_id].active


async def test_sign_in_sets_a_protected_session_cookie(
    console: tuple[TestClient, Accounts]
) -> None:
    client, accounts = console
    _, key = await accounts.grant("librarian", "DBP")
    page = await client.get("/console/sign-in")
    response = await client.post("/console/sign-in", allow_redirects=False, data={
        "key": key, "csrf": csrf_of(await page.text()), "next": "/console/"})
    assert response.status == 303
    cookie = response.cookies[COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and not cookie["secure"]
    assert key not in response.headers.get("Set-Cookie", "")
    home = await (await client.get("/console/")).text()
    assert "DBP" in home and "TGI" not in home


async def test_cookie_is_secure_behind_a_trusted_tls_proxy(
    engine: AsyncOpenSearch, api_client: ApiClient, prefix: str
) -> None:
    from searchapi.clients import parse_networks

    async with console_api(engine, api_client, prefix,
                           trusted_proxies=parse_networks("127.0.0.1")) as (client, accounts):
        _, key = await accounts.grant("admin", None)
        page = await client.get("/console/sign-in")
        response = await client.post(
            "/console/sign-in", allow_redirects=False, headers={"X-Forwarded-Proto": "https"},
            data={"key": key, "csrf": csrf_of(await page.text())})
        assert response.status == 303
        assert response.cookies[COOKIE]["secure"]


async def test_without_a_session_pages_redirect_and_the_api_answers_401(
    console: tuple[TestClient, Accounts]
) -> None:
    client, _ = console
    page = await client.get("/console/", allow_redirects=False)
    assert page.status == 303 and page.headers["Location"].startswith("/console/sign-in?next=")
    forged = await client.get("/console/", allow_redirects=False,
                              cookies={COOKIE: "abcdef012345.1700000000.nonce.sig"})
    assert forged.status == 303


@pytest.mark.parametrize("form", [
    {},  # no token at all
    {"csrf": "forged.1700000000.0000"},
    {"csrf": "x" * 22 + ".9999999999.abc"},
], ids=["missing", "forged", "from-the-future"])
async def test_a_sign_in_form_without_a_valid_token_is_refused(
    console: tuple[TestClient, Accounts], form: dict[str, str]
) -> None:
    client, accounts = console
    _, key = await accounts.grant("librarian", "DBP")
    response = await client.post("/console/sign-in", data={"key": key, **form},
                                 allow_redirects=False)
    assert response.status == 403
    assert COOKIE not in response.cookies


async def test_a_replayed_form_is_refused(console: tuple[TestClient, Accounts]) -> None:
    client, accounts = console
    _, key = await accounts.grant("librarian", "DBP")
    token = csrf_of(await (await client.get("/console/sign-in")).text())
    first = await client.post("/console/sign-in", data={"key": key, "csrf": token},
                              allow_redirects=False)
    assert first.status == 303
    client.session.cookie_jar.clear()  # the same form again, as it was first sent
    again = await client.post("/console/sign-in", data={"key": key, "csrf": token},
                              allow_redirects=False)
    assert again.status == 403
    assert "already" in await again.text()


async def test_a_form_from_another_site_is_refused(console: tuple[TestClient, Accounts]) -> None:
    client, accounts = console
    _, key = await accounts.grant("librarian", "DBP")
    token = csrf_of(await (await client.get("/console/sign-in")).text())
    response = await client.post("/console/sign-in", data={"key": key, "csrf": token},
                                 headers={"Origin": "https://evil.example"},
                                 allow_redirects=False)
    assert response.status == 403


async def test_a_revoked_key_stops_at_once_session_included(
    console: tuple[TestClient, Accounts]
) -> None:
    client, accounts = console
    key_id, key = await accounts.grant("librarian", "DBP")
    await sign_in(client, key)
    await accounts.revoke(key_id)
    page = await client.get("/console/", allow_redirects=False)
    assert page.status == 303  # the session died with its key
    assert await accounts.verify(key) is None


async def test_repeated_failures_are_slowed_then_refused(
    engine: AsyncOpenSearch, api_client: ApiClient, prefix: str
) -> None:
    from searchapi.console.state import CONSOLE

    async with console_api(engine, api_client, prefix) as (client, _):
        failures = client.server.app[CONSOLE].failures
        failures.free, failures.limit, failures.max_delay = 2, 4, 0.01
        statuses = []
        for _ in range(6):
            token = csrf_of(await (await client.get("/console/sign-in")).text())
            response = await client.post("/console/sign-in", allow_redirects=False,
                                         data={"key": "mlk_000000000000." + "a" * 43,
                                               "csrf": token})
            statuses.append(response.status)
        assert statuses == [401, 401, 401, 401, 429, 429]
        assert failures.count("127.0.0.1") == 4


async def test_sign_out_ends_the_session(console: tuple[TestClient, Accounts]) -> None:
    client, accounts = console
    _, key = await accounts.grant("admin", None)
    home = await sign_in(client, key)
    response = await client.post("/console/sign-out", data={"csrf": csrf_of(home)},
                                 allow_redirects=False)
    assert response.status == 303
    assert (await client.get("/console/", allow_redirects=False)).status == 303
