"""The floor of the API's CPU per answer: a bare aiohttp server relaying each search to the engine.

``python -m bench.relay_server SPEC.json``. The spec names the engine, a port, a number of worker
processes (sharing the port with ``SO_REUSEPORT``, as ``mucluc serve`` does) and, for each query
string the load client sends to ``/api/v1/search``, the engine request our handler builds for it
(index and JSON body). No middleware, no parsing or shaping: one aiohttp client POST with
kept-alive connections and no ``Accept-Encoding`` (as the store's connection sends it), and the
engine's bytes answered as they came. What the API spends above this is ours, not aiohttp's.
"""

from __future__ import annotations

import json
import multiprocessing
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
from aiohttp import web

SESSION: web.AppKey[aiohttp.ClientSession] = web.AppKey("session", aiohttp.ClientSession)
JSON = {"Content-Type": "application/json"}


def make_app(engine: str, requests: dict[str, tuple[str, bytes]]) -> web.Application:
    async def relay(request: web.Request) -> web.Response:
        index, body = requests[urlencode(list(request.query.items()))]
        async with request.app[SESSION].post(f"{engine}/{index}/_search", data=body,
                                             headers=JSON) as answer:  # fmt: skip
            return web.Response(body=await answer.read(), content_type="application/json")

    async def session(app: web.Application) -> AsyncIterator[None]:
        connector = aiohttp.TCPConnector(limit=64)
        async with aiohttp.ClientSession(
            connector=connector, skip_auto_headers=("Accept-Encoding",)
        ) as app[SESSION]:
            yield

    app = web.Application()
    app.cleanup_ctx.append(session)
    app.router.add_get("/api/v1/search", relay)
    return app


def serve(spec: dict) -> None:
    requests = {key: (index, body.encode()) for key, (index, body) in spec["requests"].items()}
    app = make_app(spec["engine"].rstrip("/"), requests)
    web.run_app(app, host="127.0.0.1", port=spec["port"], reuse_port=True, access_log=None,
                print=None)  # fmt: skip


def main(argv: list[str]) -> int:
    spec = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=serve, args=(spec,)) for _ in range(spec["workers"])]
    for worker in workers:
        worker.start()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the workers stop on it; this one waits for them
    for worker in workers:
        worker.join()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
