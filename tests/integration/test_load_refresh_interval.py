"""A load writes with the engine's periodic refresh slowed down, and always puts it back.

While `Loader.load` runs, the raw store and the union index refresh on their own only every
LOAD_REFRESH_INTERVAL (the load refreshes what its lookups need itself): the periodic refreshes
of the default interval cut every batch into small segments the engine merges later, most of
the engine's extra CPU in a load (docs/performance.md, sixth session). When the load returns,
failed or not, the interval is REFRESH_INTERVAL again, and a finished load's books are
searchable at once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from opensearchpy import AsyncOpenSearch

from harvesters.records import SourceRecord
from indexer.schema import LOAD_REFRESH_INTERVAL, REFRESH_INTERVAL
from indexer.store import alias
from tests.catalogue import catalogue as build_catalogue
from tests.marc_builders import book

pytestmark = pytest.mark.engine

KINDS = ("records", "union")


async def intervals(engine: AsyncOpenSearch, prefix: str) -> dict[str, str]:
    """kind → the refresh interval its index is set to now."""
    found = {}
    for kind in KINDS:
        answer = await engine.indices.get_settings(
            index=alias(prefix, kind), name="index.refresh_interval"
        )
        (settings,) = answer.values()
        found[kind] = settings["settings"]["index"]["refresh_interval"]
    return found


def record(n: int) -> SourceRecord:
    marc = book(f"R{n}", f"Địa chí huyện Mường Nhé, tập {n}", author=f"Tác giả {n}")
    return SourceRecord(library="DBI", source="test", local_id=f"R{n}", record=marc)


class Interrupted(Exception):
    """The source of a load fails half way."""


async def test_a_load_slows_the_periodic_refresh_and_puts_it_back(
    engine: AsyncOpenSearch, index_prefix: str
) -> None:
    prefix = f"{index_prefix}-refresh"
    seen: list[dict[str, str]] = []

    async def items() -> AsyncIterator[SourceRecord]:
        for n in range(6):
            if n == 3:  # two batches of two stored, the load still running
                seen.append(await intervals(engine, prefix))
            yield record(n)

    async with build_catalogue(engine, prefix, ("DBI",), batch_size=2) as built:
        assert await intervals(engine, prefix) == dict.fromkeys(KINDS, REFRESH_INTERVAL)
        summary = await built.loader.load(items())
        assert summary.new == 6, summary.problems
        assert seen == [dict.fromkeys(KINDS, LOAD_REFRESH_INTERVAL)]
        assert await intervals(engine, prefix) == dict.fromkeys(KINDS, REFRESH_INTERVAL)
        # searchable as soon as the load returns, without waiting for any periodic refresh
        found = await engine.count(index=alias(prefix, "union"))
        assert found["count"] == 6


async def test_a_failing_load_puts_the_refresh_interval_back(
    engine: AsyncOpenSearch, index_prefix: str
) -> None:
    prefix = f"{index_prefix}-refresh-failing"

    async def items() -> AsyncIterator[SourceRecord]:
        for n in range(5):
            yield record(n)
        raise Interrupted

    async with build_catalogue(engine, prefix, ("DBI",), batch_size=2) as built:
        with pytest.raises(Interrupted):
            await built.loader.load(items())
        assert await intervals(engine, prefix) == dict.fromkeys(KINDS, REFRESH_INTERVAL)
