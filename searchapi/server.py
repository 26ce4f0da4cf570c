"""Running the API: one process or several on one port, and the JSON error shape for requests
aiohttp refuses before the application sees them.

aiohttp's HTTP parser rejects a request line with raw (unencoded) UTF-8, a malformed URL, an
oversize header or a non-HTTP byte stream itself, and answers in plain text before any
middleware runs. :class:`ApiRunner` makes those answers the API's JSON shape
(``{"error": {"code", "message"}}``): its server builds connections with
:class:`JsonErrorRequestHandler`, whose ``handle_error`` (aiohttp's documented place where a
connection turns a parse failure into a response) writes JSON instead.

Several workers: each is a process with its own event loop and its own listening socket bound
with ``SO_REUSEPORT`` to the same port, so the kernel spreads connections across them and one
worker busy with a request never holds up the others. Rate limits are per process; see
:func:`searchapi.limits.per_worker` for how the configured limit is divided among workers.
"""

from __future__ import annotations

import asyncio
import json
import logging
import multiprocessing
import os
import signal
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web
from aiohttp.web_protocol import RequestHandler

log = logging.getLogger("mucluc.api")

# Request line and header limits (aiohttp's parser enforces them, before any application code):
# the longest query string the API accepts is 4 KiB (searchapi.limits.MAX_QUERY_STRING).
MAX_LINE = 8190
MAX_FIELD = 8190
MAX_HEADERS = 64
SERVER_LIMITS: dict[str, Any] = {
    "max_line_size": MAX_LINE,
    "max_field_size": MAX_FIELD,
    "max_headers": MAX_HEADERS,
}
BAD_REQUEST = (
    "The request is not valid HTTP: the URL must be percent-encoded UTF-8, the request line and "
    f"each header at most {MAX_LINE} bytes, and at most {MAX_HEADERS} headers."
)


class JsonErrorRequestHandler(RequestHandler):
    """A connection whose protocol-level errors answer in the API's JSON error shape."""

    def handle_error(
        self,
        request: Any,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        if request.writer.output_size > 0:  # aiohttp's own rule: a started answer cannot change
            raise ConnectionError("the response was sent already; closing the connection")
        if status >= 500:
            log.error("unexpected error before the application", exc_info=exc)
            code, text = "internal_error", "Something went wrong on our side."
        else:  # the client's fault: no traceback, and never the client's address
            log.info("refused a malformed request (%s)", type(exc).__name__ if exc else status)
            code, text = "bad_request", BAD_REQUEST
        response = web.Response(
            status=status,
            text=json.dumps({"error": {"code": code, "message": text}}),
            content_type="application/json",
        )
        response.force_close()
        return response


class JsonErrorServer(web.Server):
    """aiohttp's server, with :class:`JsonErrorRequestHandler` connections."""

    def __call__(self) -> RequestHandler:
        return JsonErrorRequestHandler(self, loop=self._loop, **self._kwargs)


class ApiRunner(web.AppRunner):
    """``web.AppRunner`` with the JSON error shape and the header limits above."""

    def __init__(self, app: web.Application, **kwargs: Any) -> None:
        super().__init__(app, **{**SERVER_LIMITS, "access_log": None, **kwargs})

    async def _make_server(self) -> web.Server:
        server = await super()._make_server()
        server.__class__ = JsonErrorServer  # same state, one overridden factory method
        return server


@asynccontextmanager
async def serving(
    app: web.Application, host: str = "127.0.0.1", port: int = 0, *, reuse_port: bool = False
) -> AsyncIterator[str]:
    """Serve ``app`` until the block ends; yields its base URL (port 0 picks a free port)."""
    runner = ApiRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, host, port, reuse_port=reuse_port)
    await site.start()
    bound = runner.addresses[0][1]
    try:
        yield f"http://{host}:{bound}"
    finally:
        await runner.cleanup()


def default_workers() -> int:
    """One worker per CPU the process may use, at least one."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)


def _serve_forever(
    make_app: Callable[[], web.Application], host: str, port: int, reuse: bool
) -> None:
    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        async with serving(make_app(), host, port, reuse_port=reuse):
            await stop.wait()

    asyncio.run(run())


def run(make_app: Callable[[], web.Application], host: str, port: int, *, workers: int = 1) -> None:
    """Serve until SIGINT/SIGTERM, in this process or in ``workers`` processes on one port.

    ``make_app`` runs in each worker (after the fork), so every worker has its own engine
    client, metrics and rate-limit buckets. A worker that dies is reported and the others keep
    serving; the command returns when every worker has stopped.
    """
    if workers <= 1:
        _serve_forever(make_app, host, port, False)
        return
    context = multiprocessing.get_context("fork")
    processes = [
        context.Process(
            target=_serve_forever, args=(make_app, host, port, True), name=f"mucluc-worker-{n}"
        )
        for n in range(workers)
    ]
    previous = {s: signal.signal(s, signal.SIG_IGN) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        for process in processes:
            process.start()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)

    def stop(signum: int, _frame: object) -> None:
        for process in processes:
            if process.is_alive() and process.pid is not None:
                os.kill(process.pid, signal.SIGTERM)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    for process in processes:
        process.join()
        if process.exitcode not in (0, None, -signal.SIGTERM):
            log.warning("%s stopped with exit code %s", process.name, process.exitcode)
