"""The ``mucluc`` command. Thin wrappers over the async core; errors become one line, no traceback.

Exit status: 0 success, 1 a failure (engine, source, records), 2 bad usage or configuration.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from mucluc import __version__
from mucluc.cli import (
    access,
    backup,
    demo,
    harvest,
    load,
    opensearch,
    reindex,
    serve,
    sources,
    z3950,
)
from mucluc.cli import export as export_command
from mucluc.core.errors import ConfigError, MuclucError

COMMANDS = (opensearch.register, load.register, serve.register, reindex.register, demo.register,
            harvest.register, sources.register, z3950.register, backup.register, access.register,
            export_command.register)


def build_parser() -> argparse.ArgumentParser:
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
    except Exception as exc:
        logging.getLogger("mucluc").debug("unexpected error", exc_info=True)
        if args.verbose:
            import traceback

            traceback.print_exc()
        print(f"mucluc: unexpected {type(exc).__name__}: {exc} (run with -v for detail)"[:500],
              file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
