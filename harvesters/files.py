"""File drops: one file or a folder of files, in any supported format, as one record stream.

Every record read from a file passes through :func:`harvesters.repair.repair_record`, so text from
old Vietnamese systems (TCVN3, VNI, VISCII mojibake) is repaired once, at ingest, and each repair
is kept on the record for the librarians' report.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from harvesters.marc_files import detect_format, read_file
from harvesters.records import RecordProblem, SourceRecord
from harvesters.repair import repair_record
from mucluc.core.errors import SourceError

SourceItem = SourceRecord | RecordProblem
FORMATS = ("auto", "marc", "marcxml", "csv", "xlsx")


def files_of(path: Path) -> list[Path]:
    """The files to read: the file itself, or a folder's visible files in name order."""
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
    """Records of a file or folder, repaired, with problems for the unreadable ones."""
    if fmt not in FORMATS:
        raise SourceError(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")
    for file in files_of(path):
        for item in read_one(file, library=library, fmt=fmt):
            if isinstance(item, SourceRecord) and item.record is not None:
                item.repairs.extend(repair_record(item.record))
            yield item
