"""``mucluc load PATH --library CODE``: load a MARC, MARCXML, CSV or Excel file of one library."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

from harvesters.files import read_path
from harvesters.records import RecordProblem, SourceRecord
from indexer.load import Loader, LoadSummary
from indexer.store import Store
from mucluc.cli.common import config_path, end_progress, progress_printer, run, write_report
from mucluc.core.config import Config, load_config
from mucluc.core.errors import SourceError

SHOWN_PROBLEMS = 10


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("load", help="load a file of records from one library")
    parser.add_argument("path", help="a MARC (ISO 2709), MARCXML, CSV or XLSX file, or a folder")
    parser.add_argument(
        "--library", required=True, metavar="CODE", help="library code from mucluc.toml"
    )
    parser.add_argument(
        "--format",
        default="auto",
        choices=("auto", "marc", "marcxml", "csv", "xlsx"),
        help="file format (default: from the file)",
    )
    parser.set_defaults(run=main)


def main(args: argparse.Namespace) -> int:
    config = load_config(config_path(args))
    library = config.library(args.library)
    path = Path(args.path)
    if not path.exists():
        raise SourceError(f"{path} does not exist", source=str(path), hint="check the path")
    summary = run(load_path(config, library.code, path, args.format))
    report = write_report("load", library.code, str(path), summary)
    print(f"{library.name} ({library.code}): {summary.line()}")
    for problem in summary.problems[:SHOWN_PROBLEMS]:
        print(f"  skipped: {problem.describe()}", file=sys.stderr)
    if summary.skipped > SHOWN_PROBLEMS:
        print(f"  … and {summary.skipped - SHOWN_PROBLEMS} more", file=sys.stderr)
    if summary.repairs:
        print(f"  {summary.repaired_records} records had legacy-encoded text repaired")
    print(f"  report: {report}")
    return 0 if summary.loaded or not summary.skipped else 1


async def load_path(config: Config, code: str, path: Path, fmt: str = "auto") -> LoadSummary:
    async with Store.open() as store:
        await store.ensure_indices()
        loader = Loader(store, config.libraries, progress=progress_printer(code))
        items: Iterator[SourceRecord | RecordProblem] = read_path(path, library=code, fmt=fmt)
        try:
            return await loader.load(items)
        finally:
            end_progress()
