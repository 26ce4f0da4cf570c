"""``mucluc load PATH --library CODE``: load a MARC, MARCXML, CSV or Excel file (or a folder).

Prints the summary the librarian reads (counts, the balance ``records in = new + updated +
unchanged + deleted + skipped + merged``, files read and not read, the first problems and
warnings) and writes the full report as JSON. Exit status (documented in docs/loading.md):
0 everything loaded; 3 loaded with problems (records skipped, files unreadable); 1 nothing
loaded (every file empty, unreadable or refused); 2 bad usage or configuration.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

from harvesters.files import read_path
from harvesters.reports import RunReport, write_load_report
from indexer import engine
from indexer.indices import ensure_indices
from indexer.load import Loader, SourceItem
from mucluc.cli.common import config_path, reports_directory, run
from mucluc.cli.progress import Progress
from mucluc.core.config import Config, load_config
from mucluc.core.errors import SourceError

SHOWN = 10


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
    report = RunReport(library=library.code, source=str(path), location=str(path))
    run(load_path(config, library.code, path, args.format, report))
    written = write_load_report(reports_directory(), report)
    print(f"{library.name} ({library.code}): {report.line()}")
    print(f"  {report.balance()}")
    show(report)
    print(f"  report: {written}")
    return report.exit_code()


def show(report: RunReport) -> None:
    """The first files not read, problems and warnings, on stderr (all are in the report)."""
    unread = [f for f in report.files if f["status"] != "read"]
    for entry in unread[:SHOWN]:
        hint = f" ({entry['hint']})" if entry.get("hint") else ""
        print(f"  file {entry['status']}: {entry['file']}: {entry['detail']}{hint}",
              file=sys.stderr)
    for problem in report.problems[:SHOWN]:
        print(f"  skipped: {problem.describe()}", file=sys.stderr)
    if report.skipped > SHOWN:
        print(f"  … and {report.skipped - SHOWN} more skipped", file=sys.stderr)
    warnings = [w for w in report.warnings if w.kind not in {"file", "empty"}]
    for notice in warnings[:SHOWN]:
        print(f"  warning: {notice.describe()}", file=sys.stderr)
    if len(warnings) > SHOWN:
        print(f"  … and {len(warnings) - SHOWN} more warnings", file=sys.stderr)
    if report.repairs:
        print(f"  {report.repaired} records had legacy-encoded text repaired")


async def load_path(config: Config, code: str, path: Path, fmt: str = "auto",
                    report: RunReport | None = None) -> RunReport:
    report = report if report is not None else RunReport(library=code, source=str(path))
    async with engine.connected() as client:
        prefix = engine.index_prefix()
        await ensure_indices(client, prefix)
        with Progress([code], verb="loading") as progress:
            progress.start(code)
            loader = Loader(client, prefix, config.libraries, progress=progress.callback(code))
            items: Iterator[SourceItem] = read_path(path, library=code, fmt=fmt)
            await loader.load(items, report)
            report.finish(report.seconds)
            progress.finish(code, report)
    return report
