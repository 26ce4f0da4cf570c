"""Two forked API workers answer the same work counts: the table `mucluc serve --workers N` makes
before it forks (searchapi/counts_table.py), on the real engine, across real processes.

As `mucluc serve` does, the table is made first and two workers are forked after it, each with
its own app, store and event loop; here each serves on its own port, so the test knows which
worker answers. Their counts' clock is one the test moves (a shared value), so "later than the
counts' period" needs no waiting.

The catalogue: the 1999 edition of Nguyễn Du's "Truyện Kiều"; then a load adds the 2015
edition (another library), which changes the work's counts.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import signal
import urllib.parse
import urllib.request
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from opensearchpy import AsyncOpenSearch

from indexer.node import free_port
from searchapi.counts_table import SharedCounts
from searchapi.server import serving
from searchapi.works import COUNTS_SECONDS, WORK_COUNTS, WorkCounts
from tests.catalogue import Catalogue, api_app, catalogue, libraries
from tests.integration.test_api_works import KIEU_1999, KIEU_2015
from tests.marc_builders import book

pytestmark = pytest.mark.engine

CODES = ("DBI", "TGI")
FIRST = {"DBI": [book("D1", "Truyện Kiều", **KIEU_1999)]}
LATER = {"TGI": [book("T2", "Truyện Kiều", **KIEU_2015)]}
START = 1_000.0  # the workers' clock (seconds) until the test moves it
ATTEMPTS = 200  # bounded waits: a worker listening, counts made behind an answer


def _worker(url: str, prefix: str, port: int, table: SharedCounts, clock: Any) -> None:
    """One worker, as `mucluc serve` forks it (its own app over the shared table), on ``port``."""

    async def run() -> None:
        app = api_app(url, prefix, libraries(*CODES), workers=2, count_searches=False,
                      work_counts=table)  # fmt: skip
        app[WORK_COUNTS] = WorkCounts(kept=table, clock=lambda: clock.value)
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        async with serving(app, "127.0.0.1", port):
            await stop.wait()

    asyncio.run(run())


async def _counts(port: int) -> tuple[int, int]:
    """The work counts (editions, libraries) of Nguyễn Du's "Truyện Kiều" as ``port`` answers."""
    query = urllib.parse.urlencode({"q": "truyện kiều nguyễn du"})
    url = f"http://127.0.0.1:{port}/api/v1/search?{query}"

    def get() -> Any:
        with urllib.request.urlopen(url, timeout=30) as answer:
            return json.loads(answer.read())

    hits = (await asyncio.to_thread(get))["hits"]
    works = {(h["work"]["editions"], h["work"]["libraries"]) for h in hits}
    assert len(works) == 1, hits
    return works.pop()


async def _listening(port: int) -> bool:
    for _ in range(ATTEMPTS):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as answer:
                if answer.status == 200:
                    return True
        except OSError:
            await asyncio.sleep(0.1)
    return False


@pytest.fixture
async def workers(
    engine: AsyncOpenSearch, opensearch_url: str, index_prefix: str, tmp_path: Path
) -> AsyncIterator[tuple[tuple[int, int], Any, Catalogue]]:
    """(the two workers' ports, their clock, the catalogue) over the first catalogue."""
    prefix = f"{index_prefix}-workers"
    async with catalogue(engine, prefix, CODES, FIRST, tmp_path / "first") as built:
        context = multiprocessing.get_context("fork")
        table = SharedCounts()  # before the fork, as `mucluc serve` makes it
        clock = context.RawValue("d", START)
        ports = (free_port(), free_port())
        processes = [
            context.Process(target=_worker, args=(opensearch_url, prefix, port, table, clock))
            for port in ports
        ]
        for process in processes:
            process.start()
        try:
            assert [await _listening(port) for port in ports] == [True, True]
            yield ports, clock, built
        finally:
            for process in processes:
                process.terminate()  # SIGTERM: the worker stops serving and closes its store
            for process in processes:
                await asyncio.to_thread(process.join, 30)
        assert [process.exitcode for process in processes] == [0, 0]


async def test_two_workers_answer_one_table_of_counts_and_a_load_changes_them(
    workers: tuple[tuple[int, int], Any, Catalogue], tmp_path: Path
) -> None:
    (first, second), clock, built = workers
    assert await _counts(first) == (1, 1)  # the first worker counts the work
    await built.load_marc(LATER, tmp_path / "later")
    # Within the counts' period the second worker answers the first one's counts: had it
    # counted for itself, it would see the edition just loaded.
    assert await _counts(second) == (1, 1)
    clock.value = START + COUNTS_SECONDS + 1  # the counts' period is over in both workers
    # The expired counts answer once more while they are counted again behind the answer.
    for _ in range(ATTEMPTS):
        if await _counts(first) == (2, 2):
            break
        await asyncio.sleep(0.05)
    assert await _counts(first) == (2, 2)
    assert await _counts(second) == (2, 2)  # counted by the first worker, answered by the second
