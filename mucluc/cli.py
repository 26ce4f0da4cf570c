"""The ``mucluc`` command. Thin wrappers over the async core; errors become one line, no traceback.

Exit status: 0 success, 1 a failure (engine, source, records), 2 bad usage or configuration.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from mucluc import __version__
from mucluc.errors import ConfigError, MuclucError

Command = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    from mucluc.commands import COMMANDS

    parser = argparse.ArgumentParser(
        prog="mucluc",
        description="Mục lục: one search over every library's catalogue.",
    )
    parser.add_argument("--version", action="version", version=f"mucluc {__version__}")
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="configuration file (default: $MUCLUC_CONFIG or ./mucluc.toml)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for register in COMMANDS:
        register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("opensearch").setLevel(logging.ERROR)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    try:
        return int(args.run(args) or 0)
    except ConfigError as exc:
        print(f"mucluc: {exc.one_line()}", file=sys.stderr)
        return 2
    except MuclucError as exc:
        print(f"mucluc: {exc.one_line()}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("mucluc: interrupted", file=sys.stderr)
        return 130


def run(coroutine) -> int:  # type: ignore[no-untyped-def]
    """Run an async command body."""
    return asyncio.run(coroutine)


def config_path(args: argparse.Namespace) -> Path | None:
    return Path(args.config) if args.config else None


if __name__ == "__main__":
    sys.exit(main())
