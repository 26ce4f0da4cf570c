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

__all__ = ["FIELDS", "RECORDS_PER_SHARD", "BuiltIndex", "build_index", "shard_of"]

RECORDS_PER_SHARD = 200
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
    records, held_by = [], []
    for number, document in enumerate(ordered):
        records.append(_record(document, codes))
        held = sorted({codes[h["library"]] for h in document.get("holdings", [])})
        held_by.append(held[0] if len(held) == 1 else held)
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
    return built
