"""A local cluster of several OpenSearch nodes on 127.0.0.1 (``mucluc opensearch start --nodes 3``).

Every node runs from the same shared installation (:mod:`indexer.distribution`) with its own
directory ``<base>/node-<n>`` (config, data, logs), its own HTTP and transport ports, and the
same seed hosts and bootstrap cluster managers, so the nodes find each other and elect a
cluster manager. What was started is written to ``<base>/cluster.json``: later commands (status,
stop, the engine URL every command uses) read it, and a killed node is started again with the
same ports and data.

Callers may rely on: :func:`start_cluster` returns only when every node answers and the cluster
has all its nodes; :func:`kill_node` is a real ``SIGKILL`` (the fault tests use it);
:func:`start_node` brings one node back into the running cluster.
"""

from __future__ import annotations

import json
import os
import signal
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from indexer import node
from indexer.distribution import OPENSEARCH_VERSION
from mucluc.core.errors import NodeError

CLUSTER_FILE = "cluster.json"
START_TIMEOUT_S = 600.0
"""Several JVMs starting at once on a small shared machine take minutes, not seconds."""


@dataclass
class ClusterNode:
    """One node of the local cluster as recorded in ``cluster.json``."""

    name: str
    directory: str
    http_port: int
    transport_port: int
    pid: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"


@dataclass
class ClusterState:
    """The local cluster: its nodes, their heap, extra JVM flags and the snapshot folder they
    share."""

    heap: str
    nodes: list[ClusterNode] = field(default_factory=list)
    repo: str = ""
    java_options: list[str] = field(default_factory=list)
    version: str = OPENSEARCH_VERSION

    @property
    def urls(self) -> list[str]:
        return [member.url for member in self.nodes]

    def spec(self, member: ClusterNode) -> node.NodeSpec:
        """The node's launch description: same seeds and bootstrap managers for every node."""
        return node.NodeSpec(
            Path(member.directory),
            member.http_port,
            member.transport_port,
            self.heap,
            name=member.name,
            seed_hosts=tuple(f"127.0.0.1:{m.transport_port}" for m in self.nodes),
            cluster_managers=tuple(m.name for m in self.nodes),
            repo=Path(self.repo) if self.repo else None,
            java_options=tuple(self.java_options),
        )

    def member(self, name: str) -> ClusterNode:
        for member in self.nodes:
            if member.name == name:
                return member
        raise NodeError(f"the local cluster has no node {name!r}")

    def save(self, base: Path) -> None:
        tmp = base / f"{CLUSTER_FILE}.tmp"
        tmp.write_text(json.dumps(asdict(self), indent=2))
        tmp.replace(base / CLUSTER_FILE)

    @classmethod
    def load(cls, base: Path) -> ClusterState | None:
        try:
            raw = json.loads((base / CLUSTER_FILE).read_text())
            raw["nodes"] = [ClusterNode(**member) for member in raw.get("nodes", [])]
            return cls(**raw)
        except (OSError, ValueError, TypeError):
            return None


def start_cluster(
    base: Path,
    count: int = 3,
    *,
    heap: str,
    repo: Path | None = None,
    java_options: Sequence[str] = (),
    timeout: float = START_TIMEOUT_S,
) -> ClusterState:
    """Start ``count`` nodes under ``base`` (or reuse the running ones) and wait for them all.

    A cluster recorded under ``base`` keeps its ports, data and JVM flags: nodes that are down
    are started again. NodeError when a node exits or the cluster is not whole within
    ``timeout``.
    """
    base = base.resolve()
    base.mkdir(parents=True, exist_ok=True)
    if count < 2:
        raise NodeError("a local cluster has at least two nodes; use a single node otherwise")
    state = ClusterState.load(base)
    if state is None or len(state.nodes) != count:
        if state is not None and any(node.alive(m.pid) for m in state.nodes):
            raise NodeError(
                f"a local cluster of {len(state.nodes)} nodes is running in {base}",
                hint="stop it first (`mucluc opensearch stop`)",
            )
        state = ClusterState(
            heap=heap, repo=str(repo.resolve()) if repo else "", java_options=list(java_options)
        )
        for number in range(1, count + 1):
            state.nodes.append(ClusterNode(
                f"mucluc-{number}", str(base / f"node-{number}"), node.free_port(),
                node.free_port(),
            ))
    launched = []
    for member in state.nodes:
        if member.pid and node.alive(member.pid):
            continue
        process = node.launch(state.spec(member))
        member.pid = process.pid
        launched.append((process, member))
    state.save(base)
    try:
        deadline = time.monotonic() + timeout
        for process, member in launched:
            left = max(deadline - time.monotonic(), 1.0)
            node.wait_until_answering(process, state.spec(member), timeout=left)
        wait_for_nodes(state.urls[0], count, timeout=max(deadline - time.monotonic(), 1.0))
    except NodeError:
        stop_cluster(base)  # no half-started cluster left running
        raise
    return state


def start_node(base: Path, name: str, *, timeout: float = START_TIMEOUT_S) -> ClusterNode:
    """Start one node of the recorded cluster again (same ports, same data) and wait until the
    cluster has all its nodes."""
    state = _state(base)
    member = state.member(name)
    if not (member.pid and node.alive(member.pid)):
        process = node.launch(state.spec(member))
        member.pid = process.pid
        state.save(base)
        node.wait_until_answering(process, state.spec(member), timeout=timeout)
    wait_for_nodes(member.url, len(state.nodes), timeout=timeout)
    return member


def kill_node(base: Path, name: str, sig: int = signal.SIGKILL) -> None:
    """Send ``sig`` (by default SIGKILL: no goodbye to the cluster) to one node; wait until it
    is gone."""
    member = _state(base).member(name)
    try:
        os.killpg(member.pid, sig)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + 60
    while node.alive(member.pid) and time.monotonic() < deadline:
        time.sleep(0.1)


def stop_cluster(base: Path) -> int:
    """Stop every node of the recorded cluster; returns how many were running. The record
    (ports, data) stays, so a later start brings the same cluster back."""
    state = ClusterState.load(base)
    if state is None:
        return 0
    running = [m for m in state.nodes if m.pid and node.alive(m.pid)]
    for member in running:
        os.killpg(member.pid, signal.SIGTERM)
    for member in running:
        node.terminate(member.pid)
    for member in state.nodes:
        member.pid = 0
    state.save(base)
    return len(running)


def forget_cluster(base: Path) -> None:
    """Remove the record of a stopped cluster (its data directories stay)."""
    (base / CLUSTER_FILE).unlink(missing_ok=True)


def _state(base: Path) -> ClusterState:
    state = ClusterState.load(base)
    if state is None:
        raise NodeError(f"no local cluster is recorded in {base}")
    return state


def health(url: str, **params: str) -> dict[str, Any]:
    """``_cluster/health`` of the cluster the node at ``url`` belongs to (``{}`` when it does
    not answer)."""
    query = "&".join(f"{key}={value}" for key, value in params.items())
    try:
        with urllib.request.urlopen(f"{url}/_cluster/health?{query}", timeout=70) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as exc:  # 408 when a wait_for_* times out: still a body
        try:
            return json.loads(exc.read())
        except ValueError:
            return {}
    except (urllib.error.URLError, OSError, ValueError):
        return {}


def wait_for_nodes(url: str, count: int, *, timeout: float = START_TIMEOUT_S) -> None:
    """Wait until the cluster of ``url`` has ``count`` nodes; NodeError after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if health(url).get("number_of_nodes") == count:
            return
        time.sleep(0.5)
    raise NodeError(f"the local cluster did not gather its {count} nodes within {timeout:.0f} s")


def wait_for_status(url: str, status: str = "green", *, timeout: float = 180.0) -> float:
    """Wait until the cluster of ``url`` is ``status`` (or better); returns the seconds waited.
    NodeError after ``timeout``."""
    started = time.monotonic()
    deadline = started + timeout
    while time.monotonic() < deadline:
        found = health(url, wait_for_status=status, timeout="10s")
        if found.get("status") == status or (status == "yellow" and found.get("status") == "green"):
            if not found.get("timed_out"):
                return time.monotonic() - started
        time.sleep(0.5)
    raise NodeError(f"the cluster did not become {status} within {timeout:.0f} s")


def node_rows(base: Path) -> list[dict[str, Any]]:
    """One row per recorded node for ``mucluc opensearch status``: name, url, pid, up."""
    state = ClusterState.load(base)
    if state is None:
        return []
    return [
        {"name": m.name, "url": m.url, "pid": m.pid,
         "up": bool(m.pid) and node.alive(m.pid) and node.answers(m.url)}
        for m in state.nodes
    ]
