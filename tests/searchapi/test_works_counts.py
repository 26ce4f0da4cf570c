"""Every hit's edition counts are reused for a while, within a bounded memory."""

from __future__ import annotations

from searchapi.works import WorkCounts


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_counts_are_reused_until_they_expire() -> None:
    clock = Clock()
    kept = WorkCounts(seconds=60, size=10, clock=clock)
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
