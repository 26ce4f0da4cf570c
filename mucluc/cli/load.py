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

from harvesters.files import files_of, read_path
from harvesters.records import Notice, RecordProblem, SourceRecord
from harvesters.reports import RunReport, write_load_report
from indexer.load import Loader, SourceItem
from indexer.store import Store
from mucluc.cli.common import config_path, reports_directory, run
from mucluc.cli.progress import Progress
from mucluc.core.config import Config, load_config

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
    parser.add_argument(
        "--keep-missing",
        action="store_true",
        help="keep books loaded from these files before that are no longer in them "
        "(default: withdraw them, with a report line each)",
    )
    parser.set_defaults(run=main)


def main(args: argparse.Namespace) -> int:
    config = load_config(config_path(args))
    library = config.library(args.library)
    path = Path(args.path)
    files_of(path)  # a missing path or an empty folder is an error before anything starts
    report = RunReport(library=library.code, source=str(path), location=str(path))
    run(load_path(config, library.code, path, args.format, report,
                  withdraw=not args.keep_missing))
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
                    report: RunReport | None = None, *, withdraw: bool = True) -> RunReport:
    """Load ``path`` into the catalogue, counting into ``report``; then withdraw (or, with
    ``withdraw=False``, only list) the books an earlier load of the same files stored that are
    no longer in them."""
    report = report if report is not None else RunReport(library=code, source=str(path))
    seen = _Seen()
    async with Store.open() as store:
        await store.ensure_indices()
        with Progress([code], verb="loading") as progress:
            progress.start(code)
            loader = Loader(store, config.libraries, progress=progress.callback(code))
            items: Iterator[SourceItem] = seen.watch(read_path(path, library=code, fmt=fmt))
            await loader.load(items, report)
            await _missing(loader, code, seen, report, withdraw=withdraw)
            report.finish(report.seconds)
            progress.finish(code, report)
    return report


class _Seen:
    """The local ids each file delivered, and the files that cannot say which books they hold
    (unreadable, or with a record skipped before its id could be read)."""

    def __init__(self) -> None:
        self.ids: dict[str, set[str]] = {}
        self.uncertain: set[str] = set()

    def watch(self, items: Iterator[SourceItem]) -> Iterator[SourceItem]:
        for item in items:
            if isinstance(item, SourceRecord):
                self.ids.setdefault(item.source, set()).add(item.local_id)
            elif isinstance(item, RecordProblem):
                self.ids.setdefault(item.source, set()).add(item.record_id)
                if not item.record_id:
                    self.uncertain.add(item.source)
            elif item.kind == "merged":
                self.ids.setdefault(item.source, set()).add(item.record_id)
            elif item.kind in {"file", "empty"}:
                self.uncertain.add(item.source)
            yield item

    def complete_files(self) -> list[str]:
        return sorted(set(self.ids) - self.uncertain)


async def _missing(loader: Loader, code: str, seen: _Seen, report: RunReport, *,
                   withdraw: bool) -> None:
    files = seen.complete_files()
    if not files:
        return
    stored = await loader.stored_from(code, files)
    present = set().union(*(seen.ids[f] for f in files))
    gone = sorted(local for local in stored.values() if local not in present)
    if not gone:
        return
    action = "withdrawn" if withdraw else "kept (--keep-missing)"
    for local_id in gone:
        report.warnings.append(Notice(
            ", ".join(files) if len(files) == 1 else "(these files)", f"no longer in the file: "
            f"{action}", record_id=local_id, kind="withdrawn" if withdraw else "missing",
            library=code, hint="" if withdraw else "withdraw it in a later load"))
    if not withdraw:
        return
    batch = [SourceRecord(code, "", local_id, None, deleted=True) for local_id in gone]
    before = report.deleted
    for start in range(0, len(batch), loader.batch_size):
        await loader.load_batch(batch[start : start + loader.batch_size], report)
    report.withdrawn += report.deleted - before
    report.deleted = before  # withdrawals did not come in: they stay out of the balance
