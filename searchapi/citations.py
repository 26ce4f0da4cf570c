"""Citations of one book for reference managers: RIS, BibTeX and CSL-JSON, from display fields.

What callers may rely on, and why:

* **Names stay Vietnamese.** A Vietnamese name is written family name first ("Nguyễn Du",
  "Võ Nguyên Giáp"); a citer that splits on the last space reads "Du" as the family name. So a
  person's name is written in each format's explicit "family, given" form ("Nguyễn, Du"), which
  bibtexparser, rispy and citeproc-py read back as family "Nguyễn", given "Du"; a name MARC
  already inverted ("Smith, John") is kept as is; an organisation is kept whole (BibTeX braces,
  CSL ``literal``).
* **Only authors are authors.** Roles come from the record's relator terms and codes
  (:func:`indexer.marc_document.role`): editors and compilers (``chủ biên``, ``biên soạn``) are
  editors, translators (``dịch``, ``biên dịch``) translators, annotators (``chú giải``) and
  illustrators (``minh họa``) are named as such where a format has the role, and never authors.
* **Places are spelled out** in citations only (``H.`` → Hà Nội, ``TP. HCM`` → Thành phố Hồ Chí
  Minh); the MARC exports keep the place as catalogued.

Every writer returns UTF-8 bytes in NFC for any display fields.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from analyzers.fold import fold

RIS_TYPES = {
    "book": "BOOK", "serial": "JOUR", "map": "MAP", "video": "VIDEO", "audio": "SOUND",
    "music": "SOUND", "score": "MUSIC", "manuscript": "MANSCPT", "electronic": "ELEC",
}  # fmt: skip
CSL_TYPES = {"book": "book", "serial": "periodical", "map": "map", "video": "motion_picture",
             "audio": "song", "music": "song", "score": "musical_score",
             "manuscript": "manuscript", "image": "graphic"}  # fmt: skip
BIBTEX_TYPES = {"book": "book", "serial": "periodical", "manuscript": "unpublished"}

# Role (indexer.marc_document.role) → the name list each format puts it in; absent: left out.
RIS_ROLES = {"author": "AU", "editor": "ED", "compiler": "ED", "translator": "A4"}
BIBTEX_ROLES = {"author": "author", "editor": "editor", "compiler": "editor",
                "translator": "translator", "annotator": "annotator"}  # fmt: skip
CSL_ROLES = {"author": "author", "editor": "editor", "compiler": "editor",
             "translator": "translator", "illustrator": "illustrator",
             "annotator": "contributor", "contributor": "contributor"}  # fmt: skip

# Cataloguing abbreviations of places (folded, letters only) → the place's name.
PLACES = {
    "h": "Hà Nội", "hn": "Hà Nội", "hanoi": "Hà Nội",
    "tphcm": "Thành phố Hồ Chí Minh", "hcm": "Thành phố Hồ Chí Minh",
    "tphochiminh": "Thành phố Hồ Chí Minh", "thanhphohochiminh": "Thành phố Hồ Chí Minh",
    "tpdanang": "Đà Nẵng", "dnang": "Đà Nẵng", "tphue": "Huế", "tphaiphong": "Hải Phòng",
    "hp": "Hải Phòng", "tpcantho": "Cần Thơ",
}  # fmt: skip


def nfc(text: str) -> str:
    """``text`` in NFC, lone surrogates replaced (so it always encodes as UTF-8)."""
    return unicodedata.normalize("NFC", text.encode("utf-8", "replace").decode("utf-8"))


def place(value: str) -> str:
    """The place spelled out when it is a usual cataloguing abbreviation, else as given."""
    key = re.sub(r"[^a-z]", "", fold(value).lower())
    return PLACES.get(key, value)


def contributors(display: Mapping[str, Any]) -> list[dict[str, str]]:
    """Name, role and kind of each contributor; a record indexed before roles existed has
    only ``authors``, all of them authors."""
    found = display.get("contributors")
    if found:
        return [c for c in found if c.get("name")]
    return [{"name": a, "role": "author", "kind": "person"} for a in display.get("authors", [])]


def family_given(name: str) -> tuple[str, str]:
    """(family, given) of a person: MARC's inverted "Smith, John" as written, otherwise the
    first word is the family name (Vietnamese order: "Võ Nguyên Giáp" → Võ, Nguyên Giáp)."""
    if "," in name:
        family, given = (part.strip() for part in name.split(",", 1))
        if family:
            return family, given
    words = name.split()
    return (words[0], " ".join(words[1:])) if words else ("", "")


def _named(display: Mapping[str, Any], roles: Mapping[str, str]) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict[str, str]]] = {}
    for person in contributors(display):
        target = roles.get(person.get("role", "author"))
        if target:
            grouped.setdefault(target, []).append(person)
    return grouped


def title(display: Mapping[str, Any]) -> str:
    text = display.get("title", "")
    if display.get("subtitle"):
        text = f"{text}: {display['subtitle']}"
    if display.get("part"):
        text = f"{text}. {display['part']}"
    return text


def _one_line(value: str) -> str:
    return re.sub(r"\s+", " ", nfc(value)).strip()


def _utf8(text: str) -> bytes:
    return nfc(text).encode("utf-8", "replace")


# --- RIS ----------------------------------------------------------------------------------------


def _ris_name(person: Mapping[str, str]) -> str:
    if person.get("kind") == "organisation":
        return person["name"]
    family, given = family_given(person["name"])
    return f"{family}, {given}" if given else family


def ris(display: Mapping[str, Any], doc_id: str) -> bytes:
    lines = [("TY", RIS_TYPES.get(display.get("type", "book"), "GEN")), ("ID", doc_id),
             ("TI", title(display))]  # fmt: skip
    for tag, people in _named(display, RIS_ROLES).items():
        lines += [(tag, _ris_name(person)) for person in people]
    if display.get("year"):
        lines.append(("PY", str(display["year"])))
    if display.get("place"):
        lines.append(("CY", place(str(display["place"]))))
    for tag, key in (("PB", "publisher"), ("ET", "edition"), ("AB", "summary")):
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


# --- BibTeX -------------------------------------------------------------------------------------

_BIBTEX_SPECIAL = re.compile(r"([{}&%$#_\\])")


def _bibtex_escape(value: str) -> str:
    def escape(match: re.Match[str]) -> str:
        char = match.group(1)
        return "\\textbackslash{}" if char == "\\" else "\\" + char

    return _BIBTEX_SPECIAL.sub(escape, _one_line(value))


def _bibtex_name(person: Mapping[str, str]) -> str:
    if person.get("kind") == "organisation":
        return "{" + _bibtex_escape(person["name"]) + "}"
    family, given = family_given(person["name"])
    # Braces keep a family name of several words whole ("{Tôn Nữ}, Thị Ninh").
    family = _bibtex_escape(family)
    family = "{" + family + "}" if " " in family else family
    return f"{family}, {_bibtex_escape(given)}" if given else family


def bibtex_key(display: Mapping[str, Any], doc_id: str) -> str:
    """An ASCII key: first author's family name, year, first title word ("nguyen2015truyen")."""
    people = _named(display, {"author": "author"}).get("author", [])
    first = family_given(people[0]["name"])[0] if people else ""
    words = [
        re.sub(r"[^a-z0-9]", "", fold(part).lower())
        for part in (first.split()[:1] or [""])
        + [str(display.get("year") or "")]
        + (display.get("title", "").split()[:1] or [""])
    ]
    key = "".join(words)
    return key or re.sub(r"[^A-Za-z0-9]", "", doc_id)


def bibtex(display: Mapping[str, Any], doc_id: str, key: str | None = None) -> bytes:
    entry = BIBTEX_TYPES.get(display.get("type", "book"), "misc")
    fields: list[tuple[str, str]] = [("title", _bibtex_escape(title(display)))]
    for name, people in _named(display, BIBTEX_ROLES).items():
        fields.append((name, " and ".join(_bibtex_name(person) for person in people)))
    values = {**display, "place": place(str(display.get("place", "")))}
    for name, field in (
        ("year", "year"), ("publisher", "publisher"), ("address", "place"),
        ("edition", "edition"), ("pagetotal", "pages"), ("abstract", "summary"),
    ):  # fmt: skip
        if values.get(field):
            fields.append((name, _bibtex_escape(str(values[field]))))
    if display.get("isbns"):
        fields.append(("isbn", _bibtex_escape(display["isbns"][0])))
    if display.get("subjects"):
        fields.append(("keywords", _bibtex_escape(", ".join(display["subjects"]))))
    if display.get("languages"):
        fields.append(("language", _bibtex_escape(display["languages"][0])))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return _utf8(f"@{entry}{{{key or bibtex_key(display, doc_id)},\n{body}\n}}\n")


# --- CSL-JSON -----------------------------------------------------------------------------------


def _csl_name(person: Mapping[str, str]) -> dict[str, str]:
    if person.get("kind") == "organisation":
        return {"literal": person["name"]}
    family, given = family_given(person["name"])
    return {"family": family, "given": given} if given else {"family": family}


def csl_item(display: Mapping[str, Any], doc_id: str) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": doc_id,
        "type": CSL_TYPES.get(display.get("type", "book"), "book"),
        "title": title(display),
    }
    for variable, people in _named(display, CSL_ROLES).items():
        item[variable] = [_csl_name(person) for person in people]
    if display.get("year"):
        item["issued"] = {"date-parts": [[int(display["year"])]]}
    if display.get("place"):
        item["publisher-place"] = place(str(display["place"]))
    for name, key in (("publisher", "publisher"), ("edition", "edition"),
                      ("abstract", "summary")):  # fmt: skip
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
    return item


def csl_json(display: Mapping[str, Any], doc_id: str) -> bytes:
    return _utf8(json.dumps([csl_item(display, doc_id)], ensure_ascii=False))


def unique_keys(keys: Sequence[str]) -> list[str]:
    """BibTeX keys made unique in a list: the second "nguyen2015truyen" becomes
    "nguyen2015truyen-b", and so on."""
    seen: dict[str, int] = {}
    found = []
    for key in keys:
        count = seen.get(key, 0)
        seen[key] = count + 1
        found.append(key if count == 0 else f"{key}-{_suffix(count)}")
    return found


def _suffix(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number, 26)
        letters = "abcdefghijklmnopqrstuvwxyz"[rest] + letters
    return letters or "a"
