"""The relevance benchmark's catalogue: real books, catalogued differently by a dozen libraries.

Books come from real Vietnamese book lists (`shared/data`, read in place, never copied: the Tiki
best-seller list and the Fahasa export) and from the project's demo catalogue. A union catalogue
does not hold a bookshop's one clean row: each library writes the book its own way. Every book is
therefore held by two to five of `LIBRARIES`, and each library's record follows that library's
habits (`Style`): subtitle kept in the title, split into a subtitle field, or dropped; notes such
as `(Tái Bản 2022)` kept or dropped; authors direct (`Nguyễn Nhật Ánh`) or inverted (`Nguyễn,
Nhật Ánh`); a series written into the title or its own field; old or new tone placement (`hòa`
/ `hoà`); decomposed Unicode; sentence case. Records whose title reads the same after folding
are merged into one union document (multi-valued fields, as `indexer.union` holds them); others
stay apart, as a real clustering misses them, so one book can be two or three documents.

Each book falls into the development or the held-out split by a fixed hash of its identity, so
tuning on one never looks at the other. Pure functions, seeded: the same data always gives the
same catalogue.
"""

from __future__ import annotations

import csv
import random
import re
import unicodedata
import zlib
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bench.common import SHARED_DATA
from bench.query_kinds import unaccented
from mucluc.demo.variants import to_new_tones, to_old_tones

TIKI = SHARED_DATA / "tiki-bmd1905" / "book_data.csv"
FAHASA = SHARED_DATA / "fahasa-sayuchan" / "fahasa_books_20251123_152905.csv"

SPLITS = ("dev", "held-out")
SEED = 15  # issue 15

_SPACES = re.compile(r"\s+")
_NOTES = re.compile(r"\s*\([^()]*\)")
_SUBTITLE = re.compile(r"\s+-\s+|\s*:\s+")
_NO_AUTHOR = frozenset({"", ".", "nhiều tác giả", "nhieu tac gia"})


@dataclass(frozen=True)
class Book:
    """One book (a work in one language) as the reader means it."""

    key: str  # identity: folded core title + folded authors
    title: str  # as the source list writes it, notes included
    authors: tuple[str, ...]
    series: str
    source: str

    @property
    def split(self) -> str:
        return SPLITS[zlib.crc32(self.key.encode("utf-8")) % 2]

    @property
    def author_text(self) -> str:
        return ", ".join(self.authors)


@dataclass(frozen=True)
class Style:
    """How one library catalogues: each field a habit seen in real Vietnamese catalogues."""

    subtitle: str  # keep | split | drop
    notes: bool
    inverted: bool
    series_in_title: bool
    tones: str  # old | new | as-is
    nfd: bool
    sentence_case: bool


@dataclass(frozen=True)
class Record:
    book: str  # Book.key
    library: int
    title: str
    subtitle: str
    authors: tuple[str, ...]
    series: str


@dataclass(frozen=True)
class Document:
    """One union document: the records the (simulated) clustering merged."""

    id: str
    book: str
    title: list[str]
    subtitle: list[str]
    authors: list[str]
    series: list[str]


@cache
def fold_key(text: str) -> str:
    """Lower-case, unaccented, punctuation-free words: how two spellings compare as one."""
    words = re.findall(r"\w+", unaccented(unicodedata.normalize("NFC", text)).lower())
    return " ".join(words)


def core_title(title: str) -> str:
    """The title without bracketed notes (`(Tái Bản 2022)`, `(Bìa Cứng)`)."""
    return _SPACES.sub(" ", _NOTES.sub("", title)).strip(" -:") or title.strip()


def _authors(text: str) -> tuple[str, ...]:
    names = [n.strip() for n in re.split(r"[,;&]| và ", text) if n.strip()]
    return tuple(n for n in names if n.lower() not in _NO_AUTHOR and re.search(r"\w", n))


def _book(title: str, authors: tuple[str, ...], series: str, source: str) -> Book | None:
    title = _SPACES.sub(" ", unicodedata.normalize("NFC", title)).strip()
    if not re.search(r"\w", title):
        return None
    key = fold_key(core_title(title)) + " / " + fold_key(" ".join(authors))
    return Book(key=key, title=title, authors=authors, series=series, source=source)


def _series_of(category: str) -> str:
    category = category.strip()
    return f"Tủ sách {category.lower()}" if category else ""


def _read_tiki(path: Path) -> list[Book | None]:
    with path.open(encoding="utf-8", newline="") as rows:
        return [
            _book(r["title"], _authors(r["authors"]), _series_of(r["catagory"]), "tiki")
            for r in csv.DictReader(rows)
        ]


def _read_fahasa(path: Path) -> list[Book | None]:
    with path.open(encoding="utf-8", newline="") as rows:
        return [
            _book(r["title"], _authors(r["author"]), _series_of(r["category_3"]), "fahasa")
            for r in csv.DictReader(rows)
        ]


def _read_demo() -> list[Book | None]:
    from mucluc.demo.works import WORKS

    books = []
    for work in WORKS:
        title = f"{work.title} - {work.subtitle}" if work.subtitle else work.title
        names = work.authors or ((work.corporate,) if work.corporate else ())
        books.append(_book(title, tuple(names), work.series, "demo"))
    return books


@cache
def read_books() -> tuple[Book, ...]:
    """Every distinct book of the three sources (the first spelling of a repeated book wins)."""
    books: dict[str, Book] = {}
    for book in [*_read_tiki(TIKI), *_read_fahasa(FAHASA), *_read_demo()]:
        if book is not None and book.key not in books:
            books[book.key] = book
    return tuple(books.values())


def library_styles(count: int = 12, seed: int = SEED) -> list[Style]:
    """`count` libraries' habits, drawn once from a fixed seed."""
    rng = random.Random(seed)
    return [
        Style(
            subtitle=rng.choice(("keep", "split", "split", "drop")),
            notes=rng.random() < 0.4,
            inverted=rng.random() < 0.4,
            series_in_title=rng.random() < 0.25,
            tones=rng.choice(("old", "new", "as-is")),
            nfd=rng.random() < 0.2,
            sentence_case=rng.random() < 0.5,
        )
        for _ in range(count)
    ]


LIBRARIES = library_styles()


def _invert(name: str) -> str:
    words = name.split()
    if len(words) < 2 or "," in name:
        return name
    if all(ord(c) < 128 for c in name):  # a Western name: surname last
        return f"{words[-1]}, {' '.join(words[:-1])}"
    return f"{words[0]}, {' '.join(words[1:])}"


def _sentence(text: str) -> str:
    return text[:1] + text[1:].lower() if text else text


def _spell(text: str, style: Style) -> str:
    if style.tones == "old":
        text = to_old_tones(text)
    elif style.tones == "new":
        text = to_new_tones(text)
    return unicodedata.normalize("NFD" if style.nfd else "NFC", text)


def record(book: Book, library: int, style: Style) -> Record:
    """`book` as `library` catalogues it with `style`."""
    title = book.title if style.notes else core_title(book.title)
    main, _, rest = (part.strip() for part in _partition(title))
    subtitle = ""
    if rest and style.subtitle == "split":
        title, subtitle = main, rest
    elif rest and style.subtitle == "drop":
        title = main
    series = book.series
    if series and style.series_in_title:
        title, series = f"{title} ({series})", ""
    if style.sentence_case:
        title, subtitle = _sentence(title), subtitle.lower()
    authors = tuple(_invert(a) if style.inverted else a for a in book.authors)
    return Record(
        book=book.key,
        library=library,
        title=_spell(title, style),
        subtitle=_spell(subtitle, style),
        authors=tuple(_spell(a, style) for a in authors),
        series=_spell(series, style),
    )


def _partition(title: str) -> tuple[str, str, str]:
    match = _SUBTITLE.search(title)
    if match is None or match.start() == 0:
        return title, "", ""
    return title[: match.start()], match.group(), title[match.end() :]


def holdings(book: Book, libraries: int = len(LIBRARIES)) -> list[int]:
    """Which libraries hold `book`: two to five, fixed by the book's identity."""
    rng = random.Random(f"{SEED}:{book.key}")
    return sorted(rng.sample(range(libraries), rng.randint(2, 5)))


def held_texts(book: Book) -> list[str]:
    """Each holding library's title statement of `book` (its title, then its subtitle), folded:
    the text whose words a reader can have seen in that order. A run of words from a subtitle
    that every library dropped, or across a series a library wrote into its title, is in none."""
    made = [record(book, n, LIBRARIES[n]) for n in holdings(book)]
    return [fold_key(f"{r.title} {r.subtitle}") for r in made]


def union_documents(books: tuple[Book, ...] | list[Book]) -> list[Document]:
    """Every book's records, merged into union documents where their folded titles agree."""
    documents: list[Document] = []
    for book in books:
        groups: dict[str, list[Record]] = defaultdict(list)
        for library in holdings(book):
            made = record(book, library, LIBRARIES[library])
            groups[fold_key(made.title)].append(made)
        for number, members in enumerate(groups.values()):
            documents.append(
                Document(
                    id=f"{zlib.crc32(book.key.encode('utf-8')):08x}-{number}",
                    book=book.key,
                    title=_distinct(m.title for m in members),
                    subtitle=_distinct(m.subtitle for m in members),
                    authors=_distinct(a for m in members for a in m.authors),
                    series=_distinct(m.series for m in members),
                )
            )
    return documents


def _distinct(values: object) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:  # type: ignore[attr-defined]
        if value:
            seen.setdefault(value, None)
    return list(seen)
