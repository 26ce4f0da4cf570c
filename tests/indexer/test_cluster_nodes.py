"""The local cluster's launch descriptions and record, replica settings and the multi-node client
(nothing running: the live cluster is tested in tests/integration/cluster/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer import cluster_nodes, node, schema
from indexer.store.client import make_client, split_urls


def options(spec: node.NodeSpec) -> dict[str, str]:
    pairs = spec.options()
    assert pairs[::2] == ["-E"] * (len(pairs) // 2)
    return dict(part.split("=", 1) for part in pairs[1::2])


def test_a_single_node_is_its_own_cluster_without_a_backup_folder_unless_given() -> None:
    found = options(node.NodeSpec(Path("/n"), 9200, 9300, "512m"))
    assert found["discovery.type"] == "single-node"
    assert "discovery.seed_hosts" not in found and "path.repo" not in found
    assert (found["http.port"], found["transport.port"]) == ("9200", "9300")


def test_every_node_of_a_cluster_names_every_seed_and_manager(tmp_path: Path) -> None:
    state = cluster_nodes.ClusterState(heap="512m", repo=str(tmp_path / "backups"))
    for n in range(1, 4):
        state.nodes.append(cluster_nodes.ClusterNode(f"mucluc-{n}", str(tmp_path / f"node-{n}"),
                                                     9200 + n, 9300 + n))
    seen = [options(state.spec(member)) for member in state.nodes]
    for member, found in zip(state.nodes, seen, strict=True):
        assert found["node.name"] == member.name
        assert found["discovery.seed_hosts"] == "127.0.0.1:9301,127.0.0.1:9302,127.0.0.1:9303"
        assert found["cluster.initial_cluster_manager_nodes"] == "mucluc-1,mucluc-2,mucluc-3"
        assert found["path.repo"] == str(tmp_path / "backups")
        assert found["path.data"] == str(Path(member.directory) / "data")
        assert "discovery.type" not in found
    assert len({f["http.port"] for f in seen} | {f["transport.port"] for f in seen}) == 6


def test_the_cluster_record_round_trips(tmp_path: Path) -> None:
    state = cluster_nodes.ClusterState(heap="512m", repo="/b", java_options=["-XX:X=1"])
    state.nodes.append(cluster_nodes.ClusterNode("mucluc-1", "/d/node-1", 1, 2, pid=42))
    state.save(tmp_path)
    assert cluster_nodes.ClusterState.load(tmp_path) == state
    assert cluster_nodes.ClusterState.load(tmp_path / "nowhere") is None


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ((), "-Xms512m -Xmx512m -XX:HeapDumpPath=/n/logs"),
        (("-XX:TieredStopAtLevel=1",), "-Xms512m -Xmx512m -XX:HeapDumpPath=/n/logs "
                                       "-XX:TieredStopAtLevel=1"),
    ],
    ids=["heap-only", "extra-flags-after-the-heap"],
)
def test_the_jvm_options_carry_the_heap_and_the_extra_flags(
    extra: tuple[str, ...], expected: str
) -> None:
    assert node.NodeSpec(Path("/n"), 1, 2, "512m", java_options=extra).jvm_options() == expected


def test_every_node_of_a_recorded_cluster_restarts_with_its_jvm_flags(tmp_path: Path) -> None:
    state = cluster_nodes.ClusterState(heap="1g", java_options=["-XX:TieredStopAtLevel=1"])
    state.nodes.append(cluster_nodes.ClusterNode("mucluc-1", str(tmp_path / "n1"), 1, 2))
    state.save(tmp_path)
    loaded = cluster_nodes.ClusterState.load(tmp_path)
    assert loaded is not None
    assert loaded.spec(loaded.nodes[0]).jvm_options().endswith(" -XX:TieredStopAtLevel=1")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", {"auto_expand_replicas": "0-1"}),
        ("0", {"number_of_replicas": 0, "auto_expand_replicas": "false"}),
        ("2", {"number_of_replicas": 2, "auto_expand_replicas": "false"}),
    ],
    ids=["follows-data-nodes", "fixed-none", "fixed-two"],
)
def test_replicas_follow_the_data_nodes_unless_fixed(
    raw: str, expected: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MUCLUC_REPLICAS", raw)
    assert schema.replica_settings() == expected
    for body in (schema.union_body(), schema.records_body(), schema.tombstones_body()):
        assert {k: body["settings"]["index"].get(k) for k in expected} == expected


@pytest.mark.parametrize(
    ("url", "retries", "budget"),
    [
        ("http://a:9200", 2, 2),
        ("http://a:9200", 0, 0),
        ("http://a:9200,http://b:9200/,http://c:9200", 1, 3),
        (" http://a:9200 , http://b:9200 ", 2, 3),
    ],
    ids=["one-node", "no-retries", "three-nodes-api", "spaces-and-slashes"],
)
async def test_the_retry_budget_reaches_every_node(url: str, retries: int, budget: int) -> None:
    client = make_client(url, retries=retries)
    try:
        assert client.transport.max_retries == budget
        assert set(client.transport.retry_on_status) == {502, 503, 504}
        assert len(split_urls(url)) == len(client.transport.hosts)
    finally:
        await client.close()
