"""One real three-node OpenSearch cluster for the fault and backup tests of the session.

The cluster runs from the same cached distribution as the session node, on 127.0.0.1 with
random ports and a temporary directory, heaps of 512 MiB. Tests kill its nodes with SIGKILL and
start them again; the `cluster` fixture hands each test a whole, green cluster. Setting
MUCLUC_TEST_CLUSTER_DIR to the directory of a cluster started with
``mucluc opensearch start --nodes 3`` reuses it (it is left running).

Every test using these carries ``@pytest.mark.cluster`` (the root conftest checks it).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from indexer import cluster_nodes

HEAP = "512m"


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
        cluster_nodes.start_cluster(self.base, len(self.names), heap=HEAP, repo=self.repo)

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


@pytest.fixture(scope="session")
def three_nodes() -> Iterator[Cluster]:
    reused = os.environ.get("MUCLUC_TEST_CLUSTER_DIR", "")
    if reused:
        base = Path(reused)
        state = cluster_nodes.ClusterState.load(base)
        assert state is not None and state.repo, f"no recorded cluster with path.repo in {base}"
        yield Cluster(base, Path(state.repo))
        return
    base = Path(tempfile.mkdtemp(prefix="mucluc-test-cluster-", dir="/tmp"))
    repo = base / "backups"
    try:
        cluster_nodes.start_cluster(base, 3, heap=HEAP, repo=repo)
        yield Cluster(base, repo)
    finally:
        cluster_nodes.stop_cluster(base)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def cluster(three_nodes: Cluster) -> Cluster:
    """The session's cluster with every node up and green (a test before may have killed one)."""
    if len(three_nodes.up()) < len(three_nodes.names):
        three_nodes.start_all()
    three_nodes.green()
    return three_nodes
