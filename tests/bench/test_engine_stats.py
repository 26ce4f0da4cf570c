"""The engine's profile in `bench ingest`: snapshots subtract per index, group by catalogue and
kind, and the CPU account's JVM thread groups count only what was spent since the first reading.
"""

from __future__ import annotations

import pytest

from bench import cpu_account
from bench.cpu_account import CpuAccount
from bench.engine_stats import INDEX_COUNTERS, EngineStats, rows


def counters(**values: float) -> dict[str, float]:
    found = dict.fromkeys((column for column, _, _ in INDEX_COUNTERS), 0.0)
    found.update({k.replace("_", " "): v for k, v in values.items()})
    return found


BEFORE = EngineStats(
    {"bench-ingest-records-20261202t1": counters(indexed=10, refreshes=2),
     "bench-baseline1-union-20261202t2": counters(indexed=5)},
    {"gc young ms": 100.0},
)
AFTER = EngineStats(
    {"bench-ingest-records-20261202t1": counters(indexed=30, refreshes=5),
     "bench-ingest-union-20261202t3": counters(indexed=7),  # created in between
     "bench-ingest-tombstones-20261202t4": counters(),  # did nothing
     "other-records-20261202t5": counters(indexed=1)},
    {"gc young ms": 130.0},
)


@pytest.mark.parametrize(("prefix", "expected"), [
    ("bench-ingest", {"records": {"indexed": 20.0, "refreshes": 3.0},
                      "union": {"indexed": 7.0, "refreshes": 0.0}}),
    ("other", {"records": {"indexed": 1.0, "refreshes": 0.0}}),
    ("bench-baseline1", {}),  # deleted in between: left out
], ids=["catalogue-with-a-new-index", "another-catalogue", "deleted-index"])
def test_a_stretch_is_counted_per_kind_of_index(prefix: str, expected: dict) -> None:
    stretch = AFTER - BEFORE
    found = {kind: {k: c[k] for k in ("indexed", "refreshes")}
             for kind, c in stretch.kinds(prefix).items()}
    assert found == expected
    assert stretch.node == {"gc young ms": 30.0}


def test_rows_name_the_stretch_and_the_kind() -> None:
    (row,) = rows([("load", "other", AFTER - BEFORE)])
    assert row[0] == "load: records"
    assert row[1] == 1  # indexed


def test_jvm_threads_count_from_the_first_reading_and_keep_what_exited(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    readings = iter([
        {1: ("jit", 50.0), 2: ("gc", 5.0)},  # at the start: not counted
        {1: ("jit", 53.0), 2: ("gc", 6.0), 3: ("jit", 2.0)},  # thread 3 born since
        {2: ("gc", 6.5)},  # the compiler threads exited: what they spent stays counted
    ])
    monkeypatch.setattr(cpu_account, "thread_groups", lambda pid: next(readings))
    monkeypatch.setattr(cpu_account, "process_cpu", lambda pid: 0.0)
    account = CpuAccount(1)
    first, second = account.now(), account.now()
    assert (first.jit, first.gc) == (5.0, 1.0)
    assert (second.jit, second.gc) == (5.0, 1.5)
    assert (second - first).jit == 0.0
