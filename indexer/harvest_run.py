"""Running configured sources into a catalogue: the one harvest loop, for the command line
(``mucluc harvest``) and the scheduler (:mod:`indexer.scheduler`) alike.

Every source of a library (a ``[[library.sources]]`` table) is a :class:`Job`. Fetching and
parsing run concurrently; storing goes through one shared :class:`indexer.load.Loader` one batch
at a time, because clustering a batch must see every record stored before it. Records the
harvester did not decode (the catalogue holds them as they are,
:class:`~harvesters.unchanged.KnownHarvested`) are counted, not stored.

The checkpoint contract (:mod:`harvesters.checkpoints`) is kept: a batch is committed only after
it is stored, so a killed harvest resumes with no loss and no duplicates. A process killed *while*
a batch is being stored is covered by the in-flight markers of
:class:`indexer.store.recovery.HarvestStore`: a run that finds one rebuilds those clusters first.
A failing source is reported (its RunReport says ``failed`` and why) and never stops the others.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from harvesters.records import SourceRecord
from harvesters.reports import RunReport, location, write_run_report
from harvesters.sources import harvest_source, source_name
from harvesters.unchanged import KnownHarvested
from indexer.load import Loader
from indexer.migrations import rekey_oai_records
from indexer.store import Store
from indexer.store.names import record_id
from indexer.store.recovery import HarvestStore
from mucluc.core.errors import MuclucError
from mucluc.core.library import Library


def count_undecoded(report: RunReport, records: list[SourceRecord]) -> list[SourceRecord]:
    """Count the records the harvester did not decode (the store holds them as they are) as
    the Loader would — unchanged, with their stored repairs — and return the others, to store.

    A record whose protocol identifier or id comes twice in the batch goes to the Loader all
    the same: it counts the earlier version merged."""
    keys = Counter(key for item in records for key in _keys(item))
    rest: list[SourceRecord] = []
    for item in records:
        if item.unchanged and all(keys[key] == 1 for key in _keys(item)):
            report.unchanged += 1
            report.repairs += [(record_id(item.library, item.local_id), repair)
                               for repair in item.repairs]
        else:
            rest.append(item)
    return rest


def _keys(item: SourceRecord) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What the Loader tells records of one batch apart by: the protocol record, the id."""
    return (("source", item.library, item.source_id or item.local_id),
            ("record", record_id(item.library, item.local_id)))


@dataclass(frozen=True)
class Job:
    """One source of one library, as configured."""

    library: Library
    spec: Mapping[str, Any]
    name: str

    @property
    def protocol(self) -> str:
        return str(self.spec.get("protocol", ""))


def all_jobs(libraries: Mapping[str, Library]) -> list[Job]:
    """Every configured source (load_config checked them, names unique across the file)."""
    return [
        Job(library, spec, source_name(library.code, spec, index))
        for library in libraries.values()
        for index, spec in enumerate(library.sources)
    ]


class Display(Protocol):
    """What a harvest tells as it goes (the command line draws bars; the scheduler nothing)."""

    def start(self, name: str) -> None: ...
    def update(self, name: str, report: RunReport, label: str) -> None: ...
    def finish(self, name: str, report: RunReport) -> None: ...


class Quiet:
    """A display that shows nothing (the scheduler's: its results are the reports)."""

    def start(self, name: str) -> None:
        pass

    def update(self, name: str, report: RunReport, label: str) -> None:
        pass

    def finish(self, name: str, report: RunReport) -> None:
        pass


@dataclass(frozen=True)
class Places:
    """Where harvest state lives: the folder relative source paths are read from (the
    configuration file's), checkpoints and in-flight markers, and written reports."""

    base: Path
    state: Path
    reports: Path


async def harvest_jobs(
    catalogue: Store,
    libraries: Mapping[str, Library],
    jobs: Sequence[Job],
    places: Places,
    *,
    full: bool = False,
    concurrency: int = 3,
    batch_size: int = 500,
    display: Display | None = None,
) -> list[RunReport]:
    """Harvest ``jobs`` into ``catalogue`` (at most ``concurrency`` at once); one written report
    per job, in order. Never raises for a source's own faults (see :func:`harvest_one`)."""
    display = display or Quiet()
    await catalogue.ensure_indices()
    rekeyed = await rekey_oai_records(catalogue, libraries)  # issue #11 stores
    if rekeyed.found:
        print(rekeyed.line(), file=sys.stderr)
    loader = Loader(catalogue, libraries)
    store = HarvestStore(catalogue, loader, places.state / "in-flight")
    # one for the run: an id any source yielded is decoded when it comes again (see unchanged)
    known = KnownHarvested(loader.raw.stored_harvested)
    limit = asyncio.Semaphore(concurrency)

    async def bounded(job: Job) -> RunReport:
        async with limit:
            return await harvest_one(job, store, display, places=places, full=full,
                                     batch_size=batch_size, known=known)

    reports = await asyncio.gather(*(bounded(job) for job in jobs))
    await store.drain()  # the last pages' union writes (they overlap the next fetch)
    for report in reports:
        await asyncio.to_thread(write_run_report, places.reports, report)
    await catalogue.refresh("union")
    return list(reports)


async def harvest_one(
    job: Job,
    store: HarvestStore,
    display: Display,
    *,
    places: Places,
    full: bool,
    batch_size: int,
    known: KnownHarvested | None = None,
) -> RunReport:
    """Run one source to its end or its first error; never raises for the source's own faults.

    With ``known``, OAI-PMH records the catalogue holds as they are are not decoded: they are
    counted unchanged (:class:`~harvesters.unchanged.KnownHarvested`)."""
    report = RunReport(library=job.library.code, source=job.name, protocol=job.protocol,
                       location=location(job.spec, places.base), full=full)
    summary = report  # the Loader counts into the report itself
    started = time.perf_counter()
    display.start(job.name)

    try:
        await store.repair(job.name)
        async for batch in harvest_source(job.library.code, job.spec, state_dir=places.state,
                                          name=job.name, base_dir=places.base,
                                          batch_size=batch_size, full=full, known=known):
            records = count_undecoded(report, report.intake(batch.records))
            if records:
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
