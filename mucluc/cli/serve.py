"""``mucluc serve``: the HTTP API, the widget and its demo page on one port."""

from __future__ import annotations

import argparse

from aiohttp import web

from indexer import store
from mucluc.cli.common import config_path
from mucluc.core import settings
from mucluc.core.config import Config, load_config
from searchapi.app import create_app


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("serve", help="serve the search API")
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    parser.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    parser.set_defaults(run=main)


def main(args: argparse.Namespace) -> int:
    config = load_config(config_path(args))
    serve(config, host=args.host, port=args.port)
    return 0


def serve(
    config: Config, *, host: str, port: int, banner: str = "", prefix: str | None = None
) -> None:
    """Serve the catalogue under ``prefix`` (default: MUCLUC_INDEX_PREFIX) until interrupted."""
    rate, burst = settings.rate_limit()
    app = create_app(
        store.engine_url(),
        prefix or settings.index_prefix(),
        config.libraries,
        cors_origins=settings.cors_origins(),
        rate=rate,
        burst=burst,
    )
    print(banner or f"Mục lục is serving on http://{host}:{port}/ (Ctrl+C to stop)", flush=True)
    web.run_app(app, host=host, port=port, print=None, access_log=None)
