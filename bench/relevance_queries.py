"""The known-item queries of the relevance benchmark (bench/relevance.py), made from a book list.

Every sampled book gives one query of each kind of `bench.query_kinds`; a query another title
fits just as well (a partial title shared by two books, an author's word found in their other
title) is left out as ambiguous and counted, since no engine could know which book is meant.
Pure functions: nothing here needs the engine.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from analyzers.normalise import normalise
from bench.common import SHARED_DATA
from bench.query_kinds import AUTHOR_KINDS, KINDS, title_words, unaccented

BOOKS = SHARED_DATA / "tiki-bmd1905" / "book_data.csv"

_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Book:
    id: str
    title: str
    authors: str
    publisher: str
    category: str

    @property
    def title_key(self) -> str:
        return key(self.title)

    @property
    def author_key(self) -> str:
        return key(self.authors)


@dataclass(frozen=True)
class Query:
    kind: str
    text: str
    target: Book


@cache
def key(text: str) -> str:
    """The identity of a title or an author list: normalised, lowercased, spaces collapsed."""
    return _SPACES.sub(" ", normalise(text).lower()).strip()


def read_books(path: Path = BOOKS) -> list[Book]:
    with path.open(encoding="utf-8", newline="") as rows:
        return [
            Book(
                id=str(i),
                title=row["title"],
                authors=row["authors"],
                publisher=row["manufacturer"],
                category=row["catagory"],  # sic: the file's heading
            )
            for i, row in enumerate(csv.DictReader(rows))
            if row["title"].strip()
        ]


def _word_key(word: str) -> str:
    return unaccented(word).lower()


def word_frequency(books: list[Book]) -> Counter[str]:
    """In how many distinct titles each (unaccented, lowercased) word occurs."""
    titles = {book.title_key: book.title for book in books}
    return Counter(w for t in titles.values() for w in {_word_key(w) for w in title_words(t)})


@cache
def _keyed_words(title: str) -> tuple[str, ...]:
    return tuple(key(w) for w in title_words(title))


def _is_ambiguous(kind: str, text: str, target: Book, books: list[Book]) -> bool:
    """Another title fits the query just as well, so no engine could know which one is meant."""
    if kind not in AUTHOR_KINDS and kind not in WORD_WINDOW_KINDS:
        return False
    others = [b for b in books if b.title_key != target.title_key]
    if kind == "partial title":
        prefix = _keyed_words(text)
        return any(_keyed_words(b.title)[: len(prefix)] == prefix for b in others)
    if kind == "other tone style":
        window = _keyed_words(text)
        return any(_contains(_keyed_words(b.title), window) for b in others)
    if kind in AUTHOR_KINDS:
        word = key(text.split()[-1])
        return any(
            b.author_key == target.author_key and word in _keyed_words(b.title) for b in others
        )
    return False


WORD_WINDOW_KINDS = frozenset({"partial title", "other tone style"})
# Kinds that only some titles can give (an oa/oe/uy syllable): asked of every book, not the sample.
EVERY_BOOK_KINDS = frozenset({"other tone style"})


def _contains(words: tuple[str, ...], window: tuple[str, ...]) -> bool:
    size = len(window)
    return any(words[i : i + size] == window for i in range(len(words) - size + 1))


def make_queries(books: list[Book], sample: list[Book]) -> tuple[list[Query], Counter[str]]:
    """The queries of every kind for the sampled books, and per kind how many were ambiguous."""
    frequency = word_frequency(books)
    queries: list[Query] = []
    ambiguous: Counter[str] = Counter()
    every_title = list({book.title_key: book for book in books}.values())
    for kind, make in KINDS.items():
        for book in every_title if kind in EVERY_BOOK_KINDS else sample:
            text = make(book.title, book.authors, frequency)
            if text is None:
                continue
            if _is_ambiguous(kind, text, book, books):
                ambiguous[kind] += 1
                continue
            queries.append(Query(kind, text, book))
    return queries, ambiguous
