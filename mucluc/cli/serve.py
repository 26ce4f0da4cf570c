"""``mucluc serve``: the HTTP API, the widget and its demo page on one port."""

from __future__ import annotations

import argparse

from aiohttp import web

from indexer import store
from mucluc.cli.common import config_path
from mucluc.core import settings
from mucluc.core.config import Config, load_config
from mucluc.core.errors import ConfigError
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


def cors_origins() -> list[str]:
    return [
        o.strip().rstrip("/") for o in settings.get("MUCLUC_CORS_ORIGINS").split(",") if o.strip()
    ]


def rate_limit() -> tuple[float, float]:
    """(requests per second, burst) from MUCLUC_RATE_LIMIT, e.g. ``10,40``."""
    raw = settings.get("MUCLUC_RATE_LIMIT")
    try:
        rate, burst = (float(part) for part in raw.split(","))
    except ValueError:
        raise ConfigError(
            f"MUCLUC_RATE_LIMIT={raw!r} is not 'rate,burst'", hint="for example 10,40"
        ) from None
    if rate <= 0 or burst < 1:
        raise ConfigError(f"MUCLUC_RATE_LIMIT={raw!r}: rate must be > 0 and burst ≥ 1")
    return rate, burst


def serve(config: Config, *, host: str, port: int, banner: str = "") -> None:
    rate, burst = rate_limit()
    app = create_app(
        store.engine_url(),
        store.index_prefix(),
        config.libraries,
        cors_origins=cors_origins(),
        rate=rate,
        burst=burst,
    )
    print(banner or f"Mục lục is serving on http://{host}:{port}/ (Ctrl+C to stop)", flush=True)
    web.run_app(app, host=host, port=port, print=None, access_log=None)
