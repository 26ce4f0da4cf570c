"""Where the work counts (:class:`searchapi.works.WorkCounts`) are kept: one process's memory,
or memory shared by every worker of ``mucluc serve``.

Each worker used to keep its own counts, so a page's works were counted once per worker that
answered it: under load, 1.05–1.34 engine searches per answer where the engine alone makes one.
:class:`SharedCounts` is one table for all workers — an anonymous shared mapping made before
they fork — so a work counted by one is known to all.

An entry is (expires, the catalogue's fingerprint digest when counted, (editions, libraries)).
``expires`` is on ``time.monotonic``'s clock, which on Linux is one clock for every process.

What callers may rely on: :meth:`get` returns what some :meth:`put` stored for that work id, or
None; never another work's counts nor a half-written entry (each slot carries a CRC-32 of its
contents, checked on read: a slot two processes wrote at once reads as absent, and the work is
counted again). Memory is fixed when the table is made; when a work's few candidate slots are
all taken, the one expiring first is overwritten.
"""

from __future__ import annotations

import hashlib
import mmap
import re
import struct
import zlib
from collections import OrderedDict
from functools import lru_cache
from typing import Protocol

Entry = tuple[float, int, tuple[int, int]]

# key (the work id as 64 bits), fingerprint digest, expires, editions, libraries, filled; CRC-32.
_BODY = struct.Struct("<QQdIII")
_SLOT = struct.Struct(f"<{_BODY.format[1:]}I")
SLOTS = 65_536  # works kept by SharedCounts: 2.5 MiB for every worker together
PROBES = 8  # slots a work may take (from its id's own slot on): a read looks at most at these
_FILLED = 1
KEYS_KEPT = 4096  # work ids whose keys are kept: a result page reads the same ids again
_WORK_ID = re.compile(r"[0-9a-f]{16}")


class Kept(Protocol):
    """Counts by work id: the storage behind :class:`searchapi.works.WorkCounts`."""

    def get(self, work_id: str) -> Entry | None: ...

    def put(self, work_id: str, entry: Entry) -> None: ...


class LocalCounts:
    """One process's counts: at most ``size`` works, the least recently counted go first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._kept: OrderedDict[str, Entry] = OrderedDict()

    def get(self, work_id: str) -> Entry | None:
        return self._kept.get(work_id)

    def put(self, work_id: str, entry: Entry) -> None:
        self._kept[work_id] = entry
        self._kept.move_to_end(work_id)
        while len(self._kept) > self.size:
            self._kept.popitem(last=False)


@lru_cache(maxsize=KEYS_KEPT)
def work_key(work_id: str) -> int:
    """The work id as 64 bits: its own hex digits (work ids are 16 of them), else a digest
    (``int`` alone would also read "+0…1" or "0_…1" as hex: two ids, one key)."""
    if _WORK_ID.fullmatch(work_id):
        return int(work_id, 16)
    return int.from_bytes(hashlib.blake2b(work_id.encode(), digest_size=8).digest(), "little")


class SharedCounts:
    """Counts in memory shared with the processes forked after it was made (``slots`` a power
    of two): the API's workers share one table."""

    def __init__(self, slots: int = SLOTS) -> None:
        if slots < 1 or slots & (slots - 1):
            raise ValueError(f"slots must be a power of two, not {slots}")
        self._mask = slots - 1
        self._probes = min(PROBES, slots)
        self._memory = mmap.mmap(-1, slots * _SLOT.size)  # anonymous and shared (MAP_SHARED)

    def _offsets(self, key: int) -> list[int]:
        return [((key + n) & self._mask) * _SLOT.size for n in range(self._probes)]

    def _read(self, offset: int) -> tuple[int, int, float, int, int, int, int]:
        return _SLOT.unpack_from(self._memory, offset)  # type: ignore[return-value]

    def _intact(self, offset: int, check: int) -> bool:
        return zlib.crc32(self._memory[offset : offset + _BODY.size]) == check

    def get(self, work_id: str) -> Entry | None:
        key = work_key(work_id)
        memory, mask, size = self._memory, self._mask, _SLOT.size
        for n in range(self._probes):  # as _offsets, without making the list: every answer reads
            offset = ((key + n) & mask) * size
            found, fingerprint, expires, editions, libraries, filled, check = _SLOT.unpack_from(
                memory, offset
            )
            if filled != _FILLED:
                return None  # never written: the work was not put further on
            if found == key and zlib.crc32(memory[offset : offset + _BODY.size]) == check:
                return expires, fingerprint, (editions, libraries)
        return None

    def put(self, work_id: str, entry: Entry) -> None:
        key = work_key(work_id)
        expires, fingerprint, (editions, libraries) = entry
        body = _BODY.pack(key, fingerprint, expires, editions, libraries, _FILLED)
        chosen, earliest = None, None
        for offset in self._offsets(key):
            found, _, ends, _, _, filled, check = self._read(offset)
            if filled != _FILLED or (found == key) or not self._intact(offset, check):
                chosen = offset  # free, this work's own, or spoilt
                break
            if earliest is None or ends < earliest[0]:
                earliest = (ends, offset)
        if chosen is None:
            assert earliest is not None
            chosen = earliest[1]
        # One copy of the whole slot; a reader racing it sees a CRC mismatch, not wrong counts.
        self._memory[chosen : chosen + _SLOT.size] = body + struct.pack("<I", zlib.crc32(body))
