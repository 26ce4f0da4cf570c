"""Exports of one book for copy cataloguing and reference managers.

MARC formats (MARCXML, ISO 2709, MARC-in-JSON) give the preferred member's record exactly as the
raw store holds it, so another library can import it into Koha unchanged. RIS, BibTeX and
CSL-JSON are made from the display fields, which is what a reader cites. ISO 2709 is always
written in UTF-8 (leader/09 = ``a``): Vietnamese does not survive MARC-8 round trips reliably.

Every writer returns bytes for any stored record or display fields: text that is not valid
Unicode (a lone surrogate from a JSON escape) becomes U+FFFD instead of failing the request.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pymarc

from analyzers.fold import fold
from indexer.marc_document import marc_record

__all__ = ["EXPORTS", "Export", "marc_record"]


@dataclass(frozen=True)
class Export:
    content_type: str
    extension: str
    from_marc: bool


EXPORTS: dict[str, Export] = {
    "marcxml": Export("application/marcxml+xml", "xml", True),
    "iso2709": Export("application/marc", "mrc", True),
    "marc-json": Export("application/marc+json", "json", True),
    "ris": Export("application/x-research-info-systems", "ris", False),
    "bibtex": Export("application/x-bibtex", "bib", False),
    "csl-json": Export("application/vnd.citationstyles.csl+json", "json", False),
}
ALIASES = {"marc": "iso2709", "mrc": "iso2709", "xml": "marcxml", "json-marc": "marc-json",
           "bib": "bibtex", "csl": "csl-json"}  # fmt: skip


def _valid(text: str) -> str:
    """``text`` with lone surrogates replaced, so it always encodes as UTF-8."""
    return text.encode("utf-8", "replace").decode("utf-8") if _SURROGATE.search(text) else text


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "replace")


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _valid_record(record: pymarc.Record) -> pymarc.Record:
    for field in record.fields:
        if field.is_control_field():
            field.data = _valid(field.data or "")
        else:
            field.subfields = [pymarc.Subfield(sf.code, _valid(sf.value)) for sf in field.subfields]
    return record


def marcxml(record: pymarc.Record) -> bytes:
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + pymarc.record_to_xml(
        _valid_record(record), namespace=True
    )


def iso2709(record: pymarc.Record) -> bytes:
    record = _valid_record(record)
    record.force_utf8 = True
    leader = str(record.leader)
    if len(leader) >= 10 and leader[9] != "a":
        record.leader = pymarc.Leader(leader[:9] + "a" + leader[10:])
    return record.as_marc()


def marc_json(record: pymarc.Record) -> bytes:
    return _utf8(json.dumps(_valid_record(record).as_dict(), ensure_ascii=False))


MARC_WRITERS: dict[str, Callable[[pymarc.Record], bytes]] = {
    "marcxml": marcxml,
    "iso2709": iso2709,
    "marc-json": marc_json,
}

# --- citations from display fields --------------------------------------------------------------

RIS_TYPES = {
    "book": "BOOK", "serial": "JOUR", "map": "MAP", "video": "VIDEO", "audio": "SOUND",
    "music": "SOUND", "score": "MUSIC", "manuscript": "MANSCPT", "electronic": "ELEC",
}  # fmt: skip
CSL_TYPES = {"book": "book", "serial": "periodical", "map": "map", "video": "motion_picture",
             "audio": "song", "music": "song", "score": "musical_score",
             "manuscript": "manuscript", "image": "graphic"}  # fmt: skip
BIBTEX_TYPES = {"book": "book", "serial": "periodical", "manuscript": "unpublished"}


def _title(display: Mapping[str, Any]) -> str:
    title = display.get("title", "")
    if display.get("subtitle"):
        title = f"{title}: {display['subtitle']}"
    if display.get("part"):
        title = f"{title}. {display['part']}"
    return title


def ris(display: Mapping[str, Any], doc_id: str) -> bytes:
    lines = [("TY", RIS_TYPES.get(display.get("type", "book"), "GEN")), ("ID", doc_id),
             ("TI", _title(display))]  # fmt: skip
    lines += [("AU", author) for author in display.get("authors", [])]
    if display.get("year"):
        lines.append(("PY", str(display["year"])))
    for tag, key in (("PB", "publisher"), ("CY", "place"), ("ET", "edition"), ("AB", "summary")):
        if display.get(key):
            lines.append((tag, str(display[key])))
    if display.get("pages"):
        lines.append(("SP", str(display["pages"])))
    lines += [("SN", isbn) for isbn in display.get("isbns", [])]
    lines += [("KW", subject) for subject in display.get("subjects", [])]
    lines += [("LA", language) for language in display.get("languages", [])]
    lines += [("T3", series) for series in display.get("series", [])]
    lines.append(("ER", ""))
    text = "".join(f"{tag}  - {_one_line(value)}".rstrip() + "\r\n" for tag, value in lines)
    return _utf8(text)


def _one_line(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip()


_BIBTEX_SPECIAL = re.compile(r"([{}&%$#_\\])")


def _bibtex_escape(value: str) -> str:
    def escape(match: re.Match[str]) -> str:
        char = match.group(1)
        return "\\textbackslash{}" if char == "\\" else "\\" + char

    return _BIBTEX_SPECIAL.sub(escape, _one_line(value))


def bibtex_key(display: Mapping[str, Any], doc_id: str) -> str:
    """An ASCII key: first author's first word, year, first title word ("nguyen2015truyen")."""
    authors = display.get("authors") or [""]
    words = [
        re.sub(r"[^a-z0-9]", "", fold(part).lower())
        for part in (authors[0].split(",")[0].split()[:1] or [""])
        + [str(display.get("year") or "")]
        + (display.get("title", "").split()[:1] or [""])
    ]
    key = "".join(words)
    return key or re.sub(r"[^A-Za-z0-9]", "", doc_id)


def bibtex(display: Mapping[str, Any], doc_id: str) -> bytes:
    entry = BIBTEX_TYPES.get(display.get("type", "book"), "misc")
    fields: list[tuple[str, str]] = [("title", _title(display))]
    if display.get("authors"):
        fields.append(("author", " and ".join(display["authors"])))
    for name, key in (
        ("year", "year"), ("publisher", "publisher"), ("address", "place"),
        ("edition", "edition"), ("pagetotal", "pages"), ("abstract", "summary"),
    ):  # fmt: skip
        if display.get(key):
            fields.append((name, str(display[key])))
    if display.get("isbns"):
        fields.append(("isbn", display["isbns"][0]))
    if display.get("subjects"):
        fields.append(("keywords", ", ".join(display["subjects"])))
    if display.get("languages"):
        fields.append(("language", display["languages"][0]))
    body = ",\n".join(f"  {name} = {{{_bibtex_escape(value)}}}" for name, value in fields)
    return _utf8(f"@{entry}{{{bibtex_key(display, doc_id)},\n{body}\n}}\n")


def _csl_name(author: str) -> dict[str, str]:
    # "Nguyễn, Du" is MARC's inverted form (family, given); "Nguyễn Du" stays whole, because
    # Vietnamese names are written family name first and must not be re-ordered by a citer.
    if "," in author:
        family, given = (part.strip() for part in author.split(",", 1))
        if family and given:
            return {"family": family, "given": given}
    return {"literal": author}


def csl_json(display: Mapping[str, Any], doc_id: str) -> bytes:
    item: dict[str, Any] = {
        "id": doc_id,
        "type": CSL_TYPES.get(display.get("type", "book"), "book"),
        "title": _title(display),
    }
    if display.get("authors"):
        item["author"] = [_csl_name(a) for a in display["authors"]]
    if display.get("year"):
        item["issued"] = {"date-parts": [[int(display["year"])]]}
    for name, key in (("publisher", "publisher"), ("publisher-place", "place"),
                      ("edition", "edition"), ("abstract", "summary")):  # fmt: skip
        if display.get(key):
            item[name] = str(display[key])
    if display.get("pages"):
        item["number-of-pages"] = str(display["pages"])
    if display.get("isbns"):
        item["ISBN"] = display["isbns"][0]
    if display.get("languages"):
        item["language"] = display["languages"][0]
    if display.get("series"):
        item["collection-title"] = display["series"][0]
    return _utf8(json.dumps([item], ensure_ascii=False))


DISPLAY_WRITERS: dict[str, Callable[[Mapping[str, Any], str], bytes]] = {
    "ris": ris,
    "bibtex": bibtex,
    "csl-json": csl_json,
}


def resolve(name: str) -> str | None:
    """The canonical export name for ``name`` (aliases accepted), or None."""
    name = name.strip().lower()
    name = ALIASES.get(name, name)
    return name if name in EXPORTS else None
