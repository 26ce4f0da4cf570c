"""The OpenSearch query for a reader's free text over the multi-fields of `analysis.text_field`.

Ranking intent, which the Vietnamese cases test:
  - every document whose folded (or i/y-merged) syllables contain the query's syllables matches,
    so accented and unaccented queries both find accented and unaccented text;
  - an exact-diacritic match scores above a folded-only match (folding is very lossy: `hoa`
    stands for about ten syllables);
  - adjacent syllables in the same order ("thư viện") score above scattered ones, through phrase
    and syllable-bigram clauses;
  - Telex/VNI decodings of the query ("nguyeenx du") are extra alternatives at a lower weight,
    never replacements: `Marx`, `data`, `Hmoob` are real words;
  - no stopwords: "Của chồng công vợ" is findable.
The query text only ever goes into `match`/`match_phrase`/`multi_match` clauses, never into a
query-string syntax, so readers' punctuation cannot break or widen a search.
"""

from __future__ import annotations

from typing import Any

from analyzers.fold import fold
from analyzers.keyboard import readings
from analyzers.normalise import normalise
from analyzers.tokens import folded_tokens

__all__ = ["exclusion_query", "phrase_query", "text_query"]

# Constant bonuses (independent of term statistics, so a sparse field or a rare folded form
# cannot outweigh them): every syllable matches with its diacritics; the syllables match as a
# phrase, exactly or folded.
ALL_EXACT = 4.0
PHRASE_WEIGHT = 2.0
FOLDED_PHRASE_WEIGHT = 1.0
# BM25 clauses: exact syllables, bigrams, folded syllables (the recall gate), i/y key.
EXACT_WEIGHT = 1.0
SHINGLE_WEIGHT = 1.0
FOLDED_SHINGLE_WEIGHT = 0.5
FOLDED_WEIGHT = 1.0
VARIANT_WEIGHT = 0.3
DECODED_WEIGHT = 0.2
# A query that mixes author and title words ("anh biec"): a book whose authors and titles together
# hold every word gets this constant bonus, so it ranks above a book where one field holds some
# of the words many times (or where the rest are only in a summary or a subject).
BOTH_FIELDS = 6.0
AUTHOR_FIELDS = frozenset({"authors"})
BOTH_MAX_WORDS = 6  # longer queries are titles (and the clause is costly on many words)
# A title that starts with the query's first words (a reader types a title from its start): a
# constant bonus per unit of field weight, from the first START_WORDS syllables, folded.
TITLE_START = 5.0
START_WORDS = 3
START_FIELDS = frozenset({"title"})
# A long query (RUN_MIN_WORDS words or more) is usually a whole title pasted from a bookshop or a
# citation, while libraries often catalogue only its main title (`B2B Tinh Gọn` for `B2B Tinh Gọn
# - Xây Dựng Sản Phẩm Mà Các Doanh Nghiệp Muốn`, `Hạ đỏ` for `Hạ đỏ (Tái Bản 2022)`): too few of
# the query's words for the minimum-should-match gate. A title that starts with the query's first
# SHORT_START_WORDS syllables also passes the gate, with this constant per unit of field weight.
SHORT_START = 5.0
SHORT_START_WORDS = 2
# A long query (a title pasted with a bookshop's notes, a run of words from a long title) is cut
# into runs of RUN_WORDS syllables; each run found as a phrase in a title field adds a constant,
# so the book that holds the query's words in order outranks one that only shares many words
# (or holds them twice, in two libraries' spellings). Up to MAX_RUNS runs.
RUN_BONUS = 4.0
# A shorter query is one run, and its words in order are the best evidence there is of the title
# a reader remembers a piece of (`Cuốn Âm Thanh` from `… Combo 3 Cuốn Âm Thanh Quanh Bé …`):
# the bonus outweighs another title holding the same words scattered in the heavier field (dev
# split: middle words s@1 .993 → .998 at 12, .996 at 6 and 8; no other kind moved).
SHORT_RUN_BONUS = 12.0
RUN_WORDS = 3
RUN_MIN_WORDS = 5
MAX_RUNS = 8
TITLE_FIELDS = frozenset({"title", "subtitle", "series"})
# Runs are looked for where a title's words are: title and subtitle (a series name is not where
# a reader's run comes from; searching it cost time and changed no rank on the development split).
RUN_FIELDS = frozenset({"title", "subtitle"})

# Up to three syllables all must match; beyond that a quarter may be missing. A title pasted
# from a bookshop with notes a library leaves out ("(Phiên bản sách năm 2018)", "(Tặng Kèm
# Bookmark)") passes through the title-start gate (`_short_start`) instead: a looser gate (a
# third, then half missing) ranked no better on the development split and cost 6-9 % of query
# time, since every document it lets in is scored by every clause.
MINIMUM_SHOULD_MATCH = "3<-25%"

# The engine caps the clauses of one query (`indices.query.bool.max_clause_count`; the managed
# node sets 4096). Clauses grow with words × fields × alternatives, so a query is cut to its
# first MAX_WORDS syllables (long commercial titles reach 25) and keyboard decodings search only
# the DECODED_FIELDS heaviest fields. tests/integration/test_query_limits.py holds the worst
# cases to the limit against the real engine.
MAX_WORDS = 40
DECODED_FIELDS = 3


def _weighted(fields: dict[str, float], suffix: str, factor: float) -> list[str]:
    return [f"{name}{suffix}^{weight * factor:g}" for name, weight in fields.items()]


def _constant(query: dict[str, Any], boost: float) -> dict[str, Any]:
    return {"constant_score": {"filter": query, "boost": boost}}


def _alternative(text: str, fields: dict[str, float], boost: float) -> dict[str, Any]:
    gate = {
        "bool": {
            "should": [
                {
                    "multi_match": {
                        "query": text,
                        "type": "cross_fields",
                        "fields": _weighted(fields, ".folded", FOLDED_WEIGHT),
                        "operator": "or",
                        "minimum_should_match": MINIMUM_SHOULD_MATCH,
                    }
                },
                {
                    "multi_match": {
                        "query": text,
                        "type": "cross_fields",
                        "fields": _weighted(fields, ".variant", VARIANT_WEIGHT),
                        "operator": "or",
                        "minimum_should_match": MINIMUM_SHOULD_MATCH,
                    }
                },
                *_short_start(text, fields),
            ],
            "minimum_should_match": 1,
        }
    }
    boosts: list[dict[str, Any]] = []
    for name, weight in fields.items():
        boosts += [
            _constant({"match": {name: {"query": text, "operator": "and"}}}, weight * ALL_EXACT),
            {"match": {name: {"query": text, "boost": weight * EXACT_WEIGHT}}},
            _constant({"match_phrase": {name: text}}, weight * PHRASE_WEIGHT),
            _constant({"match_phrase": {f"{name}.folded": text}}, weight * FOLDED_PHRASE_WEIGHT),
            {"match": {f"{name}.shingles": {"query": text, "boost": weight * SHINGLE_WEIGHT}}},
            {
                "match": {
                    f"{name}.folded_shingles": {
                        "query": text,
                        "boost": weight * FOLDED_SHINGLE_WEIGHT,
                    }
                }
            },
        ]
    both = _both_fields(text, fields)
    if both is not None:
        boosts.append(both)
    boosts += _title_start(text, fields)
    boosts += _runs(text, fields)
    return {"bool": {"must": [gate], "should": boosts, "boost": boost}}


def _runs(text: str, fields: dict[str, float]) -> list[dict[str, Any]]:
    """Phrase bonuses for consecutive runs of the query's words in the title and subtitle.

    A shorter query is one run: its words in order in the title or the subtitle earn the same
    bonus whichever field holds them, since libraries split one title differently (`Tư Duy Khác
    Biệt Và …` is the title in one record and the subtitle in another)."""
    words = text.split()
    titles = {name: weight for name, weight in fields.items() if name in RUN_FIELDS}
    if not titles:
        return []
    weight = max(titles.values())
    names = [f"{name}.folded" for name in titles]
    bonus = RUN_BONUS
    if len(words) < RUN_MIN_WORDS:
        runs, bonus = [text], SHORT_RUN_BONUS
    else:
        runs = [" ".join(words[i : i + RUN_WORDS]) for i in range(0, len(words), RUN_WORDS)]
    return [
        _constant(
            {"multi_match": {"query": run, "type": "phrase", "fields": names}},
            weight * bonus,
        )
        for run in runs[:MAX_RUNS]
        if len(run.split()) > 1
    ]


def _short_start(text: str, fields: dict[str, float]) -> list[dict[str, Any]]:
    """Gate clauses for a long query: titles that start with its first syllables (the main title
    a library kept of a whole title the reader pasted). None for shorter queries."""
    if len(text.split()) < RUN_MIN_WORDS:
        return []
    return _title_start(text, fields, SHORT_START_WORDS, SHORT_START)


def _title_start(
    text: str, fields: dict[str, float], size: int = START_WORDS, bonus: float = TITLE_START
) -> list[dict[str, Any]]:
    """Bonus clauses for a title whose first `size` syllables are the query's first ones, in
    order."""
    words = folded_tokens(text)[:size]
    if len(words) < 2:
        return []
    clauses = []
    for name, weight in fields.items():
        if name not in START_FIELDS:
            continue
        near = {
            "span_near": {
                "clauses": [{"span_term": {f"{name}.folded": word}} for word in words],
                "slop": 0,
                "in_order": True,
            }
        }
        first = {"span_first": {"match": near, "end": len(words)}}
        clauses.append(_constant(first, weight * bonus))
    return clauses


def _both_fields(text: str, fields: dict[str, float]) -> dict[str, Any] | None:
    """The author-and-title bonus clause (every word in the authors and titles taken together),
    or None for a one-word or long query or without both kinds of field.

    Words may sit in either field or both: `anh ngoi` (author's name, title word) and `nguyen
    du` (the whole name in the authors field) both earn it; a book that holds only some of the
    words, however often, does not."""
    authors = [f"{name}.folded" for name in fields if name in AUTHOR_FIELDS]
    titles = [f"{name}.folded" for name in fields if name in TITLE_FIELDS]
    if not 2 <= len(text.split()) <= BOTH_MAX_WORDS or not authors or not titles:
        return None
    every_word = {
        "multi_match": {
            "query": text,
            "type": "cross_fields",
            "fields": authors + titles,
            "operator": "and",
        }
    }
    return _constant(every_word, BOTH_FIELDS)


def text_query(q: str, fields: dict[str, float]) -> dict[str, Any]:
    """Build the query DSL (a `bool`) for free text `q` over `fields` (base name → weight).

    Each field must be mapped with `analysis.text_field`. The query is normalised with the
    Python normaliser first, so what the reader typed and what was indexed are compared in the
    same form. An empty query gives a query that matches nothing.
    """
    if not fields:
        raise ValueError("text_query needs at least one field")
    text = " ".join(normalise(q).split()[:MAX_WORDS])
    if not text:
        return {"match_none": {}}
    alternatives = [_alternative(text, fields, 1.0)]
    heaviest = dict(sorted(fields.items(), key=lambda item: -item[1])[:DECODED_FIELDS])
    for reading in readings(text):
        alternatives.append(_alternative(reading, heaviest, DECODED_WEIGHT))
    return {"bool": {"should": alternatives, "minimum_should_match": 1}}


def phrase_query(q: str, fields: dict[str, float]) -> dict[str, Any]:
    """A quoted phrase: its words adjacent and in order in one field, exact diacritics scoring
    above a folded-only match; or, at a lower weight, one of its keyboard readings as a phrase
    (a title pasted with its quotation marks and typed without an input method: `"DDoior DDen
    Thay Trawngs"` is `Đổi Đen Thay Trắng`). A phrase never matches scattered words."""
    text = " ".join(normalise(q).split()[:MAX_WORDS])
    if not text:
        return {"match_none": {}}

    def phrase(words: str, boost: float) -> dict[str, Any]:
        return {
            "multi_match": {
                "query": words,
                "type": "phrase",
                "fields": [f"{name}^{weight * 2:g}" for name, weight in fields.items()]
                + [f"{name}.folded^{weight:g}" for name, weight in fields.items()],
                "boost": boost,
            }
        }

    alternatives = [phrase(text, 1.0)]
    alternatives += [phrase(reading, DECODED_WEIGHT) for reading in readings(text)]
    if len(alternatives) == 1:
        return alternatives[0]
    return {"bool": {"should": alternatives, "minimum_should_match": 1}}


def exclusion_query(q: str, fields: dict[str, float]) -> dict[str, Any]:
    """What a `-word` exclusion leaves out: documents holding every excluded word in one field,
    with its diacritics when the reader typed any (`-hoà` keeps `Hóa học`), folded otherwise.

    No keyboard readings, no i/y variants and no partial matches: an exclusion must never drop
    a book for a reason the reader did not type (`-bans` is not `-bán`)."""
    text = " ".join(normalise(q).split()[:MAX_WORDS])
    if not text:
        return {"match_none": {}}
    suffix = "" if fold(text) != text.lower() else ".folded"
    return {
        "bool": {
            "should": [
                {"match": {f"{name}{suffix}": {"query": text, "operator": "and"}}}
                for name in fields
            ],
            "minimum_should_match": 1,
        }
    }
