"""The managed local OpenSearch node: started, found again, stopped.

Each node gets its own directory (config, data, logs) so the demo node and the throwaway test
nodes never share state. The distribution it runs (and its pinned version) comes from
:mod:`indexer.distribution`; running it as an unprivileged user when we are root is
:mod:`indexer.node_user`'s job.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from indexer import icu_plugin
from indexer.distribution import OPENSEARCH_VERSION, find_java_home, installation
from indexer.node_user import ensure_node_user, hand_over, running_as_root
from mucluc.core import settings
from mucluc.core.errors import NodeError

MAX_CLAUSE_COUNT = 4096
"""Reader queries over Vietnamese multi-fields need more clauses than the default 1024."""
REAL_MEMORY_BREAKER = "false"
"""``indices.breaker.total.use_real_memory`` of the managed nodes. With the real-memory parent
breaker (the engine's default) a small heap (512m-1g) under many concurrent searches trips it on
collectable garbage: the soak saw ``[parent] Data too large`` at 990 MB "real usage" of a 1 GiB
heap while the breakers' reservations summed to about 100 KB, and every search failed with a
429 for tens of seconds. Off, the parent limit is 70 % of the reservations (request, fielddata,
in-flight requests), which still refuses what would really exhaust the heap."""
STATE_FILE = "node.json"
START_TIMEOUT_S = 180.0


@dataclass
class NodeState:
    """What a started node leaves behind so later commands can find and stop it."""

    pid: int
    port: int
    url: str
    directory: str
    version: str = OPENSEARCH_VERSION

    def save(self, path: Path) -> None:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2))
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> NodeState | None:
        try:
            return cls(**json.loads(path.read_text()))
        except (OSError, ValueError, TypeError):
            return None


def default_home() -> Path:
    """Where the managed node and run reports live (``settings.home()``)."""
    return settings.home()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _prepare_directory(directory: Path, install: Path) -> None:
    (directory / "data").mkdir(parents=True, exist_ok=True)
    (directory / "logs").mkdir(exist_ok=True)
    (directory / "tmp").mkdir(exist_ok=True)
    config = directory / "config"
    if not config.exists():
        shutil.copytree(install / "config", config)
        _point_jvm_files_at(directory)
    hand_over(directory)


def _point_jvm_files_at(directory: Path) -> None:
    """The stock jvm.options writes GC logs and heap dumps relative to the installation, which
    the node's user may not write to (it is shared and read-only); point them at this node."""
    options = directory / "config" / "jvm.options"
    logs = directory / "logs"
    text = options.read_text()
    text = text.replace("file=logs/gc.log", f"file={logs}/gc.log")
    text = text.replace("-XX:HeapDumpPath=data", f"-XX:HeapDumpPath={logs}")
    text = text.replace("-XX:ErrorFile=logs/", f"-XX:ErrorFile={logs}/")
    options.write_text(text)


@dataclass(frozen=True)
class NodeSpec:
    """Everything that makes one node of a (one- or several-node) cluster on 127.0.0.1.

    ``seed_hosts`` empty means a single-node cluster (``discovery.type=single-node``); otherwise
    the transport addresses of every node, and ``cluster_managers`` the names of the nodes
    that may bootstrap the cluster the first time. ``repo`` is the snapshot folder
    (``path.repo``) when backups are wanted. ``java_options`` are extra JVM flags after the
    heap (the test cluster boots with the quicker-starting C1 compiler only).
    """

    directory: Path
    http_port: int
    transport_port: int
    heap: str
    name: str = "mucluc-local"
    seed_hosts: tuple[str, ...] = ()
    cluster_managers: tuple[str, ...] = ()
    repo: Path | None = None
    java_options: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def jvm_options(self) -> str:
        """OPENSEARCH_JAVA_OPTS: the heap, heap dumps into the node's logs, the extra flags."""
        flags = [f"-Xms{self.heap}", f"-Xmx{self.heap}"]
        flags.append(f"-XX:HeapDumpPath={self.directory / 'logs'}")
        return " ".join([*flags, *self.java_options])

    def options(self) -> list[str]:
        """The ``-E`` settings of this node's command line."""
        settings_ = {
            "cluster.name": "mucluc",
            "node.name": self.name,
            "network.host": "127.0.0.1",
            "http.port": str(self.http_port),
            "transport.port": str(self.transport_port),
            "path.data": str(self.directory / "data"),
            "path.logs": str(self.directory / "logs"),
            "cluster.routing.allocation.disk.threshold_enabled": "false",
            "action.destructive_requires_name": "false",
            "http.max_content_length": "200mb",
            "indices.query.bool.max_clause_count": str(MAX_CLAUSE_COUNT),
            "indices.breaker.total.use_real_memory": REAL_MEMORY_BREAKER,
        }
        if self.seed_hosts:
            settings_["discovery.seed_hosts"] = ",".join(self.seed_hosts)
            settings_["cluster.initial_cluster_manager_nodes"] = ",".join(self.cluster_managers)
        else:
            settings_["discovery.type"] = "single-node"
        if self.repo is not None:
            settings_["path.repo"] = str(self.repo)
        return [part for key, val in settings_.items() for part in ("-E", f"{key}={val}")]


def start(
    directory: Path,
    *,
    port: int | None = None,
    heap: str | None = None,
    timeout: float = START_TIMEOUT_S,
    repo: Path | None = None,
) -> NodeState:
    """Start a single node on 127.0.0.1 with its files under ``directory``; wait until it answers.

    Returns the node's state (also saved to ``directory/node.json``). If a node started from the
    same directory is already answering, it is reused. ``repo`` is its snapshot folder.
    """
    directory = directory.resolve()
    directory.mkdir(parents=True, exist_ok=True)
    existing = NodeState.load(directory / STATE_FILE)
    if existing and _alive(existing.pid) and _answers(existing.url):
        return existing
    spec = NodeSpec(
        directory, port or free_port(), free_port(), heap or settings.opensearch_heap(), repo=repo
    )
    process = launch(spec)
    state = NodeState(pid=process.pid, port=spec.http_port, url=spec.url, directory=str(directory))
    wait_until_answering(process, spec, timeout=timeout)
    state.save(directory / STATE_FILE)
    return state


def launch(spec: NodeSpec) -> subprocess.Popen[bytes]:
    """Start the node's JVM (as the node user when we are root) and return at once."""
    directory = spec.directory
    install = installation()
    icu_plugin.install(install)  # best effort: the node starts without it (indexer.icu_plugin)
    java_home = find_java_home()
    _prepare_directory(directory, install)
    if spec.repo is not None:
        spec.repo.mkdir(parents=True, exist_ok=True)
        hand_over(spec.repo)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "JAVA_HOME": str(java_home),
        "OPENSEARCH_JAVA_HOME": str(java_home),
        "OPENSEARCH_PATH_CONF": str(directory / "config"),
        "OPENSEARCH_TMPDIR": str(directory / "tmp"),
        "OPENSEARCH_JAVA_OPTS": spec.jvm_options(),
        "LANG": "C.UTF-8",
    }
    command = [str(install / "bin" / "opensearch"), *spec.options()]
    user_kwargs: dict[str, object] = {}
    if running_as_root():
        user = ensure_node_user()
        user_kwargs = {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}
        env["HOME"] = str(directory)
    console = open(directory / "logs" / "console.log", "ab")
    try:
        return subprocess.Popen(
            command,
            cwd=directory,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=console,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            **user_kwargs,  # type: ignore[arg-type]
        )
    except OSError as exc:
        raise NodeError(f"cannot start OpenSearch: {exc}") from exc
    finally:
        console.close()


def wait_until_answering(
    process: subprocess.Popen[bytes], spec: NodeSpec, *, timeout: float = START_TIMEOUT_S
) -> None:
    """Wait until the node answers a health request (green or yellow); NodeError (and the node
    stopped) when it exits or does not answer within ``timeout``."""
    directory = spec.directory
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise NodeError(
                f"OpenSearch exited during start-up (status {process.returncode}): "
                f"{_last_log_line(directory)}",
                hint=f"see {directory / 'logs'}",
            )
        if _answers(spec.url):
            return
        time.sleep(0.5)
    _terminate(process.pid)
    raise NodeError(
        f"OpenSearch did not answer within {timeout:.0f} s: {_last_log_line(directory)}",
        hint=f"see {directory / 'logs'}",
    )


def stop(directory: Path, *, timeout: float = 60.0) -> bool:
    """Stop the node started from ``directory``. Returns False when none was running."""
    state = NodeState.load(directory / STATE_FILE)
    if state is None or not _alive(state.pid):
        (directory / STATE_FILE).unlink(missing_ok=True)
        return False
    _terminate(state.pid, timeout=timeout)
    (directory / STATE_FILE).unlink(missing_ok=True)
    return True


def status(directory: Path) -> NodeState | None:
    """The running node started from ``directory``, or None."""
    state = NodeState.load(directory / STATE_FILE)
    if state and _alive(state.pid) and _answers(state.url):
        return state
    return None


def _terminate(pid: int, *, timeout: float = 60.0) -> None:
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            return
        time.sleep(0.2)
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def alive(pid: int) -> bool:
    """Whether the process ``pid`` still runs (a finished child of ours is reaped)."""
    return _alive(pid)


def answers(url: str) -> bool:
    """Whether the node at ``url`` answers a health request with green or yellow."""
    return _answers(url)


def terminate(pid: int, *, timeout: float = 60.0) -> None:
    """SIGTERM the node's process group, SIGKILL after ``timeout``."""
    _terminate(pid, timeout=timeout)


def _alive(pid: int) -> bool:
    try:
        finished, _status = os.waitpid(pid, os.WNOHANG)
        if finished == pid:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_cluster/health", timeout=2) as response:
            body = json.loads(response.read())
            return body.get("status") in {"green", "yellow"}
    except (urllib.error.URLError, OSError, ValueError):
        return False


def _last_log_line(directory: Path) -> str:
    for name in ("mucluc.log", "console.log"):
        log = directory / "logs" / name
        if log.exists():
            lines = [line for line in log.read_text(errors="replace").splitlines() if line.strip()]
            errors = [line for line in lines if "ERROR" in line or "Exception" in line]
            if errors or lines:
                return (errors or lines)[-1][:300]
    return "no log output"


@contextmanager
def engine_for(purpose: str, *, heap: str) -> Iterator[str]:
    """The URL of MUCLUC_OPENSEARCH_URL when set, else of a throwaway node (random port,
    temporary directory) that is stopped and removed on exit. Tests and benchmarks use it."""
    external = settings.opensearch_urls()
    if external:
        yield external[0]
        return
    directory = Path(tempfile.mkdtemp(prefix=f"mucluc-{purpose}-node-", dir="/tmp"))
    try:
        yield start(directory, heap=heap).url
    finally:
        stop(directory)
        shutil.rmtree(directory, ignore_errors=True)
