"""MARC files dropped by a library: ISO 2709 (UTF-8 or MARC-8) and MARCXML, read as a stream.

Each record is parsed on its own, so one broken record becomes a :class:`RecordProblem` (with its
byte offset and 001 when readable) and the rest of the file still loads. ISO 2709 records are
framed by the record terminator (0x1D) and checked against the leader's length; a lying length,
base address or directory is corrected from the terminators (field 0x1E, record 0x1D) and the
record kept, with a :class:`Repair` of kind ``framing``; the next record is never lost.

Leader position 9 says ``a`` for UTF-8 and blank for MARC-8, but old systems often lie: the bytes
decide (UTF-8 when they are UTF-8; else TCVN3, VNI or Windows-1258 when read byte for byte they
repair to Vietnamese; else MARC-8), with a Repair of kind ``encoding`` when the claim was wrong.
"""

from __future__ import annotations

import io
import itertools
import logging
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import pymarc
from lxml import etree

from harvesters.iso2709 import BETWEEN_RECORDS, fix_framing, frame
from harvesters.marc_encoding import decode_record, is_utf8
from harvesters.records import Notice, RecordProblem, Repair, SourceRecord
from harvesters.unchanged import KNOWN, Stored, raw_hash
from mucluc.core.errors import SourceError

MARCXML_NS = "http://www.loc.gov/MARC21/slim"
MARC_SUFFIXES = {".mrc", ".marc", ".iso", ".iso2709", ".dat", ".usm", ".bin"}
XML_SUFFIXES = {".xml", ".marcxml"}

SourceItem = SourceRecord | RecordProblem | Notice

# pymarc logs every odd indicator and warns on odd subfield codes; what matters reaches the
# report as a Repair or a RecordProblem instead.
logging.getLogger("pymarc").setLevel(logging.ERROR)
warnings.filterwarnings("ignore", category=pymarc.exceptions.BadSubfieldCodeWarning)


def detect_format(path: Path) -> str:
    """``marc`` or ``marcxml`` (or ``csv``/``xlsx``) from the suffix, else from the first bytes."""
    suffix = path.suffix.lower()
    if suffix in MARC_SUFFIXES:
        return "marc"
    if suffix in XML_SUFFIXES:
        return "marcxml"
    if suffix in {".csv", ".tsv", ".txt"}:
        return "csv"
    if suffix in {".xlsx", ".xlsm", ".xls"}:
        return "xlsx"  # an old .xls is refused by the workbook reader with the right advice
    with path.open("rb") as handle:
        head = handle.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return "marcxml"
    if head[:5].isdigit():
        return "marc"
    if head.startswith(b"PK") or head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xlsx"
    raise SourceError(
        f"cannot tell the format of {path}",
        source=str(path),
        hint="pass --format marc|marcxml|csv|xlsx",
    )


#: Records framed ahead of decoding, so one lookup of stored raw hashes serves them all.
WINDOW = 250


def read_marc(stream: BinaryIO, *, source: str, library: str = "") -> Iterator[SourceItem]:
    """Records of an ISO 2709 stream, one at a time, with problems for the unreadable ones.

    Records are framed by their terminator (0x1D), not by the leader's length: a leader that
    lies costs at most its own record, never the ones after it. Where the length says a record
    ends before its terminator and a leader starts there, the terminator was lost and the length
    is believed. A record salvaged this way carries a :class:`Repair` saying what was wrong.

    Each record carries the hash of its bytes (``raw_hash``). When the consumer set
    :data:`harvesters.unchanged.KNOWN`, a record whose bytes the store already holds under its
    001 is not decoded (see :mod:`harvesters.unchanged`).
    """
    known = KNOWN.get()
    position = 0
    frames = _frames(stream)
    while True:
        window = list(itertools.islice(frames, WINDOW))
        if not window:
            return
        stored: dict[str, Stored] = {}
        ids: list[str] = []
        if known is not None:
            ids = [_raw_control_number(chunk) if not note else "" for _, chunk, note in window]
            stored = known.stored(library, ids)
        for index, (offset, chunk, note) in enumerate(window):
            position += 1
            digest = raw_hash(chunk)
            found = known.skippable(library, ids[index], digest, stored) if stored else None
            if known is not None and found is not None:
                yield SourceRecord(library=library, source=source, local_id=ids[index],
                                   record=None, offset=offset, repairs=list(found.repairs),
                                   checksum=found.checksum, raw_hash=digest, unchanged=True)
                continue
            item = _parse_chunk(chunk, source=source, library=library, offset=offset,
                                position=position, framing=note)
            if isinstance(item, SourceRecord) and item.local_id == _record_id(item.record):
                item.raw_hash = digest  # not for an id made from the position: see unchanged
            yield item


#: Bytes read from a file at a time: memory stays bounded whatever the file's size.
BLOCK = 1 << 20
#: How far past a record's start :func:`frame` may look (the longest length a leader can claim,
#: plus the next leader it checks): with that much buffered, framing a stream gives what
#: framing the whole file would.
LOOKAHEAD = 99_999 + 32


def _frames(stream: BinaryIO, block: int = BLOCK) -> Iterator[tuple[int, bytes, str]]:
    """(offset, record bytes, framing note) of each record of an ISO 2709 stream, read a block
    at a time: the buffer holds what :func:`frame` may look at (the next terminator and
    ``LOOKAHEAD`` bytes), or the whole rest of the file at its end."""
    buffer, base, pos, ended = b"", 0, 0, False

    def more() -> bool:
        nonlocal buffer, base, pos, ended
        data = stream.read(block)
        if not data:
            ended = True
            return False
        buffer, base, pos = buffer[pos:] + data, base + pos, 0
        return True

    while True:
        while True:  # skip what lies between records
            while pos < len(buffer) and buffer[pos] in BETWEEN_RECORDS:
                pos += 1
            if pos < len(buffer) or ended or not more():
                break
        if pos >= len(buffer):
            return
        while not ended and (len(buffer) - pos < LOOKAHEAD
                             or buffer.find(b"\x1d", pos) == -1) and more():
            pass
        chunk, note = frame(buffer, pos)
        yield base + pos, chunk, note
        pos += len(chunk)


def _parse_chunk(
    chunk: bytes, *, source: str, library: str, offset: int, position: int, framing: str = ""
) -> SourceItem:
    record_id = _control_number(chunk)
    try:
        fixed, fixes = fix_framing(chunk)
        record, encoding_note, legacy = decode_record(fixed)
    except Exception as exc:  # noqa: BLE001 - pymarc raises many types for bad records
        reason = f"record {position}: {type(exc).__name__}: {exc}"
        if framing:
            reason += f" ({framing})"
        return RecordProblem(source=source, library=library, offset=offset,
                             record_id=record_id, reason=reason[:300])
    local_id = _record_id(record) or record_id or f"{Path(source).name}#{position}"
    problem = _missing_title(record)
    if problem:
        return RecordProblem(
            source=source, library=library, offset=offset, record_id=local_id, reason=problem
        )
    if framing:  # the framing note already says the length was wrong
        fixes = [fix for fix in fixes if not fix.startswith("record length")]
    repairs = [Repair(field="leader", before="", after=text, kind="framing")
               for text in ([framing] if framing else []) + fixes]
    if encoding_note:
        repairs.append(Repair(field="leader/09", before="", after=encoding_note,
                              kind="encoding"))
    repairs += legacy
    return SourceRecord(library=library, source=source, local_id=local_id, record=record,
                        offset=offset, repairs=repairs)


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


def _raw_control_number(chunk: bytes) -> str:
    """The 001 read from the directory when it is plain printable ASCII (what decoding gives
    for such bytes in every encoding), else "": the id a reader looks up before decoding."""
    value = _control_number(chunk)
    return value if value and all(" " <= c <= "~" for c in value) else ""


def _record_id(record: pymarc.Record | None) -> str:
    if record is None:
        return ""
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
    declared = re.search(rb"""<\?xml[^>]*encoding=["']([\w.-]+)""", head[:200])
    if declared is None or declared.group(1).lower().replace(b"_", b"-") in {b"utf-8", b"utf8"}:
        whole = head + stream.read()
        if not is_utf8(whole):
            # Old Vietnamese systems wrote TCVN3/VNI/Windows-1258 bytes into "UTF-8" XML: read
            # the bytes one for one; harvesters.repair then repairs and lists each subfield.
            yield Notice(source, "the file is not UTF-8: read byte for byte; legacy Vietnamese "
                         "text is repaired (see repairs)", field="encoding", library=library,
                         hint="export the records again as UTF-8")
            whole = re.sub(rb"""(<\?xml[^>]*encoding=["'])[\w.-]+""", rb"\1UTF-8",
                           whole.decode("latin-1").encode("utf-8"), count=1)
        stream = io.BytesIO(whole)
    else:
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
            name = etree.QName(element)
            if name.localname != "record" or name.namespace not in {MARCXML_NS, None}:
                continue  # an OAI-PMH <record> wraps a MARC record: only the MARC one counts
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
