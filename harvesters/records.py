"""What every harvester yields: source records, and problems with records it had to skip.

A harvester never raises for one bad record: it yields a :class:`RecordProblem` and goes on, so
the caller decides how much failure it tolerates and the run report can list every reason.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pymarc


@dataclass
class Repair:
    """One change made to a record's text at ingest (e.g. legacy-encoding mojibake repaired)."""

    field: str
    before: str
    after: str
    kind: str = ""


@dataclass
class SourceRecord:
    """One record as a library sent it, parsed into a pymarc Record.

    ``local_id`` is the library's own identifier (MARC 001 when present, else a stable id made
    from the source and position) so a librarian can find the record in their own system.
    ``deleted`` marks a deletion reported by the source (OAI-PMH ``status="deleted"``); such a
    record has no ``record``, and its ``local_id`` is the protocol's identifier, since that is all
    a deletion carries. ``source_id`` is the protocol's own identifier of the record (the OAI
    identifier), empty for files: the store keeps it so a later deletion finds the record.
    """

    library: str
    source: str
    local_id: str
    record: pymarc.Record | None
    offset: int | None = None
    deleted: bool = False
    repairs: list[Repair] = field(default_factory=list)
    source_id: str = ""
    #: :func:`marc_checksum` of ``record`` as the reader left it ("" when the reader did not
    #: compute it); whoever changes ``record`` afterwards must reset it to "".
    checksum: str = ""
    #: :func:`harvesters.unchanged.raw_hash` of the record's bytes as received ("" when the
    #: reader has none, or the record was changed after reading, e.g. renamed).
    raw_hash: str = ""
    #: The reader did not decode the record: the store holds these very bytes under this id
    #: (see :mod:`harvesters.unchanged`). ``record`` is None, ``checksum`` and ``repairs`` are
    #: the stored ones; it is not a deletion.
    unchanged: bool = False
    #: The MARC-in-JSON the checksum was computed from, kept for the next caller of
    #: :meth:`marc` (the reader checksums every record, the Loader then stores the same dict).
    _marc: dict[str, Any] | None = field(default=None, init=False, repr=False, compare=False)

    def digest(self) -> str:
        """The record's checksum (:func:`marc_checksum`), computed once; the MARC-in-JSON it
        was computed from is kept for the next :meth:`marc` (the reader checksums every
        record, the Loader then stores the same dict: built once, not twice)."""
        assert self.record is not None
        if not self.checksum:
            marc = marc_dict(self.record)
            self.checksum = marc_checksum(marc)
            self._marc = marc
        return self.checksum

    def marc(self) -> tuple[dict[str, Any], str]:
        """(the record's MARC-in-JSON, its checksum), the checksum computed once per record.

        A dict kept by :meth:`digest` is handed out once (later calls build a fresh one: no two
        callers share a dict), and only while ``checksum`` is set."""
        assert self.record is not None
        if self.checksum and self._marc is not None:
            marc, self._marc = self._marc, None
            return marc, self.checksum
        marc = marc_dict(self.record)
        if not self.checksum:
            self.checksum = marc_checksum(marc)
        return marc, self.checksum

    def record_changed(self) -> None:
        """Forget the checksum (and the dict kept with it): call after changing ``record``."""
        self.checksum = ""
        self._marc = None


@dataclass
class RecordProblem:
    """A record that could not be read: where it was and why. It is reported, then skipped."""

    source: str
    reason: str
    record_id: str = ""
    offset: int | None = None
    library: str = ""

    def describe(self) -> str:
        where = [self.source]
        if self.record_id:
            where.append(f"record {self.record_id}")
        if self.offset is not None:
            where.append(f"offset {self.offset}")
        return f"{', '.join(where)}: {self.reason}"


@dataclass
class Notice:
    """Something the librarian must know that cost no record: a column ignored, a cell read
    leniently, a sheet skipped, a file that could not be read, two records merged into one.

    ``kind`` is ``warning`` (a record was stored, with what was done said in ``message``),
    ``merged`` (one record came in and was merged into ``record_id``: it counts in the balance),
    ``file`` (a whole file or sheet was not read; ``hint`` says what to do) or ``empty``.
    """

    source: str
    message: str
    record_id: str = ""
    offset: int | None = None  # row (spreadsheets) or record position (MARC)
    field: str = ""
    kind: str = "warning"
    hint: str = ""
    library: str = ""

    def describe(self) -> str:
        where = [self.source]
        if self.offset is not None:
            where.append(f"row/record {self.offset}")
        if self.record_id:
            where.append(f"id {self.record_id}")
        if self.field:
            where.append(self.field)
        text = f"{', '.join(where)}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text


def marc_dict(record: pymarc.Record) -> dict[str, Any]:
    """``record.as_dict()`` (MARC-in-JSON), equal to pymarc's, built in about half the time:
    the reader and the Loader compute it for every record."""
    fields: list[dict[str, Any]] = []
    for marc_field in record.fields:
        if marc_field.control_field:
            fields.append({marc_field.tag: marc_field.data})
        else:
            fields.append({marc_field.tag: {
                "ind1": marc_field.indicator1,
                "ind2": marc_field.indicator2,
                "subfields": [{s.code: s.value} for s in marc_field.subfields],
            }})  # fmt: skip
    return {"fields": fields, "leader": str(record.leader)}


def marc_checksum(marc: Mapping[str, Any]) -> str:
    """The checksum of a record's MARC (``Record.as_dict()``): equal MARC, equal checksum. The
    stored records' checksums were made this way: it must never change."""
    return hashlib.sha1(
        json.dumps(marc, sort_keys=True, ensure_ascii=False).encode("utf-8")
    ).hexdigest()
