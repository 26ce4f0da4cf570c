"""MARC files dropped by a library: ISO 2709 (UTF-8 or MARC-8) and MARCXML, read as a stream.

Each record is parsed on its own, so one broken record becomes a :class:`RecordProblem` (with its
byte offset and 001 when readable) and the rest of the file still loads. ISO 2709 records are
framed by the record length in the leader and the record terminator (0x1D); after a record whose
length is garbage, reading resumes at the next terminator.

Leader position 9 says ``a`` for UTF-8 and blank for MARC-8, but old systems often lie: a record
that claims MARC-8 yet is valid UTF-8 holding non-ASCII characters is read as UTF-8.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import pymarc
from lxml import etree

from harvesters.records import RecordProblem, SourceRecord
from mucluc.core.errors import SourceError

RECORD_TERMINATOR = 0x1D
MARCXML_NS = "http://www.loc.gov/MARC21/slim"
MAX_RECORD_BYTES = 99_999
MARC_SUFFIXES = {".mrc", ".marc", ".iso", ".iso2709", ".dat", ".usm", ".bin"}
XML_SUFFIXES = {".xml", ".marcxml"}

SourceItem = SourceRecord | RecordProblem


def detect_format(path: Path) -> str:
    """``marc`` or ``marcxml`` (or ``csv``/``xlsx``) from the suffix, else from the first bytes."""
    suffix = path.suffix.lower()
    if suffix in MARC_SUFFIXES:
        return "marc"
    if suffix in XML_SUFFIXES:
        return "marcxml"
    if suffix in {".csv", ".tsv", ".txt"}:
        return "csv"
    if suffix in {".xlsx", ".xlsm"}:
        return "xlsx"
    with path.open("rb") as handle:
        head = handle.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return "marcxml"
    if head[:5].isdigit():
        return "marc"
    if head.startswith(b"PK"):
        return "xlsx"
    raise SourceError(
        f"cannot tell the format of {path}",
        source=str(path),
        hint="pass --format marc|marcxml|csv|xlsx",
    )


def read_marc(stream: BinaryIO, *, source: str, library: str = "") -> Iterator[SourceItem]:
    """Records of an ISO 2709 stream, one at a time, with problems for the unreadable ones."""
    offset = 0
    position = 0
    pending = b""
    while True:
        head = pending[:5] if len(pending) >= 5 else pending + stream.read(5 - len(pending))
        pending = b""
        if not head.strip(b"\r\n\x1a \x00"):
            return
        position += 1
        if len(head) < 5 or not head.isdigit():
            skipped = _skip_to_terminator(stream)
            yield RecordProblem(
                source=source,
                library=library,
                offset=offset,
                reason=f"record {position}: leader does not start with a record length "
                f"({head[:5]!r}); skipped to the next record terminator",
            )
            offset += len(head) + skipped
            continue
        length = int(head)
        if length < 24 or length > MAX_RECORD_BYTES:
            skipped = _skip_to_terminator(stream)
            yield RecordProblem(
                source=source,
                library=library,
                offset=offset,
                reason=f"record {position}: impossible record length {length}",
            )
            offset += len(head) + skipped
            continue
        body = stream.read(length - 5)
        chunk = head + body
        if len(chunk) < length:
            yield RecordProblem(
                source=source,
                library=library,
                offset=offset,
                record_id=_control_number(chunk),
                reason=f"record {position}: file ends inside the record "
                f"({len(chunk)} of {length} bytes)",
            )
            return
        if chunk[-1] != RECORD_TERMINATOR:
            # The length lies: fall back to the terminator to frame this record.
            terminator = chunk.find(bytes([RECORD_TERMINATOR]))
            if terminator == -1:
                extra = _read_to_terminator(stream)
                chunk += extra
            else:
                pending = chunk[terminator + 1 :]
                chunk = chunk[: terminator + 1]
        yield _parse_chunk(chunk, source=source, library=library, offset=offset, position=position)
        offset += len(chunk)


def _skip_to_terminator(stream: BinaryIO) -> int:
    return len(_read_to_terminator(stream))


def _read_to_terminator(stream: BinaryIO) -> bytes:
    data = bytearray()
    while True:
        byte = stream.read(1)
        if not byte:
            return bytes(data)
        data += byte
        if byte[0] == RECORD_TERMINATOR:
            return bytes(data)


def _parse_chunk(
    chunk: bytes, *, source: str, library: str, offset: int, position: int
) -> SourceItem:
    record_id = _control_number(chunk)
    claims_utf8 = len(chunk) > 9 and chunk[9:10] == b"a"
    force_utf8 = claims_utf8 or _looks_like_utf8(chunk)
    try:
        record = pymarc.Record(
            data=chunk,
            to_unicode=True,
            force_utf8=force_utf8,
            hide_utf8_warnings=True,
            utf8_handling="strict",
        )
    except Exception as exc:  # noqa: BLE001 - pymarc raises many types for bad records
        return RecordProblem(
            source=source,
            library=library,
            offset=offset,
            record_id=record_id,
            reason=f"record {position}: {type(exc).__name__}: {exc}"[:300],
        )
    if force_utf8 and not claims_utf8:
        record.leader = pymarc.Leader(str(record.leader)[:9] + "a" + str(record.leader)[10:])
    local_id = _record_id(record) or record_id or f"{Path(source).name}#{position}"
    problem = _missing_title(record)
    if problem:
        return RecordProblem(
            source=source, library=library, offset=offset, record_id=local_id, reason=problem
        )
    return SourceRecord(
        library=library, source=source, local_id=local_id, record=record, offset=offset
    )


def _looks_like_utf8(chunk: bytes) -> bool:
    """A MARC-8 claim is a lie when the bytes are valid UTF-8 with multibyte sequences."""
    if all(byte < 0x80 for byte in chunk):
        return False
    try:
        chunk.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _control_number(chunk: bytes) -> str:
    """The 001 of a raw record, best effort, for reporting a record that won't parse."""
    try:
        # The base address may be the broken part: find the directory's end by its terminator.
        end = chunk.find(b"\x1e", 24)
        base = end + 1 if end != -1 else int(chunk[12:17])
        directory = chunk[24 : base - 1]
        for start in range(0, len(directory) - 11, 12):
            entry = directory[start : start + 12]
            if entry[:3] == b"001":
                length, where = int(entry[3:7]), int(entry[7:12])
                value = chunk[base + where : base + where + length]
                return value.rstrip(b"\x1e").decode("utf-8", "replace").strip()
    except (ValueError, IndexError):
        pass
    return ""


def _record_id(record: pymarc.Record) -> str:
    field = record.get("001")
    return field.data.strip() if field is not None and field.data else ""


def _missing_title(record: pymarc.Record) -> str:
    for field in record.get_fields("245"):
        if any(value.strip() for value in field.get_subfields("a", "b", "k", "n", "p")):
            return ""
    return "no title (245 $a) in the record"


class _Prefixed(io.RawIOBase):
    """A stream that yields ``head`` first, then the rest of ``stream`` (after a peek)."""

    def __init__(self, head: bytes, stream: BinaryIO) -> None:
        self._head = head
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def, override]
        if self._head:
            count = min(len(buffer), len(self._head))
            buffer[:count] = self._head[:count]
            self._head = self._head[count:]
            return count
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _refuse_entities(head: bytes, *, source: str, library: str) -> None:
    """Entity declarations (XXE, billion laughs) or an external DTD: refuse the whole file."""
    prolog = head.split(b"<record", 1)[0].split(b"<collection", 1)[0]
    if b"<!ENTITY" in prolog or (b"<!DOCTYPE" in prolog and b"SYSTEM" in prolog):
        raise SourceError(
            f"{source}: refused, the file declares XML entities or an external DTD",
            source=source,
            library=library,
            hint="MARCXML needs neither; export the file again without a DOCTYPE",
        )


def read_marcxml(stream: BinaryIO, *, source: str, library: str = "") -> Iterator[SourceItem]:
    """Records of a MARCXML stream (a collection or a single record), parsed safely.

    Entities are never expanded and no DTD is loaded; a file that declares entities is refused
    outright (SourceError), since no honest MARCXML export needs them.
    """
    head = stream.read(65536)
    _refuse_entities(head, source=source, library=library)
    stream = io.BufferedReader(_Prefixed(head, stream))  # type: ignore[assignment]
    parser_options = {
        "events": ("end",),
        "resolve_entities": False,
        "no_network": True,
        "load_dtd": False,
        "huge_tree": False,
        "remove_comments": True,
    }
    position = 0
    try:
        for _event, element in etree.iterparse(stream, **parser_options):
            if etree.QName(element).localname != "record":
                continue
            parent = element.getparent()
            if parent is not None and etree.QName(parent).localname not in {"collection"}:
                # A record element nested in a wrapper (OAI-PMH <metadata>) is still a record.
                pass
            position += 1
            yield _element_to_item(element, source=source, library=library, position=position)
            element.clear()
            while element.getprevious() is not None and element.getparent() is not None:
                del element.getparent()[0]
    except etree.XMLSyntaxError as exc:
        yield RecordProblem(
            source=source,
            library=library,
            offset=position,
            reason=f"XML is malformed after record {position}: {exc}"[:300],
        )


def _element_to_item(
    element: etree._Element, *, source: str, library: str, position: int
) -> SourceItem:
    try:
        record = marcxml_record(element)
    except ValueError as exc:
        return RecordProblem(
            source=source, library=library, offset=position, reason=f"record {position}: {exc}"
        )
    local_id = _record_id(record) or f"{Path(source).name}#{position}"
    problem = _missing_title(record)
    if problem:
        return RecordProblem(
            source=source, library=library, offset=position, record_id=local_id, reason=problem
        )
    return SourceRecord(
        library=library, source=source, local_id=local_id, record=record, offset=position
    )


def _local_name(tag: object) -> str:
    """``{namespace}name`` → ``name`` (comments and processing instructions → "")."""
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def marcxml_record(element: etree._Element) -> pymarc.Record:
    """A pymarc Record from a MARCXML ``record`` element (namespaced or not).

    Fields are collected in document order and attached at once (pymarc's ``add_field`` keeps
    tag order by searching, which dominates the cost on large harvests).
    """
    record = pymarc.Record(force_utf8=True)
    fields: list[pymarc.Field] = []
    for child in element:
        name = _local_name(child.tag)
        if name == "datafield":
            tag = child.get("tag", "")
            if not tag:
                raise ValueError("datafield without a tag")
            subfields = [
                pymarc.Subfield(sub.get("code") or " ", sub.text or "")
                for sub in child
                if _local_name(sub.tag) == "subfield"
            ]
            ind1, ind2 = child.get("ind1") or " ", child.get("ind2") or " "
            fields.append(
                pymarc.Field(
                    tag=tag,
                    indicators=pymarc.Indicators(ind1[:1], ind2[:1]),
                    subfields=subfields,
                )
            )
        elif name == "controlfield":
            tag = child.get("tag", "")
            if not tag:
                raise ValueError("controlfield without a tag")
            fields.append(pymarc.Field(tag=tag, data=child.text or ""))
        elif name == "leader":
            text = (child.text or "").ljust(24)[:24]
            record.leader = pymarc.Leader(text[:9] + "a" + text[10:])
    record.fields = fields
    return record


def read_file(path: Path, *, library: str = "", fmt: str = "auto") -> Iterator[SourceItem]:
    """Records of one MARC file; SourceError when the file itself cannot be opened."""
    fmt = detect_format(path) if fmt == "auto" else fmt
    if fmt not in {"marc", "marcxml"}:
        raise SourceError(f"{path} is {fmt}, not MARC", source=str(path))
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise SourceError(
            f"file not found: {path}", source=str(path), hint="check the path"
        ) from None
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror}", source=str(path)) from exc
    with handle:
        reader = read_marc if fmt == "marc" else read_marcxml
        yield from reader(handle, source=str(path), library=library)
