"""Peers for harvester tests: real HTTP servers on 127.0.0.1 serving real or generated XML."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from aiohttp import web

from harvesters.transport import RetryPolicy
from indexer.node import free_port

YAZ_ZTEST = shutil.which("yaz-ztest")

#: Quick retries: the tests inject faults on purpose and must not wait real backoff times.
FAST = RetryPolicy(attempts=4, backoff=0.01, max_backoff=0.05, max_retry_after=2.0, timeout=10)


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


def require(binary: str | None, name: str, package: str) -> str:
    """The path of a peer `make test` installs; a clear failure (not a skip) when it is missing."""
    if binary is None:
        pytest.fail(f"{name} is not installed: run `make test`, which installs Debian `{package}`")
    return binary


@contextmanager
def listening(
    command: list[str], port: int, log: Path, *, cwd: Path | None = None
) -> Iterator[str]:
    """Run a server process until it accepts connections on ``port``; its SRU base URL."""
    proc = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    name = Path(command[0]).name
    try:
        for _ in range(100):
            if proc.poll() is not None:
                logged = log.read_text(errors="replace") if log.exists() else ""
                pytest.fail(f"{name} exited: {logged}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        else:
            pytest.fail(f"{name} did not start listening")
        yield f"http://127.0.0.1:{port}/Default"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def ztest(tmp_path_factory) -> Iterator[str]:
    """A yaz-ztest process (Debian `yaz`) on a free port; its SRU base URL."""
    binary = require(YAZ_ZTEST, "yaz-ztest", "yaz")
    port = free_port()
    log = tmp_path_factory.mktemp("ztest") / "ztest.log"
    with listening([binary, "-l", str(log), f"tcp:127.0.0.1:{port}"], port, log) as url:
        yield url
