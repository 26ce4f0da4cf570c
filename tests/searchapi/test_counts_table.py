"""The table of work counts shared by the API's workers (searchapi/counts_table.py): it answers
what was put, never another work's counts nor a half-written slot, in fixed memory, and a
process forked after it was made shares it."""

from __future__ import annotations

import multiprocessing

import pytest
from hypothesis import given
from hypothesis import strategies as st

from searchapi.counts_table import PROBES, SharedCounts, work_key

WORK_IDS = st.text("0123456789abcdef", min_size=16, max_size=16) | st.text(max_size=20)
ENTRIES = st.tuples(
    st.floats(min_value=0, max_value=1e9), st.integers(0, 2**64 - 1),
    st.tuples(st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1)),
)  # fmt: skip


@given(st.lists(st.tuples(WORK_IDS, ENTRIES), max_size=60))
def test_a_work_reads_as_its_last_put_or_absent_never_as_another(puts) -> None:
    table = SharedCounts(slots=16)  # small: works share slots and push each other out
    latest = {}
    for work_id, entry in puts:
        table.put(work_id, entry)
        latest[work_id] = entry
        assert table.get(work_id) == entry  # the work just put is always there
    for work_id, entry in latest.items():
        assert table.get(work_id) in (None, entry)
    if len({work_key(w) for w in latest}) <= PROBES:  # never a full set of slots: none lost
        assert all(table.get(w) == e for w, e in latest.items())


def test_works_fit_while_their_slots_last_then_the_first_to_expire_goes() -> None:
    table = SharedCounts(slots=PROBES)  # every work may take every slot
    ids = [f"{n:016x}" for n in range(PROBES)]
    for n, work_id in enumerate(ids):
        table.put(work_id, (100.0 + n, 7, (n, 1)))
    assert [table.get(w) for w in ids] == [(100.0 + n, 7, (n, 1)) for n in range(PROBES)]
    table.put("ffffffffffffffff", (500.0, 7, (9, 9)))
    assert table.get(ids[0]) is None  # expired first: overwritten
    assert table.get("ffffffffffffffff") == (500.0, 7, (9, 9))
    assert all(table.get(w) is not None for w in ids[1:])


def test_a_half_written_slot_reads_as_absent_and_is_written_again() -> None:
    table = SharedCounts(slots=16)
    table.put("00000000000000a3", (100.0, 7, (3, 2)))
    offset = (0xA3 & 15) * 40
    table._memory[offset + 24] ^= 0xFF  # the counts changed without the CRC: a torn write
    assert table.get("00000000000000a3") is None
    table.put("00000000000000a3", (160.0, 7, (4, 2)))
    assert table.get("00000000000000a3") == (160.0, 7, (4, 2))


@pytest.mark.parametrize("slots", [0, 3, 100])
def test_slots_must_be_a_power_of_two(slots: int) -> None:
    with pytest.raises(ValueError, match="power of two"):
        SharedCounts(slots=slots)


def _put_in_child(table: SharedCounts, seen: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    seen.put(table.get("00000000000000aa"))
    table.put("00000000000000bb", (200.0, 5, (2, 2)))


def test_workers_forked_after_it_was_made_share_it() -> None:
    table = SharedCounts(slots=64)
    table.put("00000000000000aa", (100.0, 5, (4, 3)))
    context = multiprocessing.get_context("fork")
    seen = context.Queue()
    child = context.Process(target=_put_in_child, args=(table, seen))
    child.start()
    child.join(timeout=30)
    assert child.exitcode == 0
    assert seen.get(timeout=5) == (100.0, 5, (4, 3))  # the parent's count, read by the child
    assert table.get("00000000000000bb") == (200.0, 5, (2, 2))  # and the child's, by the parent
