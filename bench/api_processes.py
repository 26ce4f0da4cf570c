"""The processes of the API load benchmark (bench/api_load.py): `mucluc serve`, started as an
operator would (environment settings, a configuration file), and the closed-loop load client
(bench/load_client.py), each in its own process so neither steals the other's CPU.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import aiohttp

from indexer.node import free_port
from mucluc.core.library import Library

SERVER_START_SECONDS = 60


def _config(work: Path, libraries: Mapping[str, Library]) -> Path:
    path = work / "mucluc.toml"
    lines = []
    for lib in libraries.values():
        lines += ["[[library]]", f'code = "{lib.code}"', f'name = "{lib.name}"']
        lines += [f'kind = "{lib.kind}"', *([f'parent = "{lib.parent}"'] if lib.parent else [])]
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def start_server(
    url: str, work: Path, prefix: str, libraries: Mapping[str, Library]
) -> tuple[subprocess.Popen[bytes], str]:
    """`mucluc serve` in its own process on a free port, over ``prefix``; (process, base URL)."""
    port = free_port()
    env = {
        **os.environ,
        "MUCLUC_OPENSEARCH_URL": url,
        "MUCLUC_INDEX_PREFIX": prefix,
        "MUCLUC_CONFIG": str(_config(work, libraries)),
        "MUCLUC_RATE_LIMIT": "100000,100000",
        "MUCLUC_CORS_ORIGINS": "",
    }
    log = (work / "serve.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "mucluc", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return process, f"http://127.0.0.1:{port}"


async def wait_healthy(process: subprocess.Popen[bytes], api: str, work: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=3)) as http:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                log = (work / "serve.log").read_text(encoding="utf-8", errors="replace")
                raise RuntimeError(f"mucluc serve exited ({process.returncode}):\n{log[-2000:]}")
            try:
                async with http.get(f"{api}/health") as response:
                    if response.status == 200:
                        return
            except (aiohttp.ClientError, TimeoutError):
                pass
            await asyncio.sleep(0.3)
    raise RuntimeError(f"mucluc serve did not answer /health within {SERVER_START_SECONDS} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def run_client(
    work: Path, name: str, base: str, requests: list[list[Any]], clients: int, seconds: float,
    max_requests: int | None = None,
) -> dict[str, Any]:
    """One closed-loop run of the load client against ``base``: ``seconds`` long, or until
    ``max_requests`` answers when given (whichever comes first)."""
    spec, out = work / f"{name}-{clients}.spec.json", work / f"{name}-{clients}.out.json"
    spec.write_text(
        json.dumps(
            {"base": base, "requests": requests, "concurrency": clients, "seconds": seconds,
             "max_requests": max_requests},
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.load_client", str(spec), str(out)],
        cwd=Path(__file__).resolve().parents[1],
        start_new_session=True,
    )
    try:
        code = process.wait(timeout=seconds + 60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
        raise RuntimeError(f"the load client for {name} at {clients} overstayed") from None
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
    if code != 0:
        raise RuntimeError(f"the load client for {name} at {clients} failed ({code})")
    return json.loads(out.read_text(encoding="utf-8"))


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) used so far by process ``pid`` and its live children (the
    API's workers): what our Python costs per request, whatever else the machine runs."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended meanwhile
        # After the command: state, ppid, … utime and stime are the 14th and 15th fields.
        if int(stat.parent.name) == pid or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def engine_cpu_seconds(url: str) -> float:
    """CPU seconds the engine's nodes have used (``_nodes/stats/process``)."""
    with urllib.request.urlopen(f"{url}/_nodes/stats/process", timeout=30) as answer:
        nodes = json.loads(answer.read())["nodes"]
    return sum(node["process"]["cpu"]["total_in_millis"] for node in nodes.values()) / 1000


def engine_searches(url: str) -> float:
    """Searches the engine's shards have run so far (``_nodes/stats/indices/search``
    ``query_total``): with the catalogue on one shard, the engine searches per answer."""
    with urllib.request.urlopen(f"{url}/_nodes/stats/indices/search", timeout=30) as answer:
        nodes = json.loads(answer.read())["nodes"]
    return float(sum(node["indices"]["search"]["query_total"] for node in nodes.values()))
