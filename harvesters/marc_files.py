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

import contextlib
import io
import logging
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import pymarc
from lxml import etree

from analyzers.legacy import repair
from harvesters.records import Notice, RecordProblem, Repair, SourceRecord
from mucluc.core.errors import SourceError

RECORD_TERMINATOR = 0x1D
MARCXML_NS = "http://www.loc.gov/MARC21/slim"
MAX_RECORD_BYTES = 99_999
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


def read_marc(stream: BinaryIO, *, source: str, library: str = "") -> Iterator[SourceItem]:
    """Records of an ISO 2709 stream, one at a time, with problems for the unreadable ones.

    Records are framed by their terminator (0x1D), not by the leader's length: a leader that
    lies costs at most its own record, never the ones after it. Where the length says a record
    ends before its terminator and a leader starts there, the terminator was lost and the length
    is believed. A record salvaged this way carries a :class:`Repair` saying what was wrong.
    """
    data = stream.read()
    pos, position = 0, 0
    while pos < len(data):
        while pos < len(data) and data[pos] in _BETWEEN_RECORDS:
            pos += 1
        if pos >= len(data):
            return
        position += 1
        chunk, note = _frame(data, pos)
        offset = pos
        pos += len(chunk)
        yield _parse_chunk(chunk, source=source, library=library, offset=offset,
                           position=position, framing=note)


_BETWEEN_RECORDS = frozenset(b"\r\n\x1a \x00\x1d")


def _frame(data: bytes, pos: int) -> tuple[bytes, str]:
    """The record starting at ``pos`` and what was wrong with its framing ("" if nothing)."""
    terminator = data.find(bytes([RECORD_TERMINATOR]), pos)
    head = data[pos : pos + 5]
    claimed = int(head) if len(head) == 5 and head.isdigit() else None
    if claimed is not None and 24 <= claimed and pos + claimed <= len(data):
        end = pos + claimed
        if data[end - 1] == RECORD_TERMINATOR and (terminator == end - 1):
            return data[pos:end], ""
        if (terminator == -1 or terminator >= end) and _leader_at(data, end):
            return data[pos:end], "record terminator missing; the leader's length was used"
    if terminator == -1:
        rest = len(data) - pos
        if claimed == rest:
            return data[pos:], ""
        if claimed is not None and claimed > rest:
            return data[pos:], f"file ends inside the record ({rest} of {claimed} bytes)"
        return data[pos:], "file ends without a record terminator"
    chunk = data[pos : terminator + 1]
    if claimed == len(chunk):
        return chunk, ""
    said = f"{claimed}" if claimed is not None else repr(head)
    return chunk, f"leader says the record is {said} bytes, it is {len(chunk)}"


def _realign_leader(body: bytes, directory_end: int, fixes: list[str]) -> tuple[bytes, int]:
    """A leader a byte or two short (or long) shifts the whole directory: find where the
    directory really starts and make the leader 24 bytes again."""
    for start in (23, 25, 22, 26, 21, 27):
        directory = body[start:directory_end]
        if len(directory) % 12 == 0 and directory and all(
                directory[i + 3 : i + 12].isdigit() for i in range(0, len(directory), 12)):
            leader = body[: start - 4].ljust(20)[:20] + b"4500"
            fixes.append(f"leader is {start} bytes, not 24: realigned")
            return leader + body[start:], directory_end + 24 - start
    return body, directory_end


def _leader_at(data: bytes, pos: int) -> bool:
    """Whether a MARC 21 leader plausibly starts at ``pos`` (length digits, ``45`` at 20-21)."""
    return data[pos : pos + 5].isdigit() and data[pos + 20 : pos + 22] == b"45"


def _fix_framing(chunk: bytes) -> tuple[bytes, list[str]]:
    """The record with a true length and base address and a directory that matches its fields
    (rebuilt from the field terminators when the directory lies); what was fixed."""
    fixes: list[str] = []
    body = chunk if chunk.endswith(b"\x1d") else chunk + b"\x1d"
    directory_end = body.find(b"\x1e", 24)
    if len(body) < 25 or directory_end == -1:
        raise ValueError("no directory terminator: not a MARC record")
    if (directory_end - 24) % 12:
        body, directory_end = _realign_leader(body, directory_end, fixes)
    if not body[:24].isascii():
        fixes.append("bytes above 0x7F in the leader read as blanks")
        body = bytes(b if b < 0x80 else 0x20 for b in body[:24]) + body[24:]
    base = directory_end + 1
    if body[12:17] != b"%05d" % base:
        fixes.append(f"base address {body[12:17]!r} corrected to {base}")
    directory = body[24:directory_end]
    entries = [directory[i : i + 12] for i in range(0, len(directory) - len(directory) % 12, 12)]
    if len(directory) % 12:
        fixes.append("directory length is not a multiple of 12")
    if not entries or not all(e[3:12].isdigit() for e in entries) or not _directory_true(
            body, base, entries) or _stray_indicators(body, base, entries):
        pieces = body[base:-1].split(b"\x1e")
        if pieces and pieces[-1] == b"":
            pieces.pop()
        tags = [e[:3] for e in entries]
        if len(tags) == len(pieces):
            fixes.append("directory rebuilt from the field terminators (stray bytes in "
                         "indicators read as blanks)" if _stray_indicators(body, base, entries)
                         else "directory rebuilt from the field terminators")
        else:
            # Keep the fields whose directory entries are true; name the ones lost.
            good = [(e[:3], _entry_data(body, base, e)) for e in entries]
            lost = [e[:3].decode("ascii", "replace") for e, (_t, d) in zip(entries, good,
                                                                          strict=True) if d is None]
            tags = [t for t, d in good if d is not None]
            pieces = [d for _t, d in good if d is not None]
            if not pieces:
                raise ValueError(f"directory lists {len(entries)} fields, none of them where "
                                 "it says; the fields cannot be placed")
            fixes.append(f"directory does not match the fields; kept {len(pieces)} fields, "
                         f"lost {', '.join(lost) or 'none'}")
        pieces = [_ascii_indicators(tag, piece) for tag, piece in zip(tags, pieces, strict=True)]
        entries, where = [], 0
        for tag, piece in zip(tags, pieces, strict=True):
            entries.append(tag + b"%04d%05d" % (len(piece) + 1, where))
            where += len(piece) + 1
        fields = b"".join(piece + b"\x1e" for piece in pieces)
        directory = b"".join(entries)
        base = 24 + len(directory) + 1
        body = body[:24] + directory + b"\x1e" + fields + b"\x1d"
    leader = b"%05d" % len(body) + body[5:12] + b"%05d" % base + body[17:24]
    if body[:5] != leader[:5]:
        fixes.append(f"record length {body[:5]!r} corrected to {len(body)}")
    return leader + body[24:], fixes


def _entry_data(body: bytes, base: int, entry: bytes) -> bytes | None:
    """A field's bytes (without its terminator) when its directory entry is true, else None."""
    if not entry[3:12].isdigit():
        return None
    length, where = int(entry[3:7]), int(entry[7:12])
    end = base + where + length - 1
    if length < 1 or end >= len(body) or body[end] != 0x1E:
        return None
    return body[base + where : end]


def _ascii_indicators(tag: bytes, piece: bytes) -> bytes:
    """A data field's indicators must be ASCII; a stray byte there (seen in real exports) is
    read as blank, and text before the first subfield delimiter becomes subfield a, rather
    than losing the record."""
    if tag < b"010":
        return piece
    head, mark, rest = piece.partition(b"\x1f")
    if head.isascii():  # extra ASCII indicators are dropped by pymarc, as MARC readers do
        return piece
    indicators = bytes(b if b < 0x80 else 0x20 for b in head[:2]).ljust(2)
    extra = head[2:]
    return indicators + (b"\x1fa" + extra if extra else b"") + mark + rest


def _stray_indicators(body: bytes, base: int, entries: list[bytes]) -> bool:
    for entry in entries:
        data = _entry_data(body, base, entry) or b""
        head = data.partition(b"\x1f")[0]
        if entry[:3] >= b"010" and not head.isascii():
            return True
    return False


def _directory_true(body: bytes, base: int, entries: list[bytes]) -> bool:
    """Every directory entry ends on a field terminator inside the record."""
    for entry in entries:
        length, where = int(entry[3:7]), int(entry[7:12])
        end = base + where + length - 1
        if length < 1 or end >= len(body) or body[end] != 0x1E:
            return False
    return True


def _parse_chunk(
    chunk: bytes, *, source: str, library: str, offset: int, position: int, framing: str = ""
) -> SourceItem:
    record_id = _control_number(chunk)
    try:
        fixed, fixes = _fix_framing(chunk)
        record, encoding_note, legacy = _decode(fixed)
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


def _decode(chunk: bytes) -> tuple[pymarc.Record, str, list[Repair]]:
    """(record, what was decided about its encoding, legacy-encoding repairs).

    Leader/09 is a claim: UTF-8 is believed when the bytes are UTF-8; bytes that are not are
    MARC-8, unless read byte for byte they are TCVN3, VNI or Windows-1258 Vietnamese (old
    Vietnamese systems wrote those with a blank leader/09), which :func:`repair` recognises.
    """
    claims_utf8 = chunk[9:10] == b"a"
    if _is_utf8(chunk) and (claims_utf8 or _looks_like_utf8(chunk)):
        record = pymarc.Record(data=chunk, to_unicode=True, force_utf8=True,
                               hide_utf8_warnings=True, utf8_handling="strict")
        note = "" if claims_utf8 else "leader/09 says MARC-8, the bytes are UTF-8: read as UTF-8"
        _set_utf8(record)
        return record, note, []
    blank = chunk[:9] + b" " + chunk[10:]
    raw = pymarc.Record(data=blank, to_unicode=True, force_utf8=False, file_encoding="latin-1")
    legacy, tried = _repair_legacy(raw)
    if legacy and len(legacy) * 2 >= tried:
        _set_utf8(raw)
        note = "read byte for byte and repaired as " + legacy[0].kind
        if claims_utf8:
            note = "leader/09 says UTF-8, the bytes are not: " + note
        return raw, note, legacy
    try:
        with contextlib.redirect_stderr(io.StringIO()):  # pymarc's MARC-8 decoder prints
            record = pymarc.Record(data=blank, to_unicode=True, force_utf8=False,
                                   hide_utf8_warnings=True)
    except UnicodeDecodeError as exc:
        # Broken MARC-8 (an escape sequence cut short): keep the record, read byte for byte.
        _set_utf8(raw)
        return raw, f"MARC-8 could not be decoded ({exc.reason}); read byte for byte", legacy
    _set_utf8(record)
    note = "leader/09 says UTF-8, the bytes are not: read as MARC-8" if claims_utf8 else ""
    return record, note, []


def _repair_legacy(record: pymarc.Record) -> tuple[list[Repair], int]:
    """Repair the subfields holding bytes above 0x7F as legacy Vietnamese; (repairs, how many
    such subfields there were). The record is changed only if the caller keeps it."""
    repairs: list[Repair] = []
    tried = 0
    for marc_field in record.get_fields():
        if marc_field.is_control_field():
            continue
        subfields = []
        for subfield in marc_field.subfields:
            value = subfield.value
            if any(ord(c) > 0x7F for c in value):
                as_utf8 = _utf8_subfield(value)
                if as_utf8 is not None:  # a UTF-8 field added to a legacy record later
                    subfields.append(pymarc.Subfield(code=subfield.code, value=as_utf8))
                    continue
                tried += 1
                fixed, encoding = repair(value)
                if encoding and fixed != value:
                    repairs.append(Repair(field=f"{marc_field.tag}${subfield.code}",
                                          before=value, after=fixed, kind=encoding))
                    value = fixed
            subfields.append(pymarc.Subfield(code=subfield.code, value=value))
        marc_field.subfields = subfields
    return repairs, tried


def _utf8_subfield(value: str) -> str | None:
    """The subfield's bytes (read one for one) decoded as UTF-8, if they are UTF-8."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return None


def _set_utf8(record: pymarc.Record) -> None:
    leader = str(record.leader)
    record.leader = pymarc.Leader(leader[:9] + "a" + leader[10:])


def _is_utf8(chunk: bytes) -> bool:
    try:
        chunk.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


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
    declared = re.search(rb"""<\?xml[^>]*encoding=["']([\w.-]+)""", head[:200])
    if declared is None or declared.group(1).lower().replace(b"_", b"-") in {b"utf-8", b"utf8"}:
        whole = head + stream.read()
        if not _is_utf8(whole):
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
