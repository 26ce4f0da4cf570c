"""The production deployment files, checked with real tools where this machine has them.

- ``docker/compose.yaml``: ``docker compose config`` (or Debian's ``docker-compose config``,
  which validates against the compose schema), plus the topology the operations guide promises:
  three OpenSearch nodes that discover each other, API workers that know every node, a reverse
  proxy, a health check and a memory limit on every service, data and backup volumes.
- ``docker/systemd/``: ``systemd-analyze verify`` on the units (their programs pointed at ones
  that exist here), and the same topology as the compose file.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
DOCKER = REPO / "docker"
UNITS = DOCKER / "systemd"
ENV = {**os.environ, "MUCLUC_OAI_SECRET": "test-secret"}


def compose_tool() -> list[str] | None:
    docker = shutil.which("docker")
    if docker:
        plugin = subprocess.run([docker, "compose", "version"], capture_output=True)
        if plugin.returncode == 0:
            return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    return [legacy] if legacy else None


def compose() -> dict:
    return yaml.safe_load((DOCKER / "compose.yaml").read_text(encoding="utf-8"))


def engine_services(spec: dict) -> dict[str, dict]:
    return {name: service for name, service in spec["services"].items()
            if "opensearch" in str(service.get("image", ""))}


@pytest.mark.skipif(compose_tool() is None, reason="neither docker compose nor docker-compose")
def test_compose_file_is_valid_for_the_compose_tool() -> None:
    tool = compose_tool()
    assert tool is not None
    result = subprocess.run([*tool, "-f", str(DOCKER / "compose.yaml"), "config", "-q"],
                            capture_output=True, text=True, env=ENV)
    assert result.returncode == 0, result.stderr


def test_compose_file_refuses_to_run_without_the_oai_secret() -> None:
    tool = compose_tool()
    if tool is None:
        pytest.skip("neither docker compose nor docker-compose")
    env = {k: v for k, v in ENV.items() if k != "MUCLUC_OAI_SECRET"}
    result = subprocess.run([*tool, "-f", str(DOCKER / "compose.yaml"), "config", "-q"],
                            capture_output=True, text=True, env=env)
    assert result.returncode != 0 and "MUCLUC_OAI_SECRET" in result.stderr + result.stdout


def test_three_engine_nodes_discover_each_other_with_modest_heaps() -> None:
    spec = compose()
    nodes = engine_services(spec)
    assert len(nodes) == 3
    for name, service in nodes.items():
        env = service["environment"]
        assert env["node.name"] == name
        assert sorted(env["discovery.seed_hosts"].split(",")) == sorted(nodes)
        assert sorted(env["cluster.initial_cluster_manager_nodes"].split(",")) == sorted(nodes)
        heap = re.search(r"-Xmx(\d+)g", env["OPENSEARCH_JAVA_OPTS"])
        limit = re.fullmatch(r"(\d+)g", service["deploy"]["resources"]["limits"]["memory"])
        assert heap and limit and int(heap[1]) * 2 <= int(limit[1]), "heap at most half"
        volumes = [v.split(":")[1] for v in service["volumes"]]
        assert "/usr/share/opensearch/data" in volumes
        assert env["path.repo"] in volumes, "the backup folder is mounted on every node"
    data = {v.split(":")[0] for s in nodes.values() for v in s["volumes"] if "data" in v}
    assert len(data) == 3, "each node its own data volume"


def test_api_workers_know_every_node_and_sit_behind_the_proxy() -> None:
    spec = compose()
    api, proxy = spec["services"]["api"], spec["services"]["proxy"]
    urls = api["environment"]["MUCLUC_OPENSEARCH_URL"].split(",")
    assert sorted(urls) == sorted(f"http://{name}:9200" for name in engine_services(spec))
    assert api["deploy"]["replicas"] >= 2
    assert "ports" not in api, "only the proxy is published"
    assert proxy["ports"] and "api" in proxy["depends_on"]
    for name, service in spec["services"].items():
        assert service.get("healthcheck"), f"{name} has a health check"
        assert service["deploy"]["resources"]["limits"]["memory"], f"{name} has a memory limit"
    nginx = (DOCKER / "nginx.conf").read_text()
    assert "server api:8080" in nginx and "proxy_next_upstream" in nginx


def test_systemd_topology_matches_compose() -> None:
    env = dict(line.split("=", 1) for line in (UNITS / "mucluc.env").read_text().splitlines()
               if line and not line.startswith("#"))
    assert len(env["MUCLUC_OPENSEARCH_URL"].split(",")) == len(engine_services(compose()))
    node = yaml.safe_load((UNITS / "opensearch-node.yml").read_text())
    assert len(node["discovery.seed_hosts"]) == 3
    assert node["path.repo"] == [env["MUCLUC_BACKUP_DIR"]]
    nginx = (UNITS / "nginx-mucluc.conf").read_text()
    assert len(re.findall(r"server 127\.0\.0\.1:\d+", nginx)) >= 2
    assert "--keep" in (UNITS / "mucluc-backup.service").read_text()


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_units_verify(tmp_path: Path) -> None:
    """``systemd-analyze verify`` with the install paths pointed at programs that exist here."""
    mucluc = shutil.which("mucluc") or str(Path(sys.executable).with_name("mucluc"))
    for unit in UNITS.iterdir():
        if unit.suffix not in {".service", ".timer"}:
            continue
        text = unit.read_text().replace("/opt/mucluc/.venv/bin/mucluc", mucluc)
        text = text.replace("/opt/opensearch/bin/opensearch", shutil.which("true") or "/bin/true")
        text = text.replace("EnvironmentFile=/etc/mucluc/mucluc.env",
                            f"EnvironmentFile={UNITS / 'mucluc.env'}")
        text = re.sub(r"^(User|Group)=mucluc$", r"\1=root", text, flags=re.M)
        name = unit.name.replace("@.service", "@1.service")
        (tmp_path / name).write_text(text)
    units = sorted(str(p) for p in tmp_path.iterdir())
    result = subprocess.run(["systemd-analyze", "verify", *units], capture_output=True,
                            text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "mucluc" not in result.stderr, result.stderr
