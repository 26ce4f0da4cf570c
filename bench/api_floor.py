"""The API's CPU per answer against its floor: `mucluc serve` vs a bare aiohttp relay vs the engine.

``python -m bench.api_floor`` (not part of ``make bench``: a measurement for whoever works on
the API's own cost). The same catalogue, query mix, load client and engine bodies as
``bench.api_load``; three targets driven in turn, in ``MUCLUC_BENCH_API_ROUNDS`` rounds of
``MUCLUC_BENCH_API_SECONDS`` per target and level (``MUCLUC_BENCH_API_LEVELS``, default 16),
the order rotated every round:

* ``ours``: ``GET /api/v1/search`` of `mucluc serve` (its default workers);
* ``floor``: the same GETs to `bench.relay_server` (as many workers), which only relays the
  engine request our handler builds for each and answers the engine's bytes as they came;
* ``direct``: the engine requests straight to the engine.

Per target and round: answers per second, p50, the CPU per answer of the serving processes (from
``/proc``) and of the engine (``_nodes/stats``), engine searches per answer. The floor's CPU is
what aiohttp's server and client cost around one engine request; ours above it is our own.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.api_load import (
    LIBS,
    PREFIX_NAME,
    ROUNDS,
    SECONDS,
    UNION,
    WARM_UP_SECONDS,
    CpuMeters,
    _run,
    prepare,
)
from bench.api_processes import (
    cpu_seconds,
    engine_cpu_seconds,
    engine_searches,
    run_client,
    start_server,
    stop,
    wait_healthy,
)
from bench.common import engine_url, table, write_results
from indexer.node import free_port
from mucluc.cli.serve import workers

LEVELS = tuple(int(c) for c in os.environ.get("MUCLUC_BENCH_API_LEVELS", "16").split(","))
FIGURES = ("req_per_s", "p50_ms", "api_cpu_ms", "engine_cpu_ms", "engine_searches")


def start_relay(url: str, work: Path, mix: list[dict[str, Any]], bodies: list[Any]) -> tuple[
    subprocess.Popen[bytes], str
]:
    port = free_port()
    spec = work / "relay.json"
    requests = {urlencode(q["params"]): [UNION, json.dumps(b, ensure_ascii=False)]
                for q, b in zip(mix, bodies, strict=True)}  # fmt: skip
    spec.write_text(json.dumps({"engine": url, "port": port, "workers": workers(None),
                                "requests": requests}), encoding="utf-8")  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.relay_server", str(spec)],
        cwd=Path(__file__).resolve().parents[1],
        stdout=(work / "relay.log").open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return process, f"http://127.0.0.1:{port}"


def stop_relay(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)  # its own session: the relay and its workers
        process.wait(timeout=20)


def measure(url: str, work: Path) -> dict[str, Any]:
    _catalogue, mix, bodies = asyncio.run(prepare(url, work))
    gets = [["GET", "/api/v1/search?" + urlencode(q["params"]), None] for q in mix]
    posts = [["POST", f"/{UNION}/_search", json.dumps(b, ensure_ascii=False)] for b in bodies]
    server, api = start_server(url, work, PREFIX_NAME, LIBS)
    relay, floor = start_relay(url, work, mix, bodies)
    try:
        asyncio.run(wait_healthy(server, api, work))
        engine = partial(engine_cpu_seconds, url)
        searches = partial(engine_searches, url)
        targets = {
            "ours": ((api, gets), CpuMeters(partial(cpu_seconds, server.pid), engine, searches)),
            "floor": ((floor, gets), CpuMeters(partial(cpu_seconds, relay.pid), engine, searches)),
            "direct": ((url, posts), CpuMeters(lambda: 0.0, engine, searches)),
        }
        for name, ((base, requests), _) in targets.items():
            run_client(work, f"warmup-{name}", base, requests, 4, 600, len(requests))
            run_client(work, f"warmup-{name}", base, requests, 4, WARM_UP_SECONDS)
        levels = []
        for clients in LEVELS:
            load_before = os.getloadavg()[0]
            rounds: dict[str, list[dict[str, Any]]] = {name: [] for name in targets}
            names = list(targets)
            for number in range(ROUNDS):
                for name in names[number % 3:] + names[: number % 3]:
                    target, cpu = targets[name]
                    found = _run(work, name, target, clients, cpu)
                    rounds[name].append({k: found[k] for k in (*FIGURES, "non_2xx")})
                    print(f"{clients:>3} clients, round {number + 1}, {name}: "
                          f"{found['req_per_s']:.0f} req/s, p50 {found['p50_ms']:.1f} ms, "
                          f"CPU per answer {found['api_cpu_ms']:.2f} ms + engine "
                          f"{found['engine_cpu_ms']:.2f} ms, {found['non_2xx']} non-2xx",
                          flush=True)  # fmt: skip
            levels.append({
                "concurrency": clients,
                "load_average": [load_before, os.getloadavg()[0]],
                "rounds": rounds,
                "medians": {name: {k: statistics.median(r[k] for r in found)
                                   for k in FIGURES} for name, found in rounds.items()},
            })  # fmt: skip
    finally:
        stop_relay(relay)
        stop(server)
    return {"queries": len(mix), "rounds": ROUNDS, "seconds_per_run": SECONDS, "levels": levels}


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="mucluc-bench-floor-") as tmp, engine_url() as url:
        results = measure(url, Path(tmp))
    rows = []
    for level in results["levels"]:
        for name, found in level["medians"].items():
            rows.append([level["concurrency"], name, *(found[k] for k in FIGURES)])
    print(table(["clients", "target", "req/s", "p50 ms", "serving CPU ms/answer",
                 "engine CPU ms/answer", "engine searches/answer"], rows))  # fmt: skip
    print("load average " + ", ".join(
        f"{a:.1f}→{b:.1f}" for a, b in (lv["load_average"] for lv in results["levels"])))
    print(f"results: {write_results('api_floor', results)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
