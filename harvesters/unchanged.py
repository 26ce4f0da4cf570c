"""Records a reload need not decode: the same bytes as the stored record, under the same id.

A reload of an unchanged file is mostly decoding (pymarc, the legacy-encoding repair, the
checksum). The raw store keeps, next to each record's checksum, a hash of the record's bytes as
received (:func:`raw_hash`). A reader that is given a :class:`KnownRecords` (through the
:data:`KNOWN` context variable, set by the consumer that will store the records) asks it, once
per window of records, for the stored hashes of the ids it can read without decoding (the ISO
2709 001), and yields a record whose bytes hash to the stored hash as a :class:`SourceRecord`
with ``unchanged=True`` and no ``record``: its local id, stored checksum and stored repairs are
what decoding it would give.

Why that is sound: the stored hash was made from identical bytes by the same reader
(:data:`READER_VERSION` is part of the hash; bump it when decoding or repair changes), and those
bytes were stored under this id, so decoding them again gives the same record under the same
id. The only things that give one record another id depend on the records before it in the
same load: a repeated id (renamed ``<id>~<n>`` or merged by :mod:`harvesters.files`) — so an id
already passed in this load is never skipped, and ids with ``~`` are never skipped — and a
position-based id for a record without a 001, which is never skipped either. Any byte changed
changes the hash, so a changed record is always decoded.

Harvested records (OAI-PMH) follow the same rules through :class:`KnownHarvested`: their hash
(:func:`harvested_hash`) is of the ``<record>`` element as parsed, and they are found by their
OAI identifier, which the header gives before anything is decoded.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field

from harvesters.records import Repair

log = logging.getLogger(__name__)

#: Part of every raw hash: change it when decoding or repairing records changes what a record's
#: bytes become, so every record is decoded (and stored with the new hash) once more.
READER_VERSION = b"mucluc-reader-1\x00"


def raw_hash(data: bytes) -> str:
    """The hash of a record's bytes as received (with the reader's version)."""
    return hashlib.blake2b(READER_VERSION + data, digest_size=16).hexdigest()


@dataclass(frozen=True)
class Stored:
    """What the store holds of one record, for a reader deciding whether to decode it."""

    raw_hash: str
    checksum: str
    repairs: tuple[Repair, ...] = ()


#: ``fetch(library, local ids)`` → local id → :class:`Stored`, for the ids the store holds
#: with a raw hash. It may return nothing (the engine busy): every record is then decoded.
Fetch = Callable[[str, list[str]], Mapping[str, Stored]]


class Passed:
    """The ids a load has yielded, in a fixed 8 MB: a Bloom filter (three bits an id in 2**26).

    "Maybe passed" for an id never yielded only makes that record decoded (at 1 M ids, one in
    about 12,000); an id yielded is always found. So a load's memory does not grow with its
    size for this table.
    """

    BITS = 1 << 26
    _MASK = BITS - 1

    def __init__(self) -> None:
        self._bits = bytearray(self.BITS // 8)

    def _places(self, library: str, local_id: str) -> tuple[int, int, int]:
        # Python's own hash of the pair (strings cache theirs; salted per process, and the
        # filter lives in one process): two 26-bit slices of it give the three places by
        # double hashing. A re-harvest asks about five ids a record: a blake2b of each was a
        # quarter of its time on the event loop.
        whole = hash((library, local_id))
        first, step = whole & self._MASK, (whole >> 32 & self._MASK) | 1
        return first, (first + step) & self._MASK, (first + 2 * step) & self._MASK

    def add(self, library: str, local_id: str) -> None:
        bits = self._bits
        for place in self._places(library, local_id):
            bits[place >> 3] |= 1 << (place & 7)

    def __contains__(self, key: tuple[str, str]) -> bool:
        bits = self._bits
        a, b, c = self._places(*key)
        return bool(bits[a >> 3] >> (a & 7) & bits[b >> 3] >> (b & 7) & bits[c >> 3] >> (c & 7)
                    & 1)


@dataclass
class KnownRecords:
    """The stored raw hashes a reader may compare against, for one load.

    ``passed`` holds every (library, local id) the readers yielded in this load (see
    :class:`Passed`): a later record with one of those ids is decoded (the store may not yet
    hold the earlier one).
    """

    fetch: Fetch
    passed: Passed = field(default_factory=Passed)

    def stored(self, library: str, ids: Iterable[str]) -> dict[str, Stored]:
        """The stored hashes of those ``ids`` not passed yet in this load (one fetch)."""
        wanted = sorted({i for i in ids if i and (library, i) not in self.passed})
        if not wanted:
            return {}
        try:
            return dict(self.fetch(library, wanted))
        except Exception:  # skipping is an optimisation: decode instead
            log.info("stored raw hashes unavailable; decoding every record", exc_info=True)
            return {}

    def skippable(self, library: str, local_id: str, digest: str,
                  stored: Mapping[str, Stored]) -> Stored | None:
        """The stored record when a record with this id and raw hash need not be decoded."""
        if not local_id or "~" in local_id or (library, local_id) in self.passed:
            return None
        found = stored.get(local_id)
        return found if found is not None and found.raw_hash == digest else None

    def pass_(self, library: str, local_id: str) -> None:
        """A record with this id was yielded (decoded or not)."""
        self.passed.add(library, local_id)


#: Set (in the reader's thread only) by a consumer that stores what it reads: see the module.
KNOWN: ContextVar[KnownRecords | None] = ContextVar("mucluc_known_records", default=None)


#: Part of every harvested record's raw hash: change it when reading OAI-PMH records changes
#: what a record's XML becomes (every record is then decoded, and its new hash stored, once).
HARVEST_VERSION = b"mucluc-oai-1\x00"


def harvested_hash(record_xml: bytes, *, library: str, metadata_prefix: str,
                   sanitised: bool) -> str:
    """The hash of one harvested ``<record>`` (header and metadata) as lxml serialises its
    parsed tree, with everything else its decoding depends on: the library (a union
    catalogue's record gives each library its own part), the metadata format, and whether its
    page had illegal characters replaced (then the record's repairs are reported)."""
    context = f"{library}\x00{metadata_prefix}\x00{int(sanitised)}\x00".encode()
    return hashlib.blake2b(HARVEST_VERSION + context + record_xml, digest_size=16).hexdigest()


#: One stored record carrying an OAI identifier: its local id and what a reader compares
#: (None when it was stored without a raw hash).
StoredHarvested = tuple[str, Stored | None]

#: ``fetch(library, OAI identifiers)`` → identifier → every stored record of ``library`` that
#: carries it (as its ``source_id``, or as its local id when stored before source ids existed:
#: the Loader's rule for "the same protocol record stored under another id").
FetchHarvested = Callable[[str, list[str]], Awaitable[Mapping[str, list[StoredHarvested]]]]


@dataclass
class KnownHarvested:
    """The stored raw hashes an OAI-PMH client may compare against, for one harvest run.

    The same soundness rules as :class:`KnownRecords`, keyed by the OAI identifier (known
    before decoding, unlike the 001): a record is not decoded only when exactly one stored
    record of the library carries its identifier (decoding would otherwise also delete the
    others), that record's raw hash is this record's, and neither the identifier nor that
    record's local id was yielded earlier in this run (an earlier record of the run — a
    deletion, another identifier with the same 001, a page delivered again after a restart —
    may not be stored yet, and decoding lets the later version win as it must).
    """

    fetch: FetchHarvested
    passed: Passed = field(default_factory=Passed)
    #: Records a client yielded without decoding them, in this run.
    undecoded: int = 0

    async def stored(self, library: str, identifiers: Iterable[str]
                     ) -> dict[str, list[StoredHarvested]]:
        """The stored records of those identifiers not passed yet in this run (one fetch)."""
        wanted = sorted({i for i in identifiers if i and (library, i) not in self.passed})
        if not wanted:
            return {}
        try:
            return dict(await self.fetch(library, wanted))
        except Exception:  # skipping is an optimisation: decode instead
            log.info("stored raw hashes unavailable; decoding every record", exc_info=True)
            return {}

    def skippable(self, library: str, identifier: str, digest: str,
                  stored: Mapping[str, list[StoredHarvested]]) -> StoredHarvested | None:
        """(local id, stored record) when a record with this identifier and raw hash need not
        be decoded."""
        if not identifier or (library, identifier) in self.passed:
            return None
        found = stored.get(identifier) or []
        if len(found) != 1:
            return None
        local_id, record = found[0]
        if (record is None or record.raw_hash != digest or not local_id or "~" in local_id
                or (library, local_id) in self.passed):
            return None
        self.undecoded += 1
        return found[0]

    def pass_(self, library: str, *ids: str) -> None:
        """A record with these ids (its OAI identifier, its local id) was yielded."""
        for value in ids:
            if value:
                self.passed.add(library, value)
