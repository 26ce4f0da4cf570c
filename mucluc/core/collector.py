"""The cyclic garbage collector while records stream in: young and middle collections far less
often.

Reading and mapping a record allocates a few hundred container objects (a pymarc record, its
fields, the MARC-in-JSON, the document), and a load keeps a few batches of them alive. With
CPython's default threshold (a young collection every 700 allocations) the collector kept
walking those live batches: measured on generated records (``bench/ingest_cpu.py``'s phases,
5 k records a round), 0.3-0.6 ms of collector time per record, more than reading or mapping
itself. Almost all of what ingest frees is freed by reference counting (records hold no
cycles), so collecting young objects every ``YOUNG`` allocations instead loses nothing but a
little latency in freeing rare cycles.

What survives a young collection (the batches in flight, the matching caches) moved to the middle
generation, which CPython walks again every 10 young collections, and the oldest every 10 of
those: with ``YOUNG`` alone a 5 k load still ran ≈ 15 middle collections and one full one,
0.7-0.8 CPU-seconds of its 4-5 (``gc.callbacks`` timed by thread CPU, sixth session,
docs/performance.md). The middle generation is walked every ``MIDDLE`` young collections
instead: one middle and no full collection per 5 k records, about half the collector's CPU. A
rare cycle that reached the middle generation is then freed up to ``MIDDLE`` × ``YOUNG``
allocations later (a few thousand records' worth: bounded, and measured flat by
``python -m bench scale_memory``).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

#: Allocations between young collections while records stream in (CPython's default is 700).
YOUNG = 50_000
#: Young collections between middle ones while records stream in (CPython's default is 10).
MIDDLE = 100

_lock = threading.Lock()
_active = 0
_saved: tuple[int, int, int] | None = None


@contextmanager
def streaming_records() -> Iterator[None]:
    """Within this, the collector's young and middle thresholds are ``YOUNG`` and ``MIDDLE``
    (neither lowered if it was set higher); the previous thresholds come back when the last of
    overlapping uses ends (loads may run side by side, e.g. console uploads in the API
    process)."""
    global _active, _saved
    with _lock:
        if _active == 0:
            _saved = gc.get_threshold()
            gc.set_threshold(max(YOUNG, _saved[0]), max(MIDDLE, _saved[1]), _saved[2])
        _active += 1
    try:
        yield
    finally:
        with _lock:
            _active -= 1
            if _active == 0 and _saved is not None:
                gc.set_threshold(*_saved)
                _saved = None
