"""A closed-loop HTTP load generator, run as its own process by ``bench.api_load``.

``python -m bench.load_client SPEC.json OUT.json``. The spec names a base URL (127.0.0.1 only),
the requests (``[method, path, body or null]``, cycled in order), the number of concurrent
clients, and a bound in seconds and/or requests. Each client sends its next request as soon as
its previous answer has been read in full (closed loop); client ``c`` starts at request
``c * n / clients`` so the clients do not ask the same thing at the same moment. No new request
starts after the deadline; the ones in flight are waited for and counted.

OUT.json: every request's latency in milliseconds (successes only), the count of each non-2xx
status, transport failures, and the wall time from the first request to the last answer.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp

REQUEST_TIMEOUT = 30.0
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


async def _client(
    http: aiohttp.ClientSession,
    base: str,
    requests: list[tuple[str, str, bytes | None]],
    start: int,
    deadline: float,
    budget: list[int],
    found: dict[str, Any],
) -> None:
    i = start
    headers = {"Content-Type": "application/json"}
    while time.perf_counter() < deadline and budget[0] > 0:
        budget[0] -= 1
        method, path, body = requests[i % len(requests)]
        i += 1
        started = time.perf_counter()
        try:
            async with http.request(
                method, base + path, data=body, headers=headers if body else None
            ) as response:
                await response.read()
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            found["failures"][type(exc).__name__] += 1
            await asyncio.sleep(0.05)  # a dead target must not become a busy loop
            continue
        elapsed_ms = (time.perf_counter() - started) * 1000
        if 200 <= status < 300:
            found["latencies_ms"].append(elapsed_ms)
        else:
            found["errors"][str(status)] += 1
            found["error_latencies_ms"].append(elapsed_ms)


async def run(spec: dict[str, Any]) -> dict[str, Any]:
    base = spec["base"].rstrip("/")
    if urlsplit(base).hostname not in LOCAL_HOSTS:
        raise SystemExit(f"load_client: refusing a non-local target {base}")
    requests = [
        (method, path, body.encode("utf-8") if body is not None else None)
        for method, path, body in spec["requests"]
    ]
    clients = int(spec["concurrency"])
    seconds = float(spec.get("seconds") or 3600)
    budget = [int(spec.get("max_requests") or 10**9)]
    found: dict[str, Any] = {
        "latencies_ms": [],
        "error_latencies_ms": [],
        "errors": Counter(),
        "failures": Counter(),
    }
    connector = aiohttp.TCPConnector(limit=clients, limit_per_host=clients, force_close=False)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:
        started = time.perf_counter()
        deadline = started + seconds
        await asyncio.gather(
            *(
                _client(http, base, requests, c * len(requests) // clients, deadline, budget, found)
                for c in range(clients)
            )
        )
        wall = time.perf_counter() - started
    return {
        "concurrency": clients,
        "wall_seconds": wall,
        "completed": len(found["latencies_ms"]) + len(found["error_latencies_ms"]),
        "ok": len(found["latencies_ms"]),
        "errors": dict(found["errors"]),
        "failures": dict(found["failures"]),
        "latencies_ms": found["latencies_ms"],
    }


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m bench.load_client SPEC.json OUT.json", file=sys.stderr)
        return 2
    spec = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    result = asyncio.run(run(spec))
    Path(argv[1]).write_text(json.dumps(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
