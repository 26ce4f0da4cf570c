"""The ids one file has used so far: how a reader tells a repeated 001 from a new one.

A record whose id came earlier in the same file is merged (the same record again) or kept apart
as ``<id>~<n>`` (a different one): see :mod:`harvesters.files`. Telling them apart needs every
id of the file read so far with a digest of its first version, so the table grows with the file.
:class:`DuplicateTable` keeps it exact and bounded: the last ``MEMORY`` ids in a dict, older
ones in a private temporary SQLite file (SQLite's own page cache is bounded: 2 MB by default),
moved there ``MEMORY`` at a time. A file of 10 k records never touches the disk; one of 1 M
records holds at most ``MEMORY`` ids in memory (≈ 110 bytes each) instead of all of them.

No hash of an id stands in for the id: a collision could merge two different records, so the
ids themselves are kept (in memory or on disk) and compared exactly. Ids used more than once
keep every version in memory (they are rare: each is a line in the report).
"""

from __future__ import annotations

import sqlite3

#: Ids kept in memory before the oldest are moved to the temporary file (≈ 5.5 MB of dict).
MEMORY = 50_000

_SIGN = 1 << 63


def _signed(digest: int) -> int:
    """A 64-bit digest as SQLite's signed 64-bit integer."""
    return digest - (1 << 64) if digest >= _SIGN else digest


def _unsigned(stored: int) -> int:
    """The digest :func:`_signed` stored."""
    return stored + (1 << 64) if stored < 0 else stored


class DuplicateTable:
    """Local id → the digests of its versions in one file (digest → the id that version got).

    Use as a context manager (or call :meth:`close`): the temporary file, if one was needed,
    is removed when the table is closed.
    """

    def __init__(self, *, memory: int | None = None) -> None:
        self._memory = memory or MEMORY
        self._recent: dict[str, int] = {}  # id seen once → digest of that version
        self._repeated: dict[str, dict[int, str]] = {}  # id seen twice or more → its versions
        self._disk: sqlite3.Connection | None = None
        self.spilled = 0  # ids moved to the temporary file

    def __enter__(self) -> DuplicateTable:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        if self._disk is not None:
            self._disk.close()  # an empty name: SQLite deletes the file with the connection
            self._disk = None

    def versions(self, local_id: str) -> dict[int, str] | None:
        """Digest → id of every version of ``local_id`` seen so far (None: never seen). The
        first version kept its id; the answer is a copy."""
        if (found := self._repeated.get(local_id)) is not None:
            return dict(found)
        digest = self._recent.get(local_id)
        if digest is None and self._disk is not None:
            row = self._disk.execute("select digest from seen where id = ?",
                                     (local_id,)).fetchone()
            digest = _unsigned(row[0]) if row is not None else None
        return None if digest is None else {digest: local_id}

    def first(self, local_id: str, digest: int) -> None:
        """``local_id`` is seen for the first time, its version's digest ``digest``."""
        self._recent[local_id] = digest
        if len(self._recent) >= self._memory:
            self._spill()

    def again(self, local_id: str, digest: int, given: str) -> None:
        """A new version of ``local_id`` (already seen), kept under the id ``given``."""
        versions = self._repeated.get(local_id)
        if versions is None:
            versions = self.versions(local_id) or {}
            self._repeated[local_id] = versions
        versions[digest] = given

    def _spill(self) -> None:
        if self._disk is None:
            self._disk = sqlite3.connect("", isolation_level=None)  # "": a private temp file
            self._disk.execute("pragma journal_mode = off")
            self._disk.execute("pragma synchronous = off")
            self._disk.execute("create table seen (id text primary key, digest integer) "
                               "without rowid")
        self._disk.execute("begin")
        self._disk.executemany("insert or replace into seen values (?, ?)",
                               ((i, _signed(d)) for i, d in self._recent.items()))
        self._disk.execute("commit")
        self.spilled += len(self._recent)
        self._recent.clear()
