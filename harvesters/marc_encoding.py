"""The character encoding of an ISO 2709 record, decided from its bytes, not from leader/09.

UTF-8 when the bytes are UTF-8; TCVN3, VNI or Windows-1258 (old Vietnamese systems, which leave
leader/09 blank) when, read one byte per character, the text repairs to Vietnamese through
:func:`analyzers.legacy.repair`; MARC-8 otherwise, and byte for byte when even MARC-8 fails.
What was decided, when the leader said otherwise, is returned for the report.
"""

from __future__ import annotations

import contextlib
import io

import pymarc

from analyzers.legacy import repair
from harvesters.records import Repair


def decode_record(chunk: bytes) -> tuple[pymarc.Record, str, list[Repair]]:
    """(record, what was decided about its encoding, legacy-encoding repairs).

    Leader/09 is a claim: UTF-8 is believed when the bytes are UTF-8; bytes that are not are
    MARC-8, unless read byte for byte they are TCVN3, VNI or Windows-1258 Vietnamese (old
    Vietnamese systems wrote those with a blank leader/09), which :func:`repair` recognises.
    """
    claims_utf8 = chunk[9:10] == b"a"
    if is_utf8(chunk) and (claims_utf8 or _looks_like_utf8(chunk)):
        record = utf8_record(chunk) or pymarc.Record(
            data=chunk, to_unicode=True, force_utf8=True, hide_utf8_warnings=True,
            utf8_handling="strict")
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


def utf8_record(chunk: bytes) -> pymarc.Record | None:
    """The record pymarc's ``Record(data=chunk, force_utf8=True, utf8_handling="strict")``
    makes of a well-formed UTF-8 record, in about half its time (reading is most of a load's
    Python time), or None when the chunk is anything else: then pymarc reads it, with its own
    errors and warnings.

    Well-formed: a digit base address and length that pymarc accepts, an ASCII directory of
    whole entries with digit lengths and offsets, two ASCII indicators and ASCII subfield codes
    in every data field, and every field valid UTF-8. Each field is decoded whole and split on
    the subfield delimiter (0x1F is never part of a multibyte character, so this is what
    decoding each subfield gives); the fields are built by pymarc's own constructors.
    """
    leader = chunk[:24]
    base_digits, length_digits = chunk[12:17], chunk[:5]
    if (len(leader) != 24 or not leader.isascii() or not base_digits.isdigit()
            or not length_digits.isdigit()):
        return None
    base = int(base_digits)
    if not 0 < base < len(chunk) or len(chunk) < int(length_digits):
        return None
    directory = chunk[24 : base - 1]
    if not directory or len(directory) % 12 or not directory.isascii():
        return None
    fields: list[pymarc.Field] = []
    try:
        for start in range(0, len(directory), 12):
            entry = directory[start : start + 12]
            if not entry[3:12].isdigit():
                return None
            tag = entry[:3].decode("ascii")
            where = base + int(entry[7:12])
            data = chunk[where : where + int(entry[3:7]) - 1].decode("utf-8")
            if tag < "010" and tag.isdigit():
                fields.append(pymarc.Field(tag=tag, data=data))
                continue
            head, *parts = data.split("\x1f")
            if len(head) != 2 or not head.isascii():
                return None  # pymarc warns about the indicators: let it
            subfields = []
            for part in parts:
                if part:
                    if not part[0].isascii():
                        return None  # pymarc warns about the code: let it
                    subfields.append(pymarc.Subfield(code=part[0], value=part[1:]))
            fields.append(pymarc.Field(tag=tag, indicators=pymarc.Indicators(head[0], head[1]),
                                       subfields=subfields))
    except UnicodeDecodeError:
        return None  # pymarc names the byte and its position within the subfield
    record = pymarc.Record(to_unicode=True, force_utf8=True, hide_utf8_warnings=True,
                           utf8_handling="strict")
    record.leader = pymarc.Leader(leader.decode("ascii"))
    record.fields = fields
    return record


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


def is_utf8(chunk: bytes) -> bool:
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
