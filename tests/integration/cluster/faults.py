"""Helpers of the cluster fault tests: the catalogue's exact content, the node holding a primary,
`mucluc` in a subprocess, and the table row each fault test adds to ``cluster-faults.json``."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pymarc
from opensearchpy import AsyncOpenSearch

from indexer import cluster_nodes
from indexer.store.client import close_client, make_client
from tests.marc_builders import book

REPO = Path(__file__).resolve().parents[3]
HEAP = "512m"
JAVA_OPTIONS = ("-XX:TieredStopAtLevel=1",)
"""C1 compiler only: a node of the test cluster boots to green in about half the time (three
nodes from nothing 46 s -> 29 s, a full restart 50 s -> 25 s on the 2-core machine); the tests
measure recovery, not the engine's peak speed."""
QUERIES = ("Điện Biên", "dien bien", "sách số 7", "Nguyễn Văn A", "nguyen van a", "số 12")
"""The fixed query list: answered identically before, during and after a fault."""
TABLE = Path(os.environ.get("MUCLUC_FAULT_TABLE", "/tmp/mucluc-cluster-faults.jsonl"))


@dataclass
class Cluster:
    """The test session's cluster: its nodes' URLs, and SIGKILL / start of one node or all."""

    base: Path
    repo: Path
    greens: list[float] = field(default_factory=list)

    @property
    def state(self) -> cluster_nodes.ClusterState:
        found = cluster_nodes.ClusterState.load(self.base)
        assert found is not None
        return found

    @property
    def names(self) -> list[str]:
        return [member.name for member in self.state.nodes]

    @property
    def url(self) -> str:
        """Every node, comma-separated, as MUCLUC_OPENSEARCH_URL takes them."""
        return ",".join(self.state.urls)

    def node_url(self, name: str) -> str:
        return self.state.member(name).url

    def up(self) -> list[str]:
        return [row["name"] for row in cluster_nodes.node_rows(self.base) if row["up"]]

    def kill(self, name: str) -> None:
        cluster_nodes.kill_node(self.base, name)

    def kill_all(self) -> None:
        for name in self.names:
            cluster_nodes.kill_node(self.base, name)

    def start(self, name: str) -> None:
        cluster_nodes.start_node(self.base, name)

    def start_all(self) -> None:
        cluster_nodes.start_cluster(
            self.base, len(self.names), heap=HEAP, repo=self.repo, java_options=JAVA_OPTIONS
        )

    def restart(self, name: str) -> float:
        """Start a killed node again; returns the seconds from the start to a green cluster."""
        started = time.monotonic()
        self.start(name)
        self.green()
        return time.monotonic() - started

    def restart_all(self) -> float:
        """Start every node again; returns the seconds from the start to a green cluster."""
        started = time.monotonic()
        self.start_all()
        self.green()
        return time.monotonic() - started

    def green(self) -> float:
        """Wait for green on a node that is up; returns (and records) the seconds waited."""
        up = self.up()
        assert up, "no node is up"
        waited = cluster_nodes.wait_for_status(self.node_url(up[0]), "green", timeout=300)
        self.greens.append(waited)
        return waited

    def wipe(self) -> None:
        """Stop every node and destroy every node's data directory (a lost cluster)."""
        cluster_nodes.stop_cluster(self.base)
        for member in self.state.nodes:
            shutil.rmtree(Path(member.directory) / "data", ignore_errors=True)


def books(code: str, count: int, *, start: int = 0) -> list[pymarc.Record]:
    """``count`` distinct books of library ``code`` (one holding each)."""
    return [
        book(f"{code}-{n}", f"Sách số {n} về Điện Biên", author="Nguyễn Văn A", copies=1)
        for n in range(start, start + count)
    ]


@dataclass
class Content:
    """What the catalogue holds: raw records, books, and every holding (library, record id)."""

    records: int
    books: int
    holdings: Counter[tuple[str, str]]

    @property
    def duplicated(self) -> int:
        return sum(count - 1 for count in self.holdings.values() if count > 1)


def client(url: str) -> AsyncOpenSearch:
    return make_client(url, timeout=60)


async def content(url: str, prefix: str) -> Content:
    engine = client(url)
    try:
        await engine.indices.refresh(index=f"{prefix}-*")
        records = (await engine.count(index=f"{prefix}-records"))["count"]
        holdings: Counter[tuple[str, str]] = Counter()
        books = 0
        response = await engine.search(
            index=f"{prefix}-union", scroll="2m", size=500,
            body={"_source": ["holdings"], "query": {"match_all": {}}},
        )
        while response["hits"]["hits"]:
            for hit in response["hits"]["hits"]:
                books += 1
                for holding in hit["_source"].get("holdings", []):
                    holdings[(holding["library"], holding["record_id"])] += 1
            response = await engine.scroll(scroll_id=response["_scroll_id"], scroll="2m")
        await engine.clear_scroll(scroll_id=response["_scroll_id"])
        return Content(records, books, holdings)
    finally:
        await close_client(engine)


async def count_records(url: str, prefix: str) -> int:
    engine = client(url)
    try:
        response = await engine.count(index=f"{prefix}-records", ignore=404)
        return int(response.get("count", 0))
    finally:
        await close_client(engine)


async def primary_holder(url: str, index: str) -> str:
    """The name of the node holding the primary shard of ``index`` (an alias or a name)."""
    engine = client(url)
    try:
        shards = await engine.cat.shards(index=index, format="json")
    finally:
        await close_client(engine)
    return next(s["node"] for s in shards if s["prirep"] == "p" and s["state"] == "STARTED")


async def mucluc(*args: str, env: dict[str, str],
                 started: list[asyncio.subprocess.Process] | None = None,
                 timeout: float = 900) -> tuple[int, str, str]:
    """Run ``python -m mucluc ARGS`` with ``env`` added; (exit status, stdout, stderr)."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "mucluc", *args, cwd=REPO, env={**os.environ, **env},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    if started is not None:
        started.append(proc)
    stdout, stderr = await asyncio.wait_for(proc.communicate(), timeout=timeout)
    return proc.returncode or 0, stdout.decode(), stderr.decode()


def workspace(folder: Path, config: str, url: str, prefix: str) -> dict[str, str]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mucluc.toml").write_text(config, encoding="utf-8")
    return {
        "MUCLUC_CONFIG": str(folder / "mucluc.toml"),
        "MUCLUC_OPENSEARCH_URL": url,
        "MUCLUC_INDEX_PREFIX": prefix,
        "MUCLUC_HOME": str(folder / "home"),
    }


@dataclass
class Row:
    """One line of the closing note's table (measured, written as JSON lines to TABLE)."""

    fault: str
    injected: str
    searches_attempted: int = 0
    searches_failed: int = 0
    records_expected: int = 0
    records_indexed: int = 0
    duplicated: int = 0
    seconds_to_green: float = 0.0

    def write(self) -> None:
        with TABLE.open("a", encoding="utf-8") as out:
            out.write(json.dumps(asdict(self), ensure_ascii=False) + "\n")
