"""``mucluc backup [list] [--keep N]`` and ``mucluc restore [NAME] [--replace]``.

A backup is an engine snapshot of every index of the catalogue plus its configuration file, in
the filesystem repository ``MUCLUC_BACKUP_DIR`` (see :mod:`indexer.backup` and
docs/operations.md for the schedule and retention). A restore goes into an empty cluster (or,
with ``--replace``, over the catalogue); the configuration saved with the backup is written
beside the reports for the operator to compare with the one in use, never over it.
"""

from __future__ import annotations

import argparse

from indexer import backup
from indexer.node import default_home
from indexer.store import Store
from mucluc.cli.common import config_path, run
from mucluc.core import settings


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "backup", help="snapshot the catalogue (records, union, configuration, access data)"
    )
    parser.add_argument("action", nargs="?", choices=("list",),
                        help="list the catalogue's backups instead of taking one")
    parser.add_argument("--keep", type=int, default=0, metavar="N",
                        help="after the backup, delete the oldest so that N remain")
    parser.set_defaults(run=main)
    restore = commands.add_parser("restore", help="restore a backup (default: the newest)")
    restore.add_argument("name", nargs="?", help="the backup's name (see `mucluc backup list`)")
    restore.add_argument("--replace", action="store_true",
                         help="delete the catalogue's indices first if they exist")
    restore.set_defaults(run=restore_main)


def main(args: argparse.Namespace) -> int:
    location = settings.backup_dir()

    async def body() -> int:
        async with Store.open() as store:
            if args.action == "list":
                found = await backup.snapshots(store, location)
                for shot in found:
                    print(f"{shot.name}  {shot.state}  {shot.started}  "
                          f"{shot.records} records, {shot.books} books, "
                          f"{len(shot.indices)} indices")
                if not found:
                    print(f"no backup of {store.prefix!r} in {location}")
                return 0
            path = config_path(args) or settings.config_file()
            text = path.read_text(encoding="utf-8") if path.is_file() else None
            shot = await backup.take(store, location, configuration=text)
            print(f"backup {shot.name}: {shot.records} records, {shot.books} books, "
                  f"{len(shot.indices)} indices, in {location}")
            if args.keep:
                for name in await backup.prune(store, location, args.keep):
                    print(f"deleted the old backup {name}")
            return 0

    return run(body())


def restore_main(args: argparse.Namespace) -> int:
    location = settings.backup_dir()

    async def body() -> int:
        async with Store.open() as store:
            restored = await backup.restore(store, location, args.name, replace=args.replace)
        shot = restored.snapshot
        print(f"restored {shot.name}: {len(restored.indices)} indices, "
              f"{shot.records} records, {shot.books} books")
        if restored.configuration is not None:
            saved = default_home() / "restored" / f"{shot.name}.toml"
            saved.parent.mkdir(parents=True, exist_ok=True)
            saved.write_text(restored.configuration, encoding="utf-8")
            print(f"the configuration saved with it: {saved} (compare it with yours)")
        return 0

    return run(body())
