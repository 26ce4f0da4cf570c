"""The recall misses of ``python -m bench works``: pairs labelled one work that the catalogue
shows apart, classified by what kept them apart, with an example of each class.

A class is read off the two records' work keys (``title|author…``, :mod:`indexer.works`) and
their MARC, never off the labels, so a questionable label shows up as an implausible example
("title and author differ") rather than being hidden:

- **translation, original not named**: the titles differ and one record is a translation (041
  first indicator 1 or $h, a translator's relator, "traduit de…", "aus dem Englischen…", "Dịch
  từ…" in 245 $c) or the two are in different languages (008/35-37, 041 $a), and the
  translation's record names no original title (no 240/765/534/246/500 the key reads) and no
  record of the set with its title and author names one either (the table of translated
  titles, indexer.work_aliases, has nothing to join it by).
- **title variant**: the titles differ otherwise (typing errors, undecoded legacy encodings,
  a part title written as a subtitle).
- **no author in the record** / **author form or spelling**: the titles agree, the names do not.
- **title and author differ**: both differ (for a labelled pair: look at the label).
- **the book took another member's key**: equal keys, but one record's book (edition cluster)
  is shown under the most common key of its other members.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import pymarc

from analyzers.fold import fold
from indexer.marc_document import languages

# Words of a statement of responsibility that say the book is a translation (folded).
_TRANSLATED = re.compile(
    r"\b(?:trad|traduit|traduction|traduccion|traducao|traduzione|translat\w*|ubersetz\w*|"
    r"aus dem \w+|dich|nguoi dich|przel\w*|tlum\w*|perevod\w*|kaant\w*|tarjum\w*|overs\w*)\b|"
    r"[訳译譯]"
)
_TRANSLATOR_ROLES = frozenset({"trl", "trad", "tr", "translator", "dich", "kaant"})


@dataclass(frozen=True)
class Item:
    """One labelled record as the bench saw it."""

    truth: str
    shown: str
    key: str
    title: str
    author: str
    record: pymarc.Record | None = None


def translation(record: pymarc.Record | None) -> bool:
    """Whether the record says it is a translation (see the module docstring)."""
    if record is None:
        return False
    for marc_field in record.get_fields("041"):
        if marc_field.indicator1 == "1" or marc_field.get_subfields("h"):
            return True
    for marc_field in record.get_fields("700", "710"):
        roles = " ".join(marc_field.get_subfields("e", "4"))
        if _TRANSLATOR_ROLES & set(re.findall(r"[^\W_]+", fold(roles).lower())):
            return True
    statement = " ".join(" ".join(f.get_subfields("c")) for f in record.get_fields("245"))
    return bool(_TRANSLATED.search(fold(statement).lower()))


def _languages_differ(first: Item, second: Item) -> bool:
    if first.record is None or second.record is None:
        return False
    ours, theirs = languages(first.record), languages(second.record)
    return bool(ours and theirs and not set(ours) & set(theirs))


def _parts(key: str) -> tuple[str, str]:
    title, _, rest = key.partition("|")
    return title, rest.split("|")[0]


def classify(first: Item, second: Item) -> str:
    """Why two records labelled one work are shown apart (see the module docstring)."""
    if first.key == second.key:
        return "the book took another member's key"
    (title_a, author_a), (title_b, author_b) = _parts(first.key), _parts(second.key)
    if title_a == title_b:
        if not author_a or not author_b or "#" in (author_a[:1], author_b[:1]):
            return "no author in the record"
        return "author form or spelling"
    if translation(first.record) or translation(second.record) or _languages_differ(first, second):
        return "translation, original not named"
    if author_a != author_b:
        return "title and author differ"
    return "title variant"


def missed_pairs(items: Sequence[Item]) -> dict[str, list[tuple[Item, Item]]]:
    """Every pair labelled one work and shown apart, by class."""
    by_truth: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        by_truth[item.truth].append(item)
    found: dict[str, list[tuple[Item, Item]]] = defaultdict(list)
    for group in by_truth.values():
        for first, second in itertools.combinations(group, 2):
            if first.shown != second.shown:
                found[classify(first, second)].append((first, second))
    return found


def _example(pair: tuple[Item, Item]) -> str:
    return " ≠ ".join(f"{item.title[:38]} / {item.author[:22]}" for item in pair)


def rows(name: str, items: Sequence[Item]) -> list[list[object]]:
    """Table rows (set, class, missed pairs, records apart, an example) of one set; a record is
    *apart* when it is not shown under the work most of its label's records are shown under."""
    shown: dict[str, Counter[str]] = defaultdict(Counter)
    for item in items:
        shown[item.truth][item.shown] += 1
    usual = {truth: counts.most_common(1)[0][0] for truth, counts in shown.items()}
    out: list[list[object]] = []
    for cls, pairs in sorted(missed_pairs(items).items(), key=lambda entry: -len(entry[1])):
        apart = {id(i): i for pair in pairs for i in pair if i.shown != usual[i.truth]}
        out.append([name, cls, len(pairs), len(apart), _example(pairs[0])])
    return out
