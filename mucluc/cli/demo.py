"""``mucluc demo``: start the node, load the demo catalogue of Điện Biên libraries, serve it.

A second run finds the node running and the catalogue loaded (same files, same index) and is
serving within seconds. The demo lives under its own index prefix (``mucluc-demo`` unless
MUCLUC_INDEX_PREFIX is set), so it never touches a real catalogue; when the demo files or the
index layout change, the demo's own indices are rebuilt from scratch.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

from indexer import node
from indexer.load import Loader
from indexer.schema import records_body, union_body
from indexer.store import Store, node_directory
from mucluc.cli.common import config_path, run
from mucluc.cli.serve import serve
from mucluc.core import settings
from mucluc.core.config import Config, load_config

EXAMPLES = (
    "dien bien phu",
    "Truyện Kiều",
    "nguyen du",
    "võ nguyên giáp",
    "dân tộc thái",
)


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("demo", help="start everything and serve the demo catalogue")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--no-serve", action="store_true", help="load the demo, then exit")
    parser.set_defaults(run=main)


DEMO_PREFIX = "mucluc-demo"


def main(args: argparse.Namespace) -> int:
    config = load_config(config_path(args))
    prefix = settings.index_prefix() if settings.is_set("MUCLUC_INDEX_PREFIX") else DEMO_PREFIX
    if not settings.opensearch_urls():
        print("Starting the local OpenSearch node (the first run downloads it once)…", flush=True)
        state = node.start(node_directory())
        print(f"OpenSearch {state.version} is running at {state.url}", flush=True)
    from mucluc.demo.catalogue import write_demo_catalogue

    directory = node.default_home() / "demo"
    files = write_demo_catalogue(directory)
    run(load_demo(config, files, directory / "loaded.json", prefix=prefix))
    if args.no_serve:
        return 0
    base = f"http://{args.host}:{args.port}"
    lines = [f"Mục lục demo is serving on {base}/  (Ctrl+C to stop)", "Try:"]
    lines += [example(base, q) for q in EXAMPLES]
    lines.append(f"or open {base}/ in a browser.")
    serve(config, host=args.host, port=args.port, banner="\n".join(lines), prefix=prefix)
    return 0


def example(base: str, query: str) -> str:
    """A curl line for ``query``; Vietnamese text goes through --data-urlencode (a raw UTF-8
    URL is not valid HTTP)."""
    if query.isascii():
        return f"  curl '{base}/api/v1/search?q={query.replace(' ', '+')}'"
    return f"  curl -G '{base}/api/v1/search' --data-urlencode 'q={query}'"


def _fingerprint(files: dict[str, Path], prefix: str, union_index: str) -> str:
    layout = json.dumps([union_body(), records_body()], sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha1(f"{prefix}|{union_index}|{layout}".encode())
    for code in sorted(files):
        digest.update(code.encode())
        digest.update(files[code].read_bytes())
    return digest.hexdigest()


async def load_demo(
    config: Config, files: dict[str, Path], marker: Path, *, prefix: str = DEMO_PREFIX
) -> None:
    """Load the demo files under ``prefix``, unless the marker shows them loaded already. Only
    the demo's own prefix is ever dropped and rebuilt; any other is loaded on top."""
    from harvesters.files import read_path

    async with Store.open(prefix=prefix) as store:
        indices = await store.ensure_indices()
        fingerprint = _fingerprint(files, prefix, indices["union"])
        if marker.exists() and json.loads(marker.read_text()).get("fingerprint") == fingerprint:
            print("The demo catalogue is already loaded.", flush=True)
            return
        if prefix == DEMO_PREFIX:  # the demo's own indices: rebuild them whole
            await store.drop_all()
            indices = await store.ensure_indices()
            fingerprint = _fingerprint(files, prefix, indices["union"])
        loader = Loader(store, config.libraries)
        for code, path in sorted(files.items()):
            library = config.library(code)
            summary = await loader.load(read_path(path, library=code))
            print(f"Loaded {library.name} ({code}): {summary.line()}", flush=True)
        marker.write_text(json.dumps({"fingerprint": fingerprint}))
