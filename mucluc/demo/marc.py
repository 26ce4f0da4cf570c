"""Build one library's MARC 21 record for a work, in that library's cataloguing style.

Used by both the demo catalogue and the benchmark generator, so every record the project
generates has the same shape: leader with position 9 ``a`` (UTF-8), 001/003/005/008, 020, 041,
082, 1XX, 245, 250, 260 or 264, 300, 490, 500, 520, 650/651, 700, and holdings as 852 (one per
copy) or Koha's 952 (one per item).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from pymarc import Field, Indicators, Record, Subfield

from mucluc.demo.libraries import CatalogueStyle
from mucluc.demo.variants import (
    invert_name,
    isbd,
    publisher_name,
    to_new_tones,
    to_old_tones,
)
from mucluc.demo.works import PUBLISHERS, Work

SUBJECT_SOURCE = "Bộ TK TVQG"  # the National Library of Vietnam's subject heading list

# MARC country codes (008/15-17) of the publishers' places; everything else is Vietnam.
_COUNTRY = {"Paris": "fr ", "New Haven": "ctu", "New York": "nyu", "Cambridge, MA": "mau"}
_NONFILING = {
    "eng": ("The ", "An ", "A "),
    "fre": ("Les ", "Le ", "La ", "L'", "Une ", "Un "),
}
_LANGUAGE_NAMES = {
    "eng": "tiếng Anh", "fre": "tiếng Pháp", "rus": "tiếng Nga", "jpn": "tiếng Nhật",
    "chi": "tiếng Trung", "ita": "tiếng Italia", "vie": "tiếng Việt",
}
_SHORT_ROLES = {"chủ biên": "ch.b.", "tổng chủ biên": "tổng ch.b."}


@dataclass(frozen=True)
class Holding:
    """What one library adds to a work: its own identifiers, call number and copies."""

    library: str
    record_id: str
    call_number: str
    barcodes: tuple[str, ...]
    location: str  # shelving location code: KM, KD, TN, DC, NV, BT, SGK
    created: str  # yymmdd, 008/00-05
    modified: str  # 005
    keep_isbn: bool


_LOCATION_NAMES = {
    "KM": "Kho mượn", "KD": "Kho đọc", "TN": "Phòng đọc thiếu nhi", "DC": "Kho địa chí",
    "NV": "Kho ngoại văn", "BT": "Kho báo - tạp chí", "SGK": "Kho sách giáo khoa",
}
_ITEM_TYPES = {"TN": "TN", "BT": "BAO", "SGK": "SGK"}


def text_form(style: CatalogueStyle) -> Callable[[str], str]:
    """The function that turns the table's text into this library's spelling and encoding."""
    tones = to_old_tones if style.tones == "old" else to_new_tones
    form = style.unicode_form

    def convert(value: str) -> str:
        return unicodedata.normalize(form, tones(value))

    return convert


def _nonfiling(title: str, lang: str) -> str:
    for article in _NONFILING.get(lang, ()):
        if title.startswith(article):
            return str(len(article))
    return "0"


def _direct(name: str) -> str:
    """ "Fall, Bernard B." → "Bernard B. Fall", as the title page prints it."""
    if ", " not in name:
        return name
    surname, forenames = name.split(", ", 1)
    return f"{forenames} {surname}"


def _responsibility(work: Work) -> str:
    names = [_direct(a) for a in work.authors]
    if not names and work.corporate:
        names = [work.corporate]
    parts = [", ".join(names)] if names else []
    for person, role in work.contributors:
        short = _SHORT_ROLES.get(role)
        parts.append(f"{_direct(person)} ({short})" if short else f"{_direct(person)} {role}")
    return " ; ".join(p for p in parts if p)


def _with_isbd(pairs: list[tuple[str, str]], punctuation: bool) -> list[Subfield]:
    """Subfields of 245, with ISBD marks chosen by the subfield that follows."""
    if not punctuation:
        return [Subfield(code, value) for code, value in pairs]
    before = {"n": ".", "p": ",", "b": " :", "c": " /"}
    marks = []
    for i, (code, _value) in enumerate(pairs):
        nxt = pairs[i + 1][0] if i + 1 < len(pairs) else ""
        if nxt == "p" and code != "n":
            marks.append(".")
        else:
            marks.append(before.get(nxt, "."))
    values = isbd([v for _c, v in pairs], marks)
    return [Subfield(code, v) for (code, _), v in zip(pairs, values, strict=True)]


def _fixed_length(work: Work, created: str) -> str:
    year = f"{work.year:04d}"
    place = _COUNTRY.get(PUBLISHERS[work.publisher].place, "vm ")
    if work.material == "serial":
        daily = work.ddc.startswith("079")
        middle = ("d" if daily else "m") + "r " + ("n" if daily else "p") + "       0    0"
        return f"{created}c{year}9999{place}{middle}{work.lang} d"
    if work.material == "map":
        kind = "e" if work.pages > 1 else "a"
        middle = "       " + kind + "     0   "
        return f"{created}s{year}    {place}{middle}{work.lang} d"
    illus = "a   " if work.illustrated else "    "
    audience = "j" if "children" in work.tags or "textbook" in work.tags else " "
    contents = "b   " if work.note.startswith("Thư mục") else "    "
    literary = "0" if work.literary_form == "m" else work.literary_form
    biography = "a" if work.literary_form == "m" else " "
    middle = f"{illus}{audience} {contents} 000 {literary}{biography}"
    return f"{created}s{year}    {place}{middle}{work.lang} d"


def _leader(work: Work, style: CatalogueStyle) -> str:
    kind, level = {"book": ("a", "m"), "serial": ("a", "s"), "map": ("e", "m")}[work.material]
    description = "i" if style.punctuation else "c"
    return f"00000n{kind}{level} a2200000 {description} 4500"


def _physical(work: Work, punct: bool) -> list[Subfield]:
    foreign = work.lang in ("eng", "fre")
    if work.material == "map":
        extent = f"1 tập bản đồ ({work.pages} tr.)" if work.pages > 1 else "1 bản đồ"
        size = f"{work.size} cm" if work.pages > 1 else f"{work.size} x {work.size * 11 // 8} cm"
        pairs = [("a", extent), ("b", "màu"), ("c", size)]
    elif work.material == "serial":
        pairs = [("a", "tập"), ("b", "minh họa"), ("c", "42 cm" if work.ddc.startswith("079")
                                                  else "27 cm")]
    else:
        pairs = [("a", f"{work.pages} {'p.' if foreign else 'tr.'}")]
        if work.illustrated:
            pairs.append(("b", "ill." if foreign else "minh họa"))
        pairs.append(("c", f"{work.size} cm"))
    if not punct:
        return [Subfield(c, v) for c, v in pairs]
    marks = {"b": " :", "c": " ;"}
    out = []
    for i, (code, value) in enumerate(pairs):
        nxt = pairs[i + 1][0] if i + 1 < len(pairs) else ""
        out.append(Subfield(code, value + marks.get(nxt, "")))
    return out


def _subject(tag: str, heading: str, lang: str, convert: Callable[[str], str]) -> Field:
    parts = [p.strip() for p in heading.split(" -- ")]
    subfields = [Subfield("a", convert(parts[0]))]
    subfields += [Subfield("x" if tag == "650" else "z", convert(p)) for p in parts[1:]]
    if lang in ("eng", "fre"):
        return Field(tag, Indicators(" ", "4"), subfields)
    return Field(tag, Indicators(" ", "7"), [*subfields, Subfield("2", convert(SUBJECT_SOURCE))])


def _name_field(tag: str, name: str, style: CatalogueStyle, convert: Callable[[str], str],
                role: str = "") -> Field:
    written = invert_name(name) if style.invert_names else name
    subfields = [Subfield("a", convert(written))]
    if role:
        subfields.append(Subfield("e", convert(role)))
    return Field(tag, Indicators("1" if "," in written else "0", " "), subfields)


def _corporate_field(tag: str, name: str, convert: Callable[[str], str]) -> Field:
    head, _, sub = name.partition(". ")
    subfields = [Subfield("a", convert(head + "." if sub else head))]
    if sub:
        subfields.append(Subfield("b", convert(sub)))
    return Field(tag, Indicators("2", " "), subfields)


def build_record(work: Work, style: CatalogueStyle, holding: Holding, isbn: str | None) -> Record:
    """The MARC 21 record ``holding.library`` would have for ``work``.

    ``isbn`` is the work's hyphenated ISBN or None; whether and how it is written follows the
    holding and the style. The caller may rely on: leader/09 = ``a``, 001 = the library's own
    record id, 008/07-10 = year, 008/35-37 = language.
    """
    convert = text_form(style)
    punct = style.punctuation
    fields: list[Field] = []
    add = fields.append  # fields are built in tag order; pymarc's ordered insert is slow
    add(Field("001", data=holding.record_id))
    add(Field("003", data=holding.library))
    add(Field("005", data=holding.modified))
    add(Field("008", data=_fixed_length(work, holding.created)))
    if isbn and holding.keep_isbn:
        value = isbn if style.isbn_form == "hyphen" else isbn.replace("-", "")
        subfields = [Subfield("a", value)]
        if style.summaries and work.lang == "vie":
            subfields.append(Subfield("c", f"{(work.pages * 350 // 1000 + 20) * 1000}đ"))
        add(Field("020", Indicators(" ", " "), subfields))
    if work.lang != "vie" or work.original_lang or work.other_langs:
        subfields = [Subfield("a", work.lang)]
        subfields += [Subfield("a", lang) for lang in work.other_langs]
        if work.original_lang:
            subfields.append(Subfield("h", work.original_lang))
        add(Field("041", Indicators("1" if work.original_lang else "0", " "), subfields))
    add(Field("082", Indicators("0", "4"),
              [Subfield("a", work.ddc), Subfield("2", style.ddc_edition)]))
    if work.authors:
        add(_name_field("100", work.authors[0], style, convert))
    elif work.corporate:
        add(_corporate_field("110", work.corporate, convert))

    pairs = [("a", work.title)]
    if work.volume:
        pairs.append(("n", f"T. {work.volume}"))
    if work.part:
        pairs.append(("p", work.part))
    if work.subtitle and style.subtitle:
        pairs.append(("b", work.subtitle))
    responsibility = _responsibility(work)
    if responsibility:
        pairs.append(("c", responsibility))
    pairs = [(code, convert(value)) for code, value in pairs]
    has_main_entry = bool(work.authors or work.corporate)
    add(Field("245", Indicators("1" if has_main_entry else "0", _nonfiling(work.title, work.lang)),
              _with_isbd(pairs, punct)))
    if work.edition:
        add(Field("250", Indicators(" ", " "),
                  [Subfield("a", convert(work.edition) + ("." if punct else ""))]))

    publisher = PUBLISHERS[work.publisher]
    name = publisher_name(publisher.name, style.publisher) if publisher.nxb else publisher.name
    date = f"{work.year}-" if work.material == "serial" else str(work.year)
    imprint = [("a", publisher.place), ("b", name), ("c", date)]
    if punct:
        imprint = list(zip("abc", isbd([v for _c, v in imprint], [" :", ",", "."]),
                           strict=True))
    ind2 = "1" if style.imprint_tag == "264" else " "
    add(Field(style.imprint_tag, Indicators(" ", ind2),
              [Subfield(c, convert(v)) for c, v in imprint]))
    add(Field("300", Indicators(" ", " "),
              [Subfield(s.code, convert(s.value)) for s in _physical(work, punct)]))
    if style.imprint_tag == "264":
        content = ("hình ảnh bản đồ", "cri") if work.material == "map" else ("văn bản", "txt")
        for tag, (term, code) in (("336", content), ("337", ("không qua máy", "n")),
                                  ("338", ("tập", "nc"))):
            add(Field(tag, Indicators(" ", " "), [Subfield("a", convert(term)),
                                                  Subfield("b", code), Subfield("2", "rda" + {
                                                      "336": "content", "337": "media",
                                                      "338": "carrier"}[tag])]))
    if work.series:
        subfields = [Subfield("a", convert(work.series) + (" ;" if punct and work.series_volume
                                                           else ""))]
        if work.series_volume:
            subfields.append(Subfield("v", work.series_volume))
        add(Field("490", Indicators("0", " "), subfields))
    notes = [work.note] if work.note else []
    if work.original_lang and work.lang == "vie":
        notes.append(f"Dịch từ nguyên bản {_LANGUAGE_NAMES.get(work.original_lang, '')}".strip())
    for note in notes:
        add(Field("500", Indicators(" ", " "), [Subfield("a", convert(note))]))
    if work.summary and style.summaries:
        add(Field("520", Indicators(" ", " "), [Subfield("a", convert(work.summary))]))
    for heading in work.subjects:
        add(_subject("650", heading, work.lang, convert))
    for place in work.places:
        add(_subject("651", place, work.lang, convert))
    for author in work.authors[1:]:
        add(_name_field("700", author, style, convert))
    for person, role in work.contributors:
        add(_name_field("700", person, style, convert, role))
    if work.corporate and work.authors:
        add(_corporate_field("710", work.corporate, convert))
    fields += holding_fields(work, style, holding, convert)
    record = Record(leader=_leader(work, style), force_utf8=True)
    record.add_field(*fields)
    return record


def holding_fields(work: Work, style: CatalogueStyle, holding: Holding,
                   convert: Callable[[str], str]) -> list[Field]:
    """One 852 or 952 per copy, as the library's software writes them."""
    fields = []
    for copy, barcode in enumerate(holding.barcodes, start=1):
        if style.items == "852":
            fields.append(Field("852", Indicators("1", " "), [
                Subfield("a", holding.library),
                Subfield("b", convert(_LOCATION_NAMES[holding.location])),
                Subfield("h", convert(holding.call_number)),
                Subfield("p", barcode),
                Subfield("t", str(copy)),
            ]))
        else:
            fields.append(Field("952", Indicators(" ", " "), [
                Subfield("a", holding.library),
                Subfield("b", holding.library),
                Subfield("c", holding.location),
                Subfield("o", convert(holding.call_number)),
                Subfield("p", barcode),
                Subfield("t", str(copy)),
                Subfield("y", _ITEM_TYPES.get(holding.location, "SACH")),
                Subfield("2", "ddc"),
            ]))
    return fields
