"""``mucluc harvest [CODE|SOURCE ...]``: run the configured sources and load what they send.

Every ``[[library.sources]]`` table of the named libraries (all of them by default; a source's
name may be given instead of a library code) is harvested by :func:`harvesters.sources.
harvest_source`, at most ``--concurrency`` sources at a time. Fetching and parsing run
concurrently; storing goes through one shared :class:`indexer.load.Loader` one batch at a time,
because clustering a batch must see every record stored before it (two batches clustered at once
could each miss the other's copy of the same book).

The checkpoint contract (:mod:`harvesters.checkpoints`) is kept: a batch is committed only after
it is stored, so a killed harvest resumes with no loss and no duplicates. A process killed *while*
a batch is being stored is covered by the in-flight markers of
:class:`indexer.store.recovery.HarvestStore`: a run that finds one rebuilds those clusters first.

A failing source is reported and does not stop the others; the exit status is 1 if any failed.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harvesters.reports import RunReport, location, write_run_report
from harvesters.sources import harvest_source, source_name
from indexer.load import Loader
from indexer.migrations import rekey_oai_records
from indexer.node import default_home
from indexer.store import Store
from indexer.store.recovery import HarvestStore
from mucluc.cli.common import config_path, reports_directory, run
from mucluc.cli.progress import Progress
from mucluc.core.config import Config, load_config
from mucluc.core.errors import ConfigError, MuclucError
from mucluc.core.library import Library

SHOWN_PROBLEMS = 5


@dataclass(frozen=True)
class Job:
    """One source of one library, as configured."""

    library: Library
    spec: Mapping[str, Any]
    name: str

    @property
    def protocol(self) -> str:
        return str(self.spec.get("protocol", ""))


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "harvest", help="harvest the configured sources (OAI-PMH, SRU, inbox folders)"
    )
    parser.add_argument(
        "targets", nargs="*", metavar="CODE",
        help="library codes (or source names) to harvest; default: every library",
    )
    parser.add_argument(
        "--full", action="store_true",
        help="ignore the incremental `from` of the last run and ask for every record",
    )
    parser.add_argument(
        "--concurrency", type=int, default=3, metavar="N",
        help="sources harvested at the same time (default: 3)",
    )
    parser.add_argument(
        "--batch-size", type=int, default=500, metavar="N", help=argparse.SUPPRESS
    )
    parser.set_defaults(run=main)


def state_directory() -> Path:
    """Checkpoints and in-flight markers of harvests (``$MUCLUC_HOME/harvest``)."""
    return default_home() / "harvest"


def all_jobs(config: Config) -> list[Job]:
    """Every configured source (load_config checked them, names unique across the file)."""
    return [
        Job(library, spec, source_name(library.code, spec, index))
        for library in config.libraries.values()
        for index, spec in enumerate(library.sources)
    ]


def select_jobs(config: Config, targets: Sequence[str]) -> list[Job]:
    jobs = all_jobs(config)
    if not targets:
        return jobs
    names = {job.name for job in jobs}
    chosen: list[Job] = []
    for target in targets:
        if target not in config.libraries and target not in names:
            config.library(target)  # raises ConfigError naming the known codes
        chosen += [j for j in jobs if target in (j.library.code, j.name) and j not in chosen]
    return chosen


def main(args: argparse.Namespace) -> int:
    if args.concurrency < 1:
        raise ConfigError("--concurrency must be at least 1")
    config = load_config(config_path(args))
    jobs = select_jobs(config, args.targets)
    if not jobs:
        print("no sources configured for these libraries (see docs/harvesting.md)")
        return 0
    reports = run(harvest_all(config, jobs, full=args.full, concurrency=args.concurrency,
                              batch_size=args.batch_size))
    for report in reports:
        print(summary_line(report))
        for problem in report.problems[:SHOWN_PROBLEMS]:
            print(f"  rejected: {problem.describe()}", file=sys.stderr)
        if report.rejected > SHOWN_PROBLEMS:
            print(f"  … and {report.rejected - SHOWN_PROBLEMS} more", file=sys.stderr)
        for entry in [f for f in report.files if f["status"] != "read"][:SHOWN_PROBLEMS]:
            hint = f" ({entry['hint']})" if entry.get("hint") else ""
            print(f"  file {entry['status']}: {entry['file']}: {entry['detail']}{hint}",
                  file=sys.stderr)
        print(f"  {report.balance()}")
        print(f"  report: {report.report}")
    return 0 if all(r.ok for r in reports) else 1


def summary_line(report: RunReport) -> str:
    head = f"{report.library} {report.source} ({report.protocol})"
    if report.ok:
        return f"{head}: ok, {report.counts()} in {report.seconds:.1f} s"
    return f"{head}: FAILED ({report.counts()}): {report.error}"


async def harvest_all(
    config: Config,
    jobs: Sequence[Job],
    *,
    full: bool = False,
    concurrency: int = 3,
    batch_size: int = 500,
    state_dir: Path | None = None,
    reports_dir: Path | None = None,
) -> list[RunReport]:
    """Harvest ``jobs`` (at most ``concurrency`` at once); one written report per job, in order."""
    state_dir = state_dir or state_directory()
    reports_dir = reports_dir or reports_directory()
    async with Store.open() as catalogue:
        await catalogue.ensure_indices()
        rekeyed = await rekey_oai_records(catalogue, config.libraries)  # issue #11 stores
        if rekeyed.found:
            print(rekeyed.line(), file=sys.stderr)
        store = HarvestStore(catalogue, Loader(catalogue, config.libraries),
                             state_dir / "in-flight")
        limit = asyncio.Semaphore(concurrency)
        with Progress([job.name for job in jobs]) as display:

            async def bounded(job: Job) -> RunReport:
                async with limit:
                    return await harvest_one(config, job, store, display, state_dir=state_dir,
                                             full=full, batch_size=batch_size)

            reports = await asyncio.gather(*(bounded(job) for job in jobs))
            await store.drain()
        for report in reports:
            await asyncio.to_thread(write_run_report, reports_dir, report)
        await catalogue.refresh("union")
    return list(reports)


async def harvest_one(
    config: Config,
    job: Job,
    store: HarvestStore,
    display: Progress,
    *,
    state_dir: Path,
    full: bool,
    batch_size: int,
) -> RunReport:
    """Run one source to its end or its first error; never raises for the source's own faults."""
    report = RunReport(library=job.library.code, source=job.name, protocol=job.protocol,
                       location=location(job.spec, config.base), full=full)
    summary = report  # the Loader counts into the report itself
    started = time.perf_counter()
    display.start(job.name)
    try:
        await store.repair(job.name)
        async for batch in harvest_source(job.library.code, job.spec, state_dir=state_dir,
                                          name=job.name, base_dir=config.base,
                                          batch_size=batch_size, full=full):
            records = report.intake(batch.records)
            await store.store_batch(job.name, records, summary)
            await batch.commit()
            await store.settle(job.name)
            display.update(job.name, report, batch.label)
        report.status = "ok"
    except MuclucError as exc:
        report.status, report.error = "failed", exc.one_line()
    except Exception as exc:  # noqa: BLE001 - one source's bug must not stop the others
        report.status, report.error = "failed", f"unexpected {type(exc).__name__}: {exc}"
    report.finish(time.perf_counter() - started)
    display.finish(job.name, report)
    return report


