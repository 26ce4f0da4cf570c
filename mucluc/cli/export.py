"""``mucluc export offline --out DIR [--library CODE …] [--kind KIND …]``: the offline catalogue.

Writes the static site of :mod:`searchapi.offline` (see docs/offline.md): the books held by the
chosen libraries (every library when none is chosen), each with all its holdings. Progress goes
to stderr on long runs; the summary line (books, files, size raw and compressed) to stdout.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from indexer.store import Store
from mucluc.cli.common import config_path, run
from mucluc.core.config import load_config
from mucluc.core.library import KINDS
from searchapi.offline.export import DEFAULT_TITLE, export_offline

PROGRESS_EVERY = 10.0  # seconds between progress lines


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("export", help="export the catalogue for use elsewhere")
    formats = parser.add_subparsers(dest="export_format", metavar="FORMAT", required=True)
    offline = formats.add_parser(
        "offline",
        help="a static site that searches with no network (USB stick, static server, PWA)",
    )
    offline.add_argument("--out", required=True, metavar="DIR", help="folder to write the site to")
    offline.add_argument(
        "--library", action="append", default=[], metavar="CODE",
        help="only books held by this library (repeatable; default: every library)",
    )
    offline.add_argument(
        "--kind", action="append", default=[], choices=KINDS,
        help="only books held by libraries of this kind (repeatable)",
    )
    offline.add_argument("--title", default=DEFAULT_TITLE, help="the site's title")
    offline.set_defaults(run=main)


def main(args: argparse.Namespace) -> int:
    config = load_config(config_path(args))
    codes = [config.library(code).code for code in args.library]
    last = [time.monotonic()]

    def progress(count: int) -> None:
        if time.monotonic() - last[0] >= PROGRESS_EVERY:
            last[0] = time.monotonic()
            print(f"export offline: {count:,} books read", file=sys.stderr, flush=True)

    async def body() -> int:
        async with Store.open() as store:
            summary = await export_offline(
                store, Path(args.out), libraries=config.libraries, codes=codes,
                kinds=args.kind, title=args.title, progress=progress,
            )
        print(summary.line())
        if summary.books == 0:
            print("mucluc: no books matched: the site is empty", file=sys.stderr)
            return 1
        return 0

    return run(body())
