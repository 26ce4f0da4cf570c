"""`mucluc opensearch start|status --nodes 3` on the session's cluster: every node and the
cluster's health shown; a start over a running cluster reuses it."""

from __future__ import annotations

import os

import pytest

from tests.integration.cluster.faults import Cluster, mucluc

pytestmark = pytest.mark.cluster


async def test_status_shows_every_node_and_health_and_start_reuses_them(
    cluster: Cluster,
) -> None:
    env = {"MUCLUC_OPENSEARCH_URL": ""} if os.environ.get("MUCLUC_OPENSEARCH_URL") else {}
    directory = str(cluster.base)
    code, out, err = await mucluc("opensearch", "status", "--directory", directory, env=env)
    assert code == 0, out + err
    for member in cluster.state.nodes:
        assert f"{member.name}  {member.url}  up, pid {member.pid}" in out
    assert "cluster health: green, 3 of 3 nodes" in out
    pids = [member.pid for member in cluster.state.nodes]
    code, out, err = await mucluc("opensearch", "start", "--nodes", "3", "--directory",
                                  directory, env=env)
    assert code == 0, out + err
    assert [member.pid for member in cluster.state.nodes] == pids
    assert "a cluster of 3 nodes is running" in out and cluster.url in out
