"""The known-item queries of the relevance benchmark (bench/relevance.py), made from its books.

Every sampled book gives one query of each kind of `bench.query_kinds`, with a random source
seeded by the book and the kind. A query that another book fits just as well (the same title
after folding, a partial title or a run of words shared by two titles, an author's word and a
title word that another book of a same-named author also has) is left out as ambiguous and
counted, since no engine could know which book is meant (two books whose titles differ only by
a bookshop's notes, `(Tái Bản 2020)`, are the same title). Runs of words are taken from the title
without such notes, and a run from the middle of a title only from text that at least one library
holding the book records in that order (`relevance_corpus.held_texts`): not from a subtitle every
one of them dropped. Pure functions: nothing here needs the engine.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from bench.query_kinds import AUTHOR_KINDS, KINDS, middle_words, title_words, unaccented
from bench.relevance_corpus import Book, core_title, fold_key, held_texts

WINDOW_KINDS = frozenset({"partial title", "middle words", "other tone style"})
# Kinds that only some titles can give (an oa/oe/uy syllable): asked of every book of the split.
EVERY_BOOK_KINDS = frozenset({"other tone style"})


@dataclass(frozen=True)
class Query:
    kind: str
    text: str
    target: Book


def _word_key(word: str) -> str:
    return unaccented(word).lower()


def word_frequency(books: tuple[Book, ...] | list[Book]) -> Counter[str]:
    """In how many books' titles each (unaccented, lowercased) word occurs."""
    return Counter(w for b in books for w in {_word_key(w) for w in title_words(b.title)})


@cache
def _folded_words(text: str) -> tuple[str, ...]:
    return tuple(fold_key(text).split())


def _contains(words: tuple[str, ...], window: tuple[str, ...]) -> bool:
    size = len(window)
    return any(words[i : i + size] == window for i in range(len(words) - size + 1))


def is_ambiguous(kind: str, text: str, target: Book, books: tuple[Book, ...]) -> bool:
    """Another book fits the query just as well (compared folded, the most lenient reading)."""
    others = [b for b in books if b.key != target.key]
    query = _folded_words(text)
    if kind in AUTHOR_KINDS:
        return any(
            set(query) <= set(_folded_words(b.title)) | set(_folded_words(b.author_text))
            for b in others
        )
    if kind == "partial title":
        return any(_folded_words(b.title)[: len(query)] == query for b in others)
    if kind in WINDOW_KINDS:
        return any(_contains(_folded_words(b.title), query) for b in others)
    title = _folded_words(core_title(target.title))
    return any(_folded_words(core_title(b.title)) == title for b in others)


def _held_by(book: Book) -> Callable[[str], bool]:
    """Whether a run of words is in some holding library's title statement of `book`, in order."""
    texts = [f" {text} " for text in held_texts(book)]
    return lambda run: any(f" {fold_key(run)} " in text for text in texts)


def make_queries(
    books: tuple[Book, ...], sample: list[Book], split_books: list[Book]
) -> tuple[list[Query], Counter[str]]:
    """The queries of every kind for the sampled books, and per kind how many were ambiguous.

    `books` is the whole catalogue (ambiguity is judged against all of it); kinds that only some
    titles can give are asked of every book of `split_books` instead of the sample."""
    frequency = word_frequency(books)
    queries: list[Query] = []
    ambiguous: Counter[str] = Counter()
    for kind, make in KINDS.items():
        for book in split_books if kind in EVERY_BOOK_KINDS else sample:
            rng = random.Random(f"{kind}:{book.key}")
            # Words a reader remembers come from the title itself, not a bookshop's notes.
            title = core_title(book.title) if kind in WINDOW_KINDS else book.title
            if kind == "middle words":
                text = middle_words(title, rng, _held_by(book))
            else:
                text = make(title, book.author_text, frequency, rng)
            if text is None or not re.search(r"\w", text):
                continue
            if is_ambiguous(kind, text, book, books):
                ambiguous[kind] += 1
                continue
            queries.append(Query(kind, text, book))
    return queries, ambiguous
