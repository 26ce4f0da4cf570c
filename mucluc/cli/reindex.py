"""``mucluc reindex``: rebuild the union index from the raw store and swap the alias."""

from __future__ import annotations

import argparse

from indexer.reindex import reindex
from indexer.store import Store
from mucluc.cli.common import config_path, run
from mucluc.core.config import load_config


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "reindex", help="rebuild the union index from the stored records (no re-harvest)"
    )
    parser.set_defaults(run=main)


def main(args: argparse.Namespace) -> int:
    config = load_config(config_path(args))

    async def body() -> None:
        async with Store.open() as store:
            result = await reindex(store, config.libraries)
            print(
                f"Rebuilt {result.union_documents} books from {result.records} records into "
                f"{result.index} in {result.seconds:.1f} s; the alias now points at it"
            )

    run(body())
    return 0
