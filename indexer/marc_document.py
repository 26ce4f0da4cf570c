"""MARC 21 → the fields of one source record, as a reader and a librarian will see them.

The mapping follows common practice (Koha's search mappings, VuFind): 245 for the title,
1XX/7XX for authors, 260/264 for the publisher, 008 and 260/264 $c for the year, 020 for ISBNs,
6XX for subjects, 008/35-37 and 041 for languages, the leader for the material type, and
852 (MARC holdings) with 876-878 (items) or 952 (Koha items) for this library's call number and
copies.

Copies are counted from items, never added up from ``852 $t`` (a copy *number*, as in "copy 2"):
Koha's 952 and MARC's 876-878 are one field per item; without them each 852 is one copy (the
convention of libraries that write one 852 per copy). Authors are the 1XX/7XX names whose relator
(``$e`` term or ``$4`` code, in Vietnamese or English) says author, or that have none; editors,
compilers, translators, annotators and illustrators are kept apart in ``contributors`` so a
citation never lists a translator as an author.

Display values keep what the library wrote, minus ISBD punctuation at the ends.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

import pymarc

from analyzers.fold import fold
from indexer.isbn import normalise_isbns

TRAILING_PUNCTUATION = " /:;,=.+"
YEAR = re.compile(r"(1[5-9]\d\d|20\d\d)")

# Leader/06 (type of record) and /07 (bibliographic level) → material type.
MATERIAL_TYPES: dict[str, str] = {
    "a": "book",
    "t": "manuscript",
    "c": "score",
    "d": "score",
    "e": "map",
    "f": "map",
    "g": "video",
    "i": "audio",
    "j": "music",
    "k": "image",
    "m": "electronic",
    "o": "kit",
    "p": "mixed",
    "r": "object",
}
SERIAL_LEVELS = {"s", "b", "i"}


@dataclass
class RecordFields:
    """Search and display fields of one library's record of a book."""

    title: str
    filing_title: str = ""  # the title without its non-filing characters; "" when it is `title`
    subtitle: str = ""
    part: str = ""
    authors: list[str] = field(default_factory=list)
    contributors: list[dict[str, str]] = field(default_factory=list)
    publisher: str = ""
    place: str = ""
    year: int | None = None
    edition: str = ""
    pages: int | None = None
    series: list[str] = field(default_factory=list)
    isbns: list[str] = field(default_factory=list)
    issns: list[str] = field(default_factory=list)
    other_ids: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    type: str = "book"
    summary: str = ""
    call_number: str = ""
    copies: int = 1
    location: str = ""

    def as_dict(self) -> dict[str, object]:
        """What ``dataclasses.asdict`` gives (fresh lists and dicts), without its generic deep
        copy: that was a sixth of a harvest's mapping time."""
        return {name: _copied(getattr(self, name)) for name in _FIELD_NAMES}


_FIELD_NAMES = tuple(f.name for f in fields(RecordFields))


def _copied(value: object) -> object:
    if isinstance(value, list):
        return [dict(v) if isinstance(v, dict) else v for v in value]
    return value


def clean(value: str) -> str:
    """A subfield value without surrounding whitespace and ISBD end punctuation."""
    value = unicodedata.normalize("NFC", " ".join(value.split()))
    value = value.strip(TRAILING_PUNCTUATION + " ")
    if value.endswith(("[", "(")):
        value = value[:-1].rstrip()
    return value


def _first(record: pymarc.Record, tag: str, code: str) -> str:
    for marc_field in record.get_fields(tag):
        for value in marc_field.get_subfields(code):
            if value.strip():
                return value
    return ""


def _all(record: pymarc.Record, tags: tuple[str, ...], code: str) -> list[str]:
    found: list[str] = []
    for marc_field in record.get_fields(*tags):
        for value in marc_field.get_subfields(code):
            cleaned = clean(value)
            if cleaned and cleaned not in found:
                found.append(cleaned)
    return found


def title_parts(record: pymarc.Record) -> tuple[str, str, str]:
    """(title, subtitle, part) from 245 $a, $b and $n/$p."""
    title_field = record.get("245")
    if title_field is None:
        return "", "", ""
    title = clean(" ".join(title_field.get_subfields("a", "k")))
    subtitle = clean(" ".join(title_field.get_subfields("b")))
    part = clean(" ".join(title_field.get_subfields("n", "p")))
    return title, subtitle, part


def filing_title(record: pymarc.Record) -> str:
    """245 $a $k without the non-filing characters its second indicator counts (`The `, `L'`),
    or "" when there are none: `The tale of Kieu` with indicator 4 files under `tale`."""
    title_field = record.get("245")
    skip = title_field.indicator2 if title_field is not None else ""
    if title_field is None or len(skip) != 1 or skip not in "123456789":
        return ""
    return clean(" ".join(title_field.get_subfields("a", "k"))[int(skip) :])


# Relator terms ($e, folded: no tone marks, lower case, no punctuation) and codes ($4) → the
# role a citation gives the name. CSL's names: author, editor, compiler, translator,
# illustrator, annotator (kept as ours: CSL has no annotator; exports map it).
RELATOR_TERMS: dict[str, str] = {
    "tac gia": "author", "tg": "author", "dong tac gia": "author", "author": "author",
    "chu bien": "editor", "cb": "editor", "dong chu bien": "editor", "tong chu bien": "editor",
    "editor": "editor", "ed": "editor", "bien tap": "editor", "hieu dinh": "editor",
    "bien soan": "compiler", "bs": "compiler", "soan": "compiler", "suu tam": "compiler",
    "tuyen chon": "compiler", "compiler": "compiler", "comp": "compiler",
    "dich": "translator", "nguoi dich": "translator", "dich gia": "translator",
    "bien dich": "translator", "translator": "translator", "tr": "translator",
    "chu giai": "annotator", "chu thich": "annotator", "gioi thieu": "annotator",
    "annotator": "annotator", "commentator": "annotator",
    "minh hoa": "illustrator", "ve": "illustrator", "ve tranh": "illustrator",
    "tranh": "illustrator", "illustrator": "illustrator", "ill": "illustrator",
}  # fmt: skip
RELATOR_CODES: dict[str, str] = {
    "aut": "author", "cre": "author", "edt": "editor", "pbd": "editor", "red": "editor",
    "com": "compiler", "trl": "translator", "ann": "annotator", "cwt": "annotator",
    "aui": "annotator", "ill": "illustrator", "art": "illustrator", "ctb": "contributor",
}  # fmt: skip


def role(marc_field: pymarc.Field) -> str:
    """The citation role of a 1XX/7XX name: from ``$4`` codes first, then ``$e`` terms; a name
    with neither is an author (Vietnamese catalogues leave co-authors' 700 without a relator);
    an unknown relator is a ``contributor`` (never silently an author)."""
    for code in marc_field.get_subfields("4"):
        key = re.sub(r"[^a-z]", "", code.lower())[:3]
        if key in RELATOR_CODES:
            return RELATOR_CODES[key]
    terms = [t for t in marc_field.get_subfields("e", "j") if t.strip()]
    if not terms and not marc_field.get_subfields("4"):
        return "author"
    for term in terms:
        key = " ".join(re.sub(r"[^a-z ]", " ", fold(term).lower()).split())
        if key in RELATOR_TERMS:
            return RELATOR_TERMS[key]
    return "contributor"


def contributors(record: pymarc.Record) -> list[dict[str, str]]:
    """Every 1XX/7XX name with its role and kind (``person`` or ``organisation``), in order."""
    found: list[dict[str, str]] = []
    for marc_field in record.get_fields("100", "110", "111", "700", "710", "711"):
        parts = (
            marc_field.get_subfields("a", "b")
            if marc_field.tag.endswith("10")
            else (marc_field.get_subfields("a"))
        )
        name = clean(" ".join(parts))
        if not name or any(c["name"] == name for c in found):
            continue
        kind = "person" if marc_field.tag.endswith("00") else "organisation"
        found.append({"name": name, "role": role(marc_field), "kind": kind})
    return found


def authors(record: pymarc.Record) -> list[str]:
    """The names whose role is author (see :func:`role`)."""
    return [c["name"] for c in contributors(record) if c["role"] == "author"]


def year(record: pymarc.Record) -> int | None:
    control = record.get("008")
    if control is not None and control.data and len(control.data) >= 11:
        date1 = control.data[7:11]
        if date1.isdigit() and 1400 < int(date1) < 2100:
            return int(date1)
    for tag in ("264", "260"):
        value = _first(record, tag, "c")
        match = YEAR.search(value)
        if match:
            return int(match.group(1))
    return None


def languages(record: pymarc.Record) -> list[str]:
    found: list[str] = []
    control = record.get("008")
    if control is not None and control.data and len(control.data) >= 38:
        code = control.data[35:38].strip().lower()
        if code.isalpha() and len(code) == 3:
            found.append(code)
    for marc_field in record.get_fields("041"):
        for value in marc_field.get_subfields("a"):
            for start in range(0, len(value.strip()), 3):
                code = value.strip()[start : start + 3].lower()
                if len(code) == 3 and code.isalpha() and code not in found:
                    found.append(code)
    return found


def material_type(record: pymarc.Record) -> str:
    leader = str(record.leader)
    kind = MATERIAL_TYPES.get(leader[6:7], "book") if len(leader) > 7 else "book"
    if kind == "book" and leader[7:8] in SERIAL_LEVELS:
        return "serial"
    return kind


def subjects(record: pymarc.Record) -> list[str]:
    found: list[str] = []
    for marc_field in record.get_fields(
        "600", "610", "611", "630", "648", "650", "651", "653", "655"
    ):
        main = " ".join(marc_field.get_subfields("a", "b", "t"))
        parts = [clean(main)] + [clean(v) for v in marc_field.get_subfields("x", "y", "z", "v")]
        heading = " -- ".join(part for part in parts if part)
        if heading and heading not in found:
            found.append(heading)
    return found


def pages(record: pymarc.Record) -> int | None:
    extent = _first(record, "300", "a")
    numbers = [int(n) for n in re.findall(r"\d+", extent)]
    return max(numbers) if numbers else None


ITEM_TAGS = ("876", "877", "878")


def holding(record: pymarc.Record) -> tuple[str, int, str]:
    """(call number, copies, location) of this library's copies, from 952 or 852, else 082/090.

    Copies are items: one per 952 (Koha), else one per 876/877/878 (MARC item information),
    else one per 852; a record with no holdings fields is one copy. ``852 $t`` is a copy number
    and is never added up.
    """
    items = record.get_fields("952")
    if items:
        call = next((clean(v) for f in items for v in f.get_subfields("o") if v.strip()), "")
        location = next(
            (clean(v) for f in items for v in f.get_subfields("c", "b") if v.strip()), ""
        )
        return call or _classification(record), len(items), location
    locations = record.get_fields("852")
    described = record.get_fields(*ITEM_TAGS)
    if locations:
        first = locations[0]
        call = clean(" ".join(first.get_subfields("k", "h", "i", "m")))
        location = clean(" ".join(first.get_subfields("b", "c")))
        copies = len(described) or len(locations)
        return call or _classification(record), copies, location
    return _classification(record), max(len(described), 1), ""


def part(record: pymarc.Record, title_part: str) -> str:
    """The volume or part that tells a book from its siblings: ``245 $n $p`` ("T. 1"), else the
    series numbering ``490 $v`` / ``830 $v``."""
    if title_part:
        return title_part
    return next(
        (clean(v) for f in record.get_fields("490", "830") for v in f.get_subfields("v")
         if clean(v)),
        "",
    )


def _classification(record: pymarc.Record) -> str:
    for tag in ("090", "082", "084", "050"):
        value = _first(record, tag, "a")
        if value.strip():
            return clean(value)
    return ""


def record_fields(record: pymarc.Record) -> RecordFields:
    """Every field we search, facet, sort or display, read from one MARC record."""
    title, subtitle, title_part = title_parts(record)
    named = contributors(record)
    call_number, copies, location = holding(record)
    other_ids = _all(record, ("010", "035"), "a") + _all(record, ("024",), "a")
    return RecordFields(
        title=title,
        filing_title=filing_title(record),
        subtitle=subtitle,
        part=part(record, title_part),
        authors=[c["name"] for c in named if c["role"] == "author"],
        contributors=named,
        publisher=clean(_first(record, "264", "b") or _first(record, "260", "b")),
        place=clean(_first(record, "264", "a") or _first(record, "260", "a")),
        year=year(record),
        edition=clean(_first(record, "250", "a")),
        pages=pages(record),
        series=[
            clean(" ".join(f.get_subfields("a", "v")))
            for f in record.get_fields("490", "440", "830")
            if f.get_subfields("a")
        ],
        isbns=normalise_isbns(v for f in record.get_fields("020") for v in f.get_subfields("a")),
        issns=_all(record, ("022",), "a"),
        other_ids=other_ids,
        subjects=subjects(record),
        languages=languages(record),
        type=material_type(record),
        summary=clean(_first(record, "520", "a")),
        call_number=call_number,
        copies=copies,
        location=location,
    )


def marc_record(marc: Mapping[str, Any]) -> pymarc.Record:
    """A pymarc record from MARC-in-JSON (pymarc's ``as_dict`` shape, as the raw store keeps it)."""
    record = pymarc.Record(force_utf8=True, leader=str(marc.get("leader", "")))
    for entry in marc.get("fields", []):
        ((tag, value),) = entry.items()
        if isinstance(value, str):
            record.add_field(pymarc.Field(tag=tag, data=value))
        else:
            record.add_field(
                pymarc.Field(
                    tag=tag,
                    indicators=pymarc.Indicators(value.get("ind1", " "), value.get("ind2", " ")),
                    subfields=[
                        pymarc.Subfield(code, text)
                        for subfield in value.get("subfields", [])
                        for code, text in subfield.items()
                    ],
                )
            )
    return record
