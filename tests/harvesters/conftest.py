"""Peers for harvester tests: real HTTP servers on 127.0.0.1 serving real or generated XML."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from aiohttp import web

from indexer.node import free_port
from tests.harvesters.peers import YAZ_ZTEST, listening, require


@pytest.fixture(scope="session")
def oai_fixtures(shared_data: Path) -> Path:
    return shared_data / "oai-fixtures"


FileServer = Callable[[dict[str, str]], Awaitable[str]]


@pytest.fixture
def serve_oai_files(aiohttp_server, oai_fixtures: Path) -> FileServer:
    """Start an OAI-PMH endpoint answering from recorded files; returns its base URL.

    The route table maps a resumptionToken (when the request carries one) or else the verb to a
    file under ``oai-fixtures``; requests are logged on ``app["log"]``-like list ``requests``.
    """

    async def start(routes: dict[str, str]) -> str:
        async def handler(request: web.Request) -> web.Response:
            key = request.query.get("resumptionToken") or request.query.get("verb", "")
            name = routes.get(key)
            if name is None:
                return web.Response(status=404, text=f"no fixture for {key}")
            body = (oai_fixtures / name).read_bytes()
            return web.Response(body=body, content_type="text/xml")

        app = web.Application()
        app.router.add_get("/oai", handler)
        server = await aiohttp_server(app, host="127.0.0.1")
        return str(server.make_url("/oai"))

    return start


@pytest.fixture(scope="session")
def ztest(tmp_path_factory) -> Iterator[str]:
    """A yaz-ztest process (Debian `yaz`) on a free port; its SRU base URL."""
    binary = require(YAZ_ZTEST, "yaz-ztest", "yaz")
    port = free_port()
    log = tmp_path_factory.mktemp("ztest") / "ztest.log"
    with listening([binary, "-l", str(log), f"tcp:127.0.0.1:{port}"], port, log) as url:
        yield url
