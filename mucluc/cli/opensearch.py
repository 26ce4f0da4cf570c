"""``mucluc opensearch start|stop|status``: the managed local node, or a local cluster of several
(``start --nodes 3``).

One node lives in ``$MUCLUC_HOME/node``; a cluster in ``$MUCLUC_HOME/node/node-<n>`` with its
record in ``cluster.json`` beside them. Every other command finds either by itself
(:func:`indexer.store.engine_url`). Managed nodes get ``path.repo`` = ``MUCLUC_BACKUP_DIR`` so
``mucluc backup`` works on them.
"""

from __future__ import annotations

import argparse

from indexer import cluster_nodes, node, store
from mucluc.core import settings
from mucluc.core.errors import NodeError


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "opensearch", help="start, stop or check the local OpenSearch node (or local cluster)"
    )
    parser.add_argument("action", choices=("start", "stop", "status"))
    parser.add_argument("--port", type=int, default=0, help="HTTP port (default: a free one)")
    parser.add_argument(
        "--nodes", type=int, default=1, metavar="N",
        help="start a local cluster of N nodes on 127.0.0.1 (default: one node)",
    )
    parser.add_argument("--directory", help="node directory (default: $MUCLUC_HOME/node)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    directory = node.Path(args.directory) if args.directory else store.node_directory()
    external = settings.get("MUCLUC_OPENSEARCH_URL")
    if args.action == "start":
        if external:
            print(
                f"MUCLUC_OPENSEARCH_URL is set: using the cluster at {external}; nothing to start"
            )
            return 0
        return start(directory, args.nodes, args.port)
    if args.action == "stop":
        stopped = cluster_nodes.stop_cluster(directory)
        if node.stop(directory):
            stopped += 1
        print(f"OpenSearch stopped ({stopped} node{'s' * (stopped != 1)})" if stopped
              else "no local OpenSearch node was running")
        return 0
    if external:
        print(f"using the external cluster at {external}")
        return 0
    return status(directory)


def start(directory: node.Path, count: int, port: int) -> int:
    if count < 1:
        raise NodeError("--nodes must be at least 1")
    repo = settings.backup_dir()
    if count == 1:
        if cluster_nodes.node_rows(directory) and any(
            row["up"] for row in cluster_nodes.node_rows(directory)
        ):
            raise NodeError("a local cluster is running", hint="stop it first")
        cluster_nodes.forget_cluster(directory)
        state = node.start(directory, port=port or None, repo=repo)
        print(f"OpenSearch {state.version} is running at {state.url} (data in {directory})")
        return 0
    if node.status(directory) is not None:
        raise NodeError("a single local node is running", hint="stop it first")
    cluster = cluster_nodes.start_cluster(
        directory, count, heap=settings.opensearch_heap(), repo=repo
    )
    print(f"OpenSearch {cluster.version}: a cluster of {count} nodes is running "
          f"(data in {directory}):")
    for member in cluster.nodes:
        print(f"  {member.name}  {member.url}  pid {member.pid}")
    print(f"  MUCLUC_OPENSEARCH_URL for other machines' tools: {','.join(cluster.urls)}")
    return 0


def status(directory: node.Path) -> int:
    rows = cluster_nodes.node_rows(directory)
    if rows:
        up = [row for row in rows if row["up"]]
        for row in rows:
            state = f"up, pid {row['pid']}" if row["up"] else "down"
            print(f"{row['name']}  {row['url']}  {state}")
        if not up:
            print("no node of the local cluster is running "
                  "(start it with `mucluc opensearch start --nodes N`)")
            return 1
        health = cluster_nodes.health(up[0]["url"])
        print(f"cluster health: {health.get('status', 'unknown')}, "
              f"{health.get('number_of_nodes', '?')} of {len(rows)} nodes, "
              f"{health.get('active_shards', '?')} shards active, "
              f"{health.get('unassigned_shards', '?')} unassigned")
        return 0 if len(up) == len(rows) else 1
    state = node.status(directory)
    if state is None:
        print("no local OpenSearch node is running (start it with `mucluc opensearch start`)")
        return 1
    print(
        f"OpenSearch {state.version} is running at {state.url} "
        f"(pid {state.pid}, data in {directory})"
    )
    print(f"cluster health: {cluster_nodes.health(state.url).get('status', 'unknown')}")
    return 0
