"""``mucluc opensearch start|stop|status``: the managed local node."""

from __future__ import annotations

import argparse

from indexer import node, store
from mucluc.core import settings


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "opensearch", help="start, stop or check the local OpenSearch node"
    )
    parser.add_argument("action", choices=("start", "stop", "status"))
    parser.add_argument("--port", type=int, default=0, help="HTTP port (default: a free one)")
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
        state = node.start(directory, port=args.port or None)
        print(f"OpenSearch {state.version} is running at {state.url} (data in {directory})")
        return 0
    if args.action == "stop":
        if node.stop(directory):
            print("OpenSearch stopped")
        else:
            print("no local OpenSearch node was running")
        return 0
    if external:
        print(f"using the external cluster at {external}")
        return 0
    state = node.status(directory)
    if state is None:
        print("no local OpenSearch node is running (start it with `mucluc opensearch start`)")
        return 1
    print(
        f"OpenSearch {state.version} is running at {state.url} "
        f"(pid {state.pid}, data in {directory})"
    )
    return 0
