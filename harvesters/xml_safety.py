"""The one place where XML from outside (OAI-PMH, SRU, MARCXML drops) is parsed.

Every harvester hands untrusted bytes to :func:`parse_untrusted`, which

* refuses documents larger than ``max_bytes`` before parsing anything;
* parses with lxml configured never to load a DTD, never to expand entities, never to touch the
  network, and with lxml's own depth and text-size limits kept (``huge_tree=False``);
* refuses, with a :class:`UnsafeXML` (a :class:`~mucluc.core.errors.SourceError`), any document
  whose DOCTYPE declares entities or points at an external DTD: the shapes of XXE and "billion
  laughs" attacks. No real OAI-PMH or SRU server needs either;
* repairs characters that XML 1.0 forbids (C0 control characters, invalid UTF-8, character
  references such as ``&#1;``) by replacing each with U+FFFD, because one stray control byte in a
  MARC subfield would otherwise lose a whole page of records (RecordManager PR #98, VuFind
  PR #1290). The caller learns how many characters were replaced and can tell *which records*
  carry a replacement with :func:`harvesters.metadata.repairs_for`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from mucluc.core.errors import SourceError

#: Default ceiling for one XML document (one OAI-PMH or SRU response, or one MARCXML file read
#: whole). Real ListRecords pages are a few MB; anything far larger is a misbehaving server.
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024

#: What an illegal character becomes. Kept visible (not deleted) so the repair can be reported.
REPLACEMENT = "\ufffd"

_ILLEGAL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: Character references that may name a code point XML 1.0 forbids: by their number of
#: significant digits, below 0x20 (one or two), the surrogates, U+FFFE and U+FFFF (five decimal,
#: four hex) or beyond U+10FFFF (seven). The references text is made of (Vietnamese letters
#: are three- and four-digit numbers: ``&#7879;``) are never looked at one by one.
_CHAR_REF = re.compile(rb"&#(x0*(?:[0-9a-fA-F]{1,2}|[0-9a-fA-F]{4,})|0*(?:[0-9]{1,2}|[0-9]{5,}));")
_DECLARED_ENCODING = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")


class UnsafeXML(SourceError):
    """The document declares entities or an external DTD, or is too large: it is not parsed."""


class MalformedXML(SourceError):
    """The document is not well-formed XML (truncated, garbage), even after sanitising."""


@dataclass
class ParsedXML:
    """A parsed document and how many illegal characters were replaced to make it parse."""

    root: etree._Element
    sanitised: int = 0


def _legal_code_point(value: int) -> bool:
    return (
        value in (0x9, 0xA, 0xD)
        or 0x20 <= value <= 0xD7FF
        or 0xE000 <= value <= 0xFFFD
        or 0x10000 <= value <= 0x10FFFF
    )


def sanitise(data: bytes) -> tuple[bytes, int]:
    """Replace characters XML 1.0 forbids with U+FFFD; return the new bytes and how many.

    Only documents in UTF-8 (the encoding OAI-PMH mandates, and the default) are rewritten at the
    byte level; for a document declaring another encoding only illegal character references are
    replaced, since their syntax is ASCII in every encoding lxml reads.
    """
    count = 0

    def fix_ref(match: re.Match[bytes]) -> bytes:
        nonlocal count
        text = match.group(1)
        try:
            value = int(text[1:], 16) if text[:1] in (b"x",) else int(text)
        except ValueError:  # pragma: no cover - the pattern admits only digits
            return match.group(0)
        if _legal_code_point(value):
            return match.group(0)
        count += 1
        return b"&#xFFFD;"

    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data, 0  # UTF-16 with a BOM: lxml reads it; a byte-level rewrite would break it
    if b"&#" in data:
        data = _CHAR_REF.sub(fix_ref, data)
    declared = _DECLARED_ENCODING.match(data)
    if declared and declared.group(1).lower().replace(b"_", b"-") not in (b"utf-8", b"utf8"):
        return data, count
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
        # Count only what the lenient decode replaced, not U+FFFD already in the source.
        count += text.count(REPLACEMENT) - data.count(REPLACEMENT.encode())
        data = text.encode("utf-8")
    if _ILLEGAL_CHARS.search(text) is None:
        return data, count
    text, replaced = _ILLEGAL_CHARS.subn(REPLACEMENT, text)
    return text.encode("utf-8"), count + replaced


def _parser() -> etree.XMLParser:
    # A fresh parser per document: lxml parsers are not safe to share across threads.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_blank_text=False,
    )


def _refuse_dtd(root: etree._Element, *, source: str, library: str) -> None:
    docinfo = root.getroottree().docinfo
    dtd = docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        names = ", ".join(sorted(entity.name for entity in dtd.iterentities())[:5])
        raise UnsafeXML(
            f"{source or 'XML document'}: refused, its DOCTYPE declares entities ({names}); "
            "entity expansion (XXE, 'billion laughs') is never allowed",
            source=source,
            library=library,
        )
    if docinfo.system_url or docinfo.public_id:
        raise UnsafeXML(
            f"{source or 'XML document'}: refused, its DOCTYPE points at an external DTD "
            f"({docinfo.system_url or docinfo.public_id}); external DTDs are never loaded",
            source=source,
            library=library,
        )


def _malformed(error: etree.XMLSyntaxError, source: str, library: str) -> MalformedXML:
    return MalformedXML(f"{source or 'XML document'}: not well-formed XML: {error}",
                        source=source, library=library)


def parse_untrusted(
    data: bytes,
    *,
    source: str = "",
    library: str = "",
    max_bytes: int = MAX_DOCUMENT_BYTES,
    repair: bool = True,
) -> ParsedXML:
    """Parse bytes from outside safely; see the module docstring for what is refused.

    Raises :class:`UnsafeXML` for entity declarations, external DTDs and oversized documents, and
    :class:`MalformedXML` (with lxml's message and position) for documents that are not
    well-formed. With ``repair=False`` illegal characters are not replaced and make the document
    malformed, which is what a strict caller wants.
    """
    if len(data) > max_bytes:
        raise UnsafeXML(
            f"{source or 'XML document'}: refused, {len(data)} bytes is over the limit of "
            f"{max_bytes} bytes",
            source=source,
            library=library,
        )
    sanitised = 0
    try:
        # The parser refuses every character XML 1.0 forbids, so a document it reads as it
        # came has none to repair: only one it refuses is sanitised (and parsed again).
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        repaired, sanitised = sanitise(data) if repair else (data, 0)
        if repaired == data:
            raise _malformed(exc, source, library) from exc
        try:
            root = etree.fromstring(repaired, _parser())
        except etree.XMLSyntaxError as again:
            raise _malformed(again, source, library) from again
    if root is None:
        raise MalformedXML(f"{source or 'XML document'}: empty document", source=source,
                           library=library)
    _refuse_dtd(root, source=source, library=library)
    # Without a DOCTYPE an undeclared entity reference is not well-formed (the parser refused
    # it above), so only a document with one is walked (a page's whole tree: a fifth of its
    # parse time).
    if root.getroottree().docinfo.doctype and next(root.iter(etree.Entity), None) is not None:
        # An entity reference with no declaration we could refuse above (e.g. declared in an
        # external subset that was not loaded): its text would be silently lost.
        raise UnsafeXML(
            f"{source or 'XML document'}: refused, it uses undeclared entity references",
            source=source,
            library=library,
        )
    return ParsedXML(root=root, sanitised=sanitised)

