"""``mucluc serve``: the HTTP API, the widget and its demo page on one port."""

from __future__ import annotations

import argparse

from aiohttp import web

from indexer import store
from indexer.harvest_run import Places
from mucluc.cli.common import config_path, reports_directory
from mucluc.cli.harvest import state_directory
from mucluc.core import settings
from mucluc.core.config import Config, load_config
from mucluc.core.errors import ConfigError
from searchapi import server
from searchapi.app import create_app
from searchapi.clients import parse_networks
from searchapi.console.status_harvests import Harvests
from searchapi.counts_table import SharedCounts


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("serve", help="serve the search API")
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    parser.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="processes serving on the port (default MUCLUC_WORKERS, else one per CPU)",
    )
    parser.set_defaults(run=main)


def main(args: argparse.Namespace) -> int:
    config = load_config(config_path(args))
    serve(config, host=args.host, port=args.port, workers=workers(args.workers))
    return 0


def workers(requested: int | None) -> int:
    """``--workers``, else MUCLUC_WORKERS, else one per CPU."""
    if requested is None:
        requested = settings.workers()
    if requested is None:
        return server.default_workers()
    if not 1 <= requested <= 64:
        raise ConfigError(f"{requested} workers: use between 1 and 64")
    return requested


def serve(
    config: Config, *, host: str, port: int, banner: str = "", prefix: str | None = None,
    workers: int = 1,
) -> None:
    """Serve the catalogue under ``prefix`` (default: MUCLUC_INDEX_PREFIX) until interrupted,
    in ``workers`` processes sharing the port."""
    rate, burst = settings.rate_limit()
    proxies = parse_networks(settings.get("MUCLUC_TRUSTED_PROXIES"))
    url, origins = store.engine_url(), settings.cors_origins()
    prefix = prefix or settings.index_prefix()
    # Sources with a `schedule` are harvested by the workers themselves (MUCLUC_SCHEDULER).
    harvests = Harvests(Places(config.base, state_directory(), reports_directory()),
                        schedule=settings.scheduler_enabled())
    # Made before the workers fork: a work counted by one worker is known to all.
    counts = SharedCounts() if workers > 1 else None

    def make_app() -> web.Application:
        return create_app(
            url,
            prefix,
            config.libraries,
            cors_origins=origins,
            rate=rate,
            burst=burst,
            trusted_proxies=proxies,
            workers=workers,
            harvests=harvests,
            work_counts=counts,
        )

    print(banner or f"Mục lục is serving on http://{host}:{port}/ (Ctrl+C to stop)", flush=True)
    server.run(make_app, host, port, workers=workers)
