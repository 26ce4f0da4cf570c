"""The offline catalogue's compact index: union documents → records and posting lists, as JS data.

Layout (every file is a script calling one registration function, because Chrome refuses
``fetch()`` of local files under ``file://`` but runs ``<script src>``):

- ``catalogue.js`` — the libraries, and per book the libraries holding it (facets and the
  library filter need no record loaded);
- ``rec-NNNN.js`` — the books themselves, ``RECORDS_PER_SHARD`` per file, in the API's
  tie-break order (title filing key, then first member id), so equal scores order as the API's;
- ``ix-XX.js`` — posting lists sharded by the first two letters of the key, loaded when a query
  needs them. The key of a syllable is its folded i/y form (``variant_syllable(fold)``): what an
  unaccented query or a kĩ/kỹ spelling matches. Beside it, the exact (diacritics kept) syllable's
  own list, for the exact-match bonus; ``1`` stands for "the same list as the key's".

A posting is ``book number * 4 + field`` (fields: title, authors, subtitle and series, subjects
and publisher); lists are sorted and delta-encoded. What callers may rely on: the same documents
always give byte-identical files.

Heads, for search as you type on a large catalogue (a keystroke must not score tens of thousands
of books): a key held by more than ``HEAD`` books also gets, in the shard's ``h``, its best
``HEAD`` books by static rank; so does each 2- and 3-letter prefix of keys (``p``: over all the
keys it starts). Static rank: the book's heaviest field holding the key (title first), then a
title that starts with it, then the book's order. A head is ``[books, *deltas]``: how many books
the full list holds (the typed search's idf), then one posting per book (its heaviest field),
sorted and delta-encoded.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from analyzers import fold, folded_tokens, tokens
from analyzers.variants import variant_syllable

__all__ = ["FIELDS", "HEAD", "RECORDS_PER_SHARD", "BuiltIndex", "build_index", "shard_of"]

RECORDS_PER_SHARD = 200
HEAD = 500  # books in a head (see above); a list of at most this many books has none
HEAD_PREFIXES = (2, 3)  # prefix lengths with heads: the ones a typed word passes through first
#: Field number → (union document fields, weight as in searchapi.query_dsl.ALL_FIELDS).
FIELDS: tuple[tuple[tuple[str, ...], float], ...] = (
    (("title",), 4.0),
    (("authors",), 3.0),
    (("subtitle", "series"), 2.0),
    (("subjects", "publisher"), 1.5),
)
_SHARD = re.compile(r"[a-z0-9]{1,2}")


def shard_of(key: str) -> str:
    """The index shard of a key: its first two letters, or ``_`` for other scripts."""
    head = key[:2]
    return head if _SHARD.fullmatch(head) else "_"


@dataclass
class BuiltIndex:
    """What the export writes: libraries, per-book rows, and index shards."""

    libraries: list[list[str]]
    held_by: list[int | list[int]]
    records: list[list[Any]]
    shards: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)


def _sort_key(document: Mapping[str, Any]) -> tuple[bool, str, str]:
    title_sort = document.get("title_sort") or ""
    members = document.get("members") or [""]
    return (not title_sort, title_sort, min(members))


def _record(document: Mapping[str, Any], library_number: Mapping[str, int]) -> list[Any]:
    display = document.get("display", {})
    holdings = [
        [library_number[h["library"]], h.get("record_id") or "", h.get("call_number") or "",
         h.get("copies") if h.get("copies") is not None else 1]
        for h in document.get("holdings", [])
    ]
    return [
        document.get("id", ""), display.get("title", ""), display.get("subtitle", ""),
        display.get("part", ""), display.get("authors", []), display.get("year"),
        display.get("publisher", ""), display.get("subjects", []), display.get("type", "book"),
        holdings,
    ]


def _values(document: Mapping[str, Any], names: Iterable[str]) -> list[str]:
    values: list[str] = []
    for name in names:
        value = document.get(name)
        if isinstance(value, str):
            values.append(value)
        elif isinstance(value, list):
            values += [v for v in value if isinstance(v, str)]
    return values


@lru_cache(maxsize=1 << 18)
def _terms(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """The keys and exact syllables of one value (catalogue values repeat: cached)."""
    keys = frozenset(variant_syllable(token) for token in folded_tokens(text))
    return keys, frozenset(tokens(text))


def _deltas(codes: set[int]) -> list[int]:
    out, previous = [], 0
    for code in sorted(codes):
        out.append(code - previous)
        previous = code
    return out


def _first_key(text: str) -> str | None:
    folded = folded_tokens(text)
    return variant_syllable(folded[0]) if folded else None


def _head(codes: Iterable[int], starts: set[int]) -> list[int] | None:
    """``[books, *deltas]`` of the best ``HEAD`` books of ``codes`` (see the module), or None
    when they are ``HEAD`` books or fewer."""
    best: dict[int, int] = {}
    for code in codes:
        book, at = divmod(code, 4)
        if at < best.get(book, 4):
            best[book] = at
    if len(best) <= HEAD:
        return None
    ranked = sorted(best, key=lambda book: (best[book], book not in starts, book))[:HEAD]
    return [len(best), *_deltas({book * 4 + best[book] for book in ranked})]


def _heads(
    built: BuiltIndex, keyed: Mapping[str, set[int]], starts: Mapping[str, set[int]]
) -> None:
    prefixes: dict[str, list[str]] = defaultdict(list)
    for key in keyed:
        for length in HEAD_PREFIXES:
            if len(key) >= length:
                prefixes[key[:length]].append(key)
    for key, postings in keyed.items():
        head = _head(postings, starts.get(key, set()))
        if head is not None:
            built.shards[shard_of(key)].setdefault("h", {})[key] = head
    for prefix, keys in sorted(prefixes.items()):
        if sum(len(keyed[k]) for k in keys) <= HEAD:
            continue
        head = _head(
            (c for k in keys for c in keyed[k]), set().union(*(starts.get(k, set()) for k in keys))
        )
        if head is not None:
            built.shards[shard_of(prefix)].setdefault("p", {})[prefix] = head


def build_index(
    documents: Iterable[Mapping[str, Any]], library_names: Mapping[str, tuple[str, str]]
) -> BuiltIndex:
    """Records and posting lists of ``documents`` (union documents as stored in the engine).

    ``library_names``: code → (name, kind) of the configured libraries; a holding of a library
    missing there keeps the name the document carries.
    """
    ordered = sorted(documents, key=_sort_key)
    codes: dict[str, int] = {}
    libraries: list[list[str]] = []
    for document in ordered:
        for holding in document.get("holdings", []):
            code = holding["library"]
            if code not in codes:
                codes[code] = len(libraries)
                name, kind = library_names.get(
                    code, (holding.get("library_name") or code, holding.get("library_kind", ""))
                )
                libraries.append([code, name, kind])
    keyed: dict[str, set[int]] = defaultdict(set)
    exact: dict[str, set[int]] = defaultdict(set)
    starts: dict[str, set[int]] = defaultdict(set)  # key -> books whose title starts with it
    records, held_by = [], []
    for number, document in enumerate(ordered):
        records.append(_record(document, codes))
        held = sorted({codes[h["library"]] for h in document.get("holdings", [])})
        held_by.append(held[0] if len(held) == 1 else held)
        titles = _values(document, ("title",))
        first = _first_key(titles[0]) if titles else None
        if first:
            starts[first].add(number)
        for at, (names, _weight) in enumerate(FIELDS):
            code = number * 4 + at
            for text in _values(document, names):
                keys, syllables = _terms(text)
                for key in keys:
                    keyed[key].add(code)
                for token in syllables:
                    exact[token].add(code)
    built = BuiltIndex(libraries, held_by, records)
    for key, postings in keyed.items():
        shard = built.shards.setdefault(shard_of(key), {"k": {}, "x": {}})
        shard["k"][key] = _deltas(postings)
    for token, postings in exact.items():
        key = variant_syllable(fold(token))
        shard = built.shards.setdefault(shard_of(key), {"k": {}, "x": {}})
        same = keyed.get(key) == postings
        shard["x"][token] = 1 if same else _deltas(postings)
    _heads(built, keyed, starts)
    return built
