"""Every hit's edition counts are reused for a while, within a bounded memory: in one process's
memory and in the table the API's workers share (searchapi/counts_table.py) alike."""

from __future__ import annotations

import asyncio

import pytest

from mucluc.core.errors import EngineError
from searchapi.counts_table import Kept, LocalCounts, SharedCounts
from searchapi.works import REFRESHES, WorkCounts


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["one process", "shared by the workers"])
def storage(request: pytest.FixtureRequest) -> Kept:
    return LocalCounts(10) if request.param == "one process" else SharedCounts(slots=64)


def test_counts_are_reused_until_they_expire(storage: Kept) -> None:
    clock = Clock()
    kept = WorkCounts(seconds=60, size=10, clock=clock, kept=storage)
    assert kept.missing(["b", "a", "a"]) == ["a", "b"]
    kept.remember({"a": (3, 2), "b": (1, 1)})
    assert kept.missing(["a", "b", "c"]) == ["c"]
    assert kept.known(["a", "c"]) == {"a": (3, 2)}
    clock.now = 59.9
    assert kept.missing(["a"]) == []
    clock.now = 60.0
    assert kept.missing(["a", "b"]) == ["a", "b"]
    kept.remember({"a": (4, 3)})
    assert kept.known(["a"]) == {"a": (4, 3)}


def test_memory_is_bounded_least_recently_counted_first() -> None:
    kept = WorkCounts(seconds=60, size=3, clock=Clock())
    for n in range(10):
        kept.remember({f"w{n}": (n, 1)})
    assert kept.missing([f"w{n}" for n in range(10)]) == [f"w{n}" for n in range(7)]
    kept.remember({"w7": (7, 1)})  # counted again: now the most recent
    kept.remember({"x": (1, 1)})
    assert kept.missing(["w7", "w8", "w9", "x"]) == ["w8"]


def test_only_works_never_counted_are_unknown(storage: Kept) -> None:
    clock = Clock()
    kept = WorkCounts(seconds=60, size=10, clock=clock, kept=storage)
    kept.remember({"a": (3, 2)})
    clock.now = 61.0  # "a" expired: missing, but not unknown
    assert kept.missing(["a", "b"]) == ["a", "b"]
    assert kept.unknown(["a", "b", "b"]) == ["b"]


async def test_expired_counts_answer_while_they_are_counted_again(storage: Kept) -> None:
    clock = Clock()
    kept = WorkCounts(seconds=60, size=10, clock=clock, kept=storage)
    kept.remember({"a": (3, 2)})
    clock.now = 61.0
    release = asyncio.Event()

    async def count() -> dict[str, tuple[int, int]]:
        await release.wait()
        return {"a": (4, 3)}

    assert kept.refresh(["a"], count)
    assert kept.missing(["a"]) == []  # no other page asks again meanwhile
    assert kept.known(["a"]) == {"a": (3, 2)}  # the old counts answer
    release.set()
    await kept.close_when_idle()
    assert kept.known(["a"]) == {"a": (4, 3)}


async def test_a_failed_refresh_keeps_the_old_counts(storage: Kept) -> None:
    clock = Clock()
    kept = WorkCounts(seconds=60, size=10, clock=clock, kept=storage)
    kept.remember({"a": (3, 2)})
    clock.now = 61.0

    async def count() -> dict[str, tuple[int, int]]:
        raise EngineError("the engine is away")

    assert kept.refresh(["a"], count)
    await kept.close_when_idle()
    assert kept.known(["a"]) == {"a": (3, 2)}
    assert kept.missing(["a"]) == []  # asked again after another period
    clock.now = 122.0
    assert kept.missing(["a"]) == ["a"]


async def test_refreshes_in_flight_are_bounded_and_cancelled_on_close(storage: Kept) -> None:
    kept = WorkCounts(seconds=60, size=10, clock=Clock(), kept=storage)
    never = asyncio.Event()

    async def count() -> dict[str, tuple[int, int]]:
        await never.wait()
        return {}

    started = [kept.refresh([f"w{n}"], count) for n in range(REFRESHES + 2)]
    assert started == [True] * REFRESHES + [False, False]
    await kept.close()
    assert kept.refresh(["x"], count)  # room again once they are gone
    await kept.close()


async def test_counts_stay_fresh_while_the_catalogue_is_unchanged(storage: Kept) -> None:
    clock = Clock()
    kept = WorkCounts(seconds=60, size=10, clock=clock, kept=storage)
    versions = iter(["v1", "v1", "v2"])

    async def fingerprint() -> str:
        return next(versions)

    kept.check(fingerprint)
    await kept.close_when_idle()
    kept.remember({"a": (3, 2)})  # counted under "v1"
    kept.check(fingerprint)  # checked 0 s ago: nothing asked
    clock.now = 70.0
    assert kept.missing(["a"]) == ["a"]  # expired, and the last check is a period old
    kept.check(fingerprint)
    await kept.close_when_idle()
    assert kept.missing(["a"]) == []  # still "v1": the counts hold
    clock.now = 140.0
    kept.check(fingerprint)
    await kept.close_when_idle()
    assert kept.missing(["a"]) == ["a"]  # "v2": a load changed the catalogue


async def test_a_failed_check_is_tried_again_at_the_next_search(storage: Kept) -> None:
    clock = Clock()
    kept = WorkCounts(seconds=60, size=10, clock=clock, kept=storage)
    calls = []

    async def fingerprint() -> str:
        calls.append(clock.now)
        raise EngineError("the engine is away")

    kept.check(fingerprint)
    await kept.close_when_idle()
    kept.check(fingerprint)
    await kept.close_when_idle()
    assert calls == [0.0, 0.0]
    assert kept.fingerprint is None


async def test_a_workers_first_counts_wait_for_the_catalogues_fingerprint(
    storage: Kept,
) -> None:
    clock = Clock()
    kept = WorkCounts(seconds=60, size=10, clock=clock, kept=storage)
    answered = asyncio.Event()

    async def fingerprint() -> str:
        await answered.wait()
        return "v1"

    kept.check(fingerprint)  # the worker's first search asks, behind the answer
    waiting = asyncio.create_task(kept.checked())
    await asyncio.sleep(0)
    assert not waiting.done()  # the first counts wait for it
    answered.set()
    await waiting
    kept.remember({"a": (3, 2)})  # counted under "v1"
    await kept.checked()  # known now: nothing to wait for
    clock.now = 70.0
    kept.check(fingerprint)
    await kept.close_when_idle()
    assert kept.missing(["a"]) == []  # still "v1": no second count of a worker's first pages


async def test_the_fingerprint_is_checked_again_before_the_last_check_lapses(
    storage: Kept,
) -> None:
    clock = Clock()
    kept = WorkCounts(seconds=60, size=10, clock=clock, kept=storage)
    calls = []

    async def fingerprint() -> str:
        calls.append(clock.now)
        return "v1"

    kept.check(fingerprint)
    await kept.close_when_idle()
    kept.remember({"a": (3, 2)})
    clock.now = 35.0
    kept.check(fingerprint)  # half a period: checked again while the last check holds
    await kept.close_when_idle()
    clock.now = 65.0  # the counts' period is over, the check at 35 s still holds
    assert kept.missing(["a"]) == []
    assert calls == [0.0, 35.0]
