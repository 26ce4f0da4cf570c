"""``mucluc harvest [CODE|SOURCE ...]``: run the configured sources and load what they send.

Every ``[[library.sources]]`` table of the named libraries (all of them by default; a source's
name may be given instead of a library code) is harvested by the one harvest loop,
:func:`indexer.harvest_run.harvest_jobs` (the scheduler of ``mucluc serve`` runs it too), at
most ``--concurrency`` sources at a time, with a progress display on stderr.

A failing source is reported and does not stop the others; the exit status is 1 if any failed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from harvesters.reports import RunReport
from indexer.harvest_run import Job, Places, harvest_jobs
from indexer.harvest_run import all_jobs as jobs_of
from indexer.node import default_home
from indexer.store import Store
from mucluc.cli.common import config_path, reports_directory, run
from mucluc.cli.progress import Progress
from mucluc.core.config import Config, load_config
from mucluc.core.errors import ConfigError

SHOWN_PROBLEMS = 5


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
    return jobs_of(config.libraries)


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
    """Harvest ``jobs`` (at most ``concurrency`` at once); one written report per job, in order.

    The loop itself is :func:`indexer.harvest_run.harvest_jobs` (the scheduler runs it too)."""
    places = Places(config.base, state_dir or state_directory(),
                    reports_dir or reports_directory())
    async with Store.open() as catalogue:
        with Progress([job.name for job in jobs]) as display:
            return await harvest_jobs(catalogue, config.libraries, jobs, places, full=full,
                                      concurrency=concurrency, batch_size=batch_size,
                                      display=display)
