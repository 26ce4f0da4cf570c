"""One real three-node OpenSearch cluster for the fault and backup tests of the session.

The cluster runs from the same cached distribution as the session node, on 127.0.0.1 with
random ports and a temporary directory, heaps of 512 MiB and the C1 compiler only (faults.py),
started in the background as soon as the collection shows a cluster test (``tests/early.py``).
Tests kill its nodes with SIGKILL and start them again; the `cluster` fixture hands each test a
whole, green cluster. Setting MUCLUC_TEST_CLUSTER_DIR to the directory of a cluster started with
``mucluc opensearch start --nodes 3`` reuses it (it is left running).

Every test using these carries ``@pytest.mark.cluster`` (the root conftest checks it).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from indexer import cluster_nodes
from tests.early import EarlyStart, begin_when_needed, needed
from tests.integration.cluster.faults import HEAP, JAVA_OPTIONS, Cluster


@contextmanager
def _session_cluster() -> Iterator[Cluster]:
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
        cluster_nodes.start_cluster(base, 3, heap=HEAP, repo=repo, java_options=JAVA_OPTIONS)
        yield Cluster(base, repo)
    finally:
        cluster_nodes.stop_cluster(base)
        shutil.rmtree(base, ignore_errors=True)


SESSION_CLUSTER = EarlyStart(_session_cluster)
"""Begun in the background (after the session's node) once the collection shows a cluster
test: its three JVMs boot while the tests before it run."""


_LAST_USER: list[str] = []


def pytest_collection_finish(session: pytest.Session) -> None:
    begin_when_needed(session, "three_nodes", SESSION_CLUSTER)
    users = [item.nodeid for item in session.items if needed([item], "three_nodes")]
    _LAST_USER[:] = users[-1:]


def pytest_runtest_logfinish(nodeid: str) -> None:
    """Stop the cluster after the last test using it: three idle JVMs need not keep their
    memory and their share of the two cores through the rest of the suite."""
    if [nodeid] == _LAST_USER:
        SESSION_CLUSTER.close()


def pytest_sessionfinish(session: pytest.Session) -> None:
    SESSION_CLUSTER.close()


@pytest.fixture(scope="session")
def three_nodes() -> Iterator[Cluster]:
    try:
        yield SESSION_CLUSTER.result()
    finally:
        SESSION_CLUSTER.close()


@pytest.fixture
def cluster(three_nodes: Cluster) -> Cluster:
    """The session's cluster with every node up and green (a test before may have killed one)."""
    if len(three_nodes.up()) < len(three_nodes.names):
        three_nodes.start_all()
    three_nodes.green()
    return three_nodes
