"""ISO 2709 framing that survives lying records: where a record ends, and a record whose leader
length, base address, leader width or directory lies, made consistent again from the record
terminator (0x1D) and the field terminators (0x1E).

Old exports lie in all of these ways (a length 20 bytes too long, a 23-byte leader, a directory
that misses a field, a byte above 0x7F in an indicator). :func:`frame` never lets one record's
lie cost the next record; :func:`fix_framing` returns a record pymarc can read plus a sentence per
correction, which the reader reports as a ``framing`` repair.
"""

from __future__ import annotations

RECORD_TERMINATOR = 0x1D

BETWEEN_RECORDS = frozenset(b"\r\n\x1a \x00\x1d")


def frame(data: bytes, pos: int) -> tuple[bytes, str]:
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
    """Whether a MARC leader plausibly starts at ``pos``: length digits, a record-status letter,
    ``45`` at 20-21 and a directory's digits after it. The letter matters: a directory inside
    a record (``…00046245002…``) has the digits and can put a ``45`` in place, but has no
    letters, so a lying length that points into its own record is not taken for a boundary."""
    return (
        data[pos : pos + 5].isdigit()
        and data[pos + 5 : pos + 6].isalpha()
        and data[pos + 20 : pos + 22] == b"45"
        and data[pos + 24 : pos + 27].isdigit()
    )


def fix_framing(chunk: bytes) -> tuple[bytes, list[str]]:
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
    if not entries or not _directory_clean(body, base, entries):
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


def _directory_clean(body: bytes, base: int, entries: list[bytes]) -> bool:
    """Every directory entry is digits, ends on a field terminator inside the record, and
    starts a data field whose indicators are ASCII: the record needs no rebuilding. One pass
    over the directory (every record read takes this path)."""
    size = len(body)
    for entry in entries:
        if not entry[3:12].isdigit():
            return False
        length = int(entry[3:7])
        start = base + int(entry[7:12])
        end = start + length - 1
        if length < 1 or end >= size or body[end] != 0x1E:
            return False
        if entry[:3] >= b"010":
            cut = body.find(b"\x1f", start, end)
            if not body[start : end if cut == -1 else cut].isascii():
                return False
    return True
