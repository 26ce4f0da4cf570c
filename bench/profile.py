"""Profiles of the hot paths, as text: ``python -m bench.profile ingest|harvest|harvest_catalogue``.

Not part of ``make bench`` (the profiler's overhead would distort the ratios); it prints what
``docs/performance.md`` quotes: the engine's share of the wall time (every store call timed
through :attr:`indexer.store.Store.observer`), and cProfile's top functions by own time and by
cumulative time. ``MUCLUC_PROFILE_RECORDS`` (default 10,000) sets the size.
"""

from __future__ import annotations

import asyncio
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench.common import engine_url
from harvesters.files import read_path
from indexer.load import Loader
from indexer.store import Store
from indexer.store.client import make_client
from mucluc.core.library import Library
from mucluc.demo.generate import write_marc_file

RECORDS = int(os.environ.get("MUCLUC_PROFILE_RECORDS", "10000"))
LIBRARY = {"BENCH": Library("BENCH", "Thư viện thử nghiệm", "provincial")}
TOP = 25


class _Timer:
    """Store observer: seconds and calls per engine operation."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)

    def __call__(self, operation: str, seconds: float, ok: bool) -> None:
        self.seconds[operation] += seconds
        self.calls[operation] += 1

    def lines(self, wall: float) -> list[str]:
        rows = sorted(self.seconds.items(), key=lambda kv: -kv[1])
        return [
            f"  {op:<10} {self.calls[op]:>6} calls {secs:8.2f} s  {secs / wall:6.1%} of wall"
            for op, secs in rows
        ]


def _stats(profile: cProfile.Profile) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats("tottime").print_stats(TOP)
    stats.sort_stats("cumulative").print_stats(TOP)
    return out.getvalue()


async def _ingest(url: str, marc: Path) -> None:
    engine = make_client(url, timeout=300)
    store = Store(engine, "bench-profile", timeout=300)
    try:
        await store.drop_all()
        await store.ensure_indices()
        timer = _Timer()
        store.observer = timer
        loader = Loader(store, LIBRARY, batch_size=1000)
        for label in ("first load", "unchanged reload"):
            timer.seconds.clear()
            timer.calls.clear()
            profile = cProfile.Profile()
            started = time.perf_counter()
            profile.enable()
            summary = await loader.load(read_path(marc, library="BENCH"))
            profile.disable()
            wall = time.perf_counter() - started
            print(f"\n### {label}: {summary.loaded:,} records in {wall:.1f} s "
                  f"({summary.loaded / wall:,.0f} records/s); engine calls:")
            print("\n".join(timer.lines(wall)))
            print(_stats(profile))
        await store.drop_all()
    finally:
        await engine.close()


def ingest() -> None:
    with tempfile.TemporaryDirectory(prefix="mucluc-profile-") as tmp:
        marc = Path(tmp) / "generated.mrc"
        write_marc_file(marc, RECORDS)
        with engine_url() as url:
            asyncio.run(_ingest(url, marc))


def harvest() -> None:
    """The harvester alone (fetch, parse, map; no engine) over the benchmark's local provider."""
    from bench.harvest import _start_provider
    from bench.harvest import harvest as run_harvest

    provider, base = _start_provider()
    try:
        profile = cProfile.Profile()
        started = time.perf_counter()
        profile.enable()
        records, _ = asyncio.run(run_harvest(base, RECORDS, mapped=True))
        profile.disable()
        wall = time.perf_counter() - started
    finally:
        provider.terminate()
        provider.wait(timeout=30)
    print(f"\n### harvest + map: {records:,} records in {wall:.1f} s "
          f"({records / wall:,.0f} records/s)")
    print(_stats(profile))


async def _harvest_catalogue(url: str, base: str, work: Path) -> None:
    from indexer.harvest_run import Job, Places, harvest_jobs

    engine = make_client(url, timeout=300)
    store = Store(engine, "bench-profile-harvest", timeout=300)
    spec = {"protocol": "oai-pmh", "url": f"{base}/{RECORDS}"}
    jobs = [Job(LIBRARY["BENCH"], spec, "BENCH-oai")]
    places = Places(work, work / "state", work / "reports")
    try:
        await store.drop_all()
        await store.ensure_indices()
        timer = _Timer()
        store.observer = timer
        for label in ("first harvest", "re-harvest of the unchanged library"):
            timer.seconds.clear()
            timer.calls.clear()
            profile = cProfile.Profile()
            started = time.perf_counter()
            profile.enable()
            (report,) = await harvest_jobs(store, LIBRARY, jobs, places, full=True)
            profile.disable()
            wall = time.perf_counter() - started
            print(f"\n### {label}: {report.fetched:,} records ({report.new:,} new, "
                  f"{report.unchanged:,} unchanged) in {wall:.1f} s "
                  f"({report.fetched / wall:,.0f} records/s); engine calls:")
            print("\n".join(timer.lines(wall)))
            print(_stats(profile))
        await store.drop_all()
    finally:
        await engine.close()


def harvest_catalogue() -> None:
    """The harvest command's loop (fetch, parse, store, cluster, union, checkpoint) into a
    catalogue, then the same harvest again (nothing changed)."""
    from bench.harvest import _start_provider

    provider, base = _start_provider(RECORDS)
    try:
        with tempfile.TemporaryDirectory(prefix="mucluc-profile-") as tmp, \
                engine_url() as url:
            asyncio.run(_harvest_catalogue(url, base, Path(tmp)))
    finally:
        provider.terminate()
        provider.wait(timeout=30)


def main(argv: list[str]) -> int:
    targets: dict[str, Any] = {"ingest": ingest, "harvest": harvest,
                               "harvest_catalogue": harvest_catalogue}
    for name in argv or list(targets):
        targets[name]()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
