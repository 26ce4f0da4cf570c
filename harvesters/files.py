"""File drops: one file or a folder of files, in any supported format, as one record stream.

Each file is read on its own: a file that cannot be read (damaged, empty, an old ``.xls``, an
unknown format) becomes a ``Notice`` of kind ``file`` with the reason and what to do, and the
other files still load. Every file read gets a ``file-read`` notice (records in it), so a report
lists every file. Within one file, records that share an identifier are each accounted for: an
exact repeat is merged into the first (a ``merged`` notice, counted in the balance), a different
record under the same identifier is kept apart as ``<id>~<n>`` (a warning names both).

Every record read from a file passes through :func:`harvesters.repair.repair_record`, so text from
old Vietnamese systems (TCVN3, VNI, VISCII mojibake) is repaired once, at ingest, and each repair
is kept on the record for the librarians' report.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

from harvesters.duplicates import DuplicateTable
from harvesters.marc_files import detect_format, read_file
from harvesters.records import Notice, RecordProblem, SourceRecord
from harvesters.repair import repair_record
from harvesters.unchanged import KNOWN
from mucluc.core.collector import streaming_records
from mucluc.core.errors import MuclucError, SourceError

log = logging.getLogger(__name__)

SourceItem = SourceRecord | RecordProblem | Notice
FORMATS = ("auto", "marc", "marcxml", "csv", "xlsx")
HINTS = {
    "xlsx": "save it as .xlsx or CSV",
    "csv": "save it as CSV UTF-8 or .xlsx",
    "marc": "export the records again as MARC 21 (ISO 2709) or MARCXML",
    "marcxml": "export the records again as MARCXML or MARC 21 (ISO 2709)",
}


def files_of(path: Path) -> list[Path]:
    """The files to read: the file itself, or a folder's visible files in name order."""
    path = path.absolute()  # a record's source names its file the same way on every load
    if path.is_dir():
        found = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
        if not found:
            raise SourceError(f"folder {path} has no files", source=str(path))
        return found
    if not path.exists():
        raise SourceError(f"{path} does not exist", source=str(path), hint="check the path")
    return [path]


def read_one(path: Path, *, library: str, fmt: str = "auto") -> Iterator[SourceItem]:
    fmt = detect_format(path) if fmt == "auto" else fmt
    if fmt in {"marc", "marcxml"}:
        yield from read_file(path, library=library, fmt=fmt)
    elif fmt in {"csv", "xlsx"}:
        from harvesters.spreadsheets import read_spreadsheet

        yield from read_spreadsheet(path, library=library, fmt=fmt)
    else:
        raise SourceError(f"unknown format {fmt!r} for {path}", source=str(path))


def read_path(path: Path, *, library: str, fmt: str = "auto") -> Iterator[SourceItem]:
    """Records of a file or folder, repaired, with problems and notices; never raises for one
    file's fault (only for a path that does not exist or a format that is not one)."""
    if fmt not in FORMATS:
        raise SourceError(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")
    files = files_of(path)
    with streaming_records():  # see mucluc.core.collector: reading is most of a load's CPU
        for file in files:
            yield from read_guarded(file, library=library, fmt=fmt)


def read_guarded(file: Path, *, library: str, fmt: str = "auto") -> Iterator[SourceItem]:
    """One file's items; whatever goes wrong in it ends that file with a ``file`` notice."""
    source = str(file)
    with DuplicateTable() as seen:
        yield from _read_counted(file, source, seen, library=library, fmt=fmt)


def _read_counted(file: Path, source: str, seen: DuplicateTable, *, library: str, fmt: str
                  ) -> Iterator[SourceItem]:
    count = 0
    try:
        if file.stat().st_size == 0:
            yield Notice(source, "the file is empty: no records", kind="empty", library=library,
                         hint="check that the export finished")
            return
        known = KNOWN.get()
        for item in read_one(file, library=library, fmt=fmt):
            if isinstance(item, SourceRecord) and item.unchanged:
                # not decoded (the store holds these bytes under this id): its stored checksum
                # is what decoding gives, for the duplicates after it
                count += 1
                seen.first(item.local_id, _short(item.checksum))
            elif isinstance(item, SourceRecord) and item.record is not None:
                count += 1
                item.repairs.extend(repair_record(item.record))
                merged = _deduplicate(item, seen)
                if merged is not None:
                    yield merged
                    if merged.kind == "merged":
                        continue
            elif isinstance(item, RecordProblem):
                count += 1
            if known is not None and isinstance(item, SourceRecord):
                known.pass_(library, item.local_id)
            yield item
    except MuclucError as exc:
        yield _unreadable(source, library, exc.message, exc.hint, fmt, file)
        return
    except Exception as exc:
        log.info("reading %s failed", source, exc_info=True)
        yield _unreadable(source, library, f"damaged ({type(exc).__name__}: {exc})"[:200], "",
                          fmt, file)
        return
    if count == 0:
        yield Notice(source, "the file holds no records", kind="empty", library=library,
                     hint="check that it is the right file")
        return
    yield Notice(source, f"{count} records read", kind="file-read", offset=count,
                 library=library)


def _unreadable(source: str, library: str, reason: str, hint: str, fmt: str, file: Path
                ) -> Notice:
    if not hint:
        try:
            kind = detect_format(file) if fmt == "auto" else fmt
        except MuclucError:
            kind = "xlsx" if file.suffix.lower() in {".xls", ".ods"} else ""
        hint = HINTS.get(kind, "save it as .xlsx, CSV, MARC or MARCXML")
    prefix = f"{source}: "
    reason = reason.split(prefix, 1)[-1] if reason.startswith(prefix) else reason
    return Notice(source, f"could not be read: {reason}", kind="file", library=library,
                  hint=hint)


def _short(checksum: str) -> int:
    """The first 64 bits of a record's checksum: two versions of one id that differ agree on
    them about once in 2**64 comparisons, and only versions of one id are compared."""
    return int(checksum[:16] or "0", 16)


def _deduplicate(item: SourceRecord, seen: DuplicateTable) -> Notice | None:
    """Account for a record whose id came earlier in the same file (see the module docstring).

    The content digest is the record's checksum, kept on the item so the Loader does not
    compute it again (reset when the record is renamed: its 001 changes)."""
    digest = _short(item.digest())
    first = item.local_id
    versions = seen.versions(first)
    if versions is None:
        seen.first(first, digest)
        return None
    if digest in versions:
        return Notice(item.source, f"the same record is repeated under id {first}; "
                      f"merged into {versions[digest]}", record_id=versions[digest],
                      offset=item.offset, kind="merged", library=item.library)
    item.local_id = f"{first}~{len(versions) + 1}"
    item.raw_hash = ""  # the record stored is no longer the bytes received
    seen.again(first, digest, item.local_id)
    if item.record is not None and item.record.get("001") is not None:
        item.record["001"].data = item.local_id
        item.record_changed()
    return Notice(item.source, f"id {first} is used by another, different record earlier in "
                  f"the file; this one is kept apart as {item.local_id}", record_id=first,
                  offset=item.offset, field="001", library=item.library,
                  hint="give each record its own 001 in the library system")
