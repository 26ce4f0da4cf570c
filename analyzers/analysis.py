"""The OpenSearch `analysis` settings and field mappings, generated from the Python tables.

The engine here has no ICU plugin, so every Vietnamese rule reaches it as data: the normaliser's
and the folder's rewrite tables become `mapping` char filters, the name-joining and i/y rules
become `pattern_replace` filters. Python (`analyzers.tokens`) runs the same steps, so the index,
the query builder and the tests agree on tokens.

Field layout given by `text_field` (callers query it through `analyzers.query.text_query`):
  <field>                  exact: normalised, lowercased syllables, diacritics kept
  <field>.folded           tones, vowel marks and đ removed (what an unaccented query matches)
  <field>.shingles         exact syllable bigrams ("thư viện" beats "Thư gửi Viện")
  <field>.folded_shingles  folded syllable bigrams
  <field>.variant          folded + i/y merged (kĩ/kỹ), for a low-weight clause
  <field>.prefix           folded edge n-grams, only with autocomplete=True
  <field>.start            the whole value as one folded keyword, only with autocomplete=True
                           (a `prefix` query finds values that start with the typed words)
"""

from __future__ import annotations

from typing import Any

from analyzers.fold import fold_mapping
from analyzers.normalise import compose_mapping, tone_mapping
from analyzers.tokens import (
    JOIN_NAMES_ENGINE_PATTERN,
    JOIN_NAMES_ENGINE_REPLACEMENT,
    SYLLABLE_SPLIT_ENGINE_PATTERN,
)
from analyzers.variants import IY_ENGINE_PATTERN, IY_ENGINE_REPLACEMENT

__all__ = ["EXACT", "FOLDED", "analysis_settings", "sort_field", "text_field"]

EXACT = "vi_exact"
FOLDED = "vi_folded"
SHINGLES = "vi_shingles"
FOLDED_SHINGLES = "vi_folded_shingles"
VARIANT = "vi_variant"
PREFIX = "vi_prefix"
KEYWORD = "vi_keyword"
FOLDED_KEYWORD = "vi_folded_keyword"

PREFIX_MAX = 20
START_MAX = 256  # characters of a title kept for "starts with" (longer ones are not indexed)

_NORMALISE = ["vi_compose", "vi_tone"]
_EXACT_CHARS = [*_NORMALISE, "vi_join_names"]
_FOLDED_CHARS = [*_EXACT_CHARS, "vi_fold"]


def _analyzer(char_filter: list[str], filters: list[str]) -> dict[str, Any]:
    return {
        "type": "custom",
        "char_filter": char_filter,
        "tokenizer": "vi_syllables",
        "filter": ["lowercase", *filters],
    }


def analysis_settings() -> dict[str, Any]:
    """The `analysis` block of the index settings (char filters, tokenizer, filters, analyzers,
    normalizers). Deterministic: the same tables always give the same settings."""
    return {
        "char_filter": {
            "vi_compose": {"type": "mapping", "mappings": compose_mapping().engine_rules()},
            "vi_tone": {"type": "mapping", "mappings": tone_mapping().engine_rules()},
            "vi_join_names": {
                "type": "pattern_replace",
                "pattern": JOIN_NAMES_ENGINE_PATTERN,
                "replacement": JOIN_NAMES_ENGINE_REPLACEMENT,
            },
            "vi_fold": {"type": "mapping", "mappings": fold_mapping().engine_rules()},
        },
        "tokenizer": {
            "vi_syllables": {"type": "pattern", "pattern": SYLLABLE_SPLIT_ENGINE_PATTERN},
        },
        "filter": {
            "vi_bigrams": {
                "type": "shingle",
                "min_shingle_size": 2,
                "max_shingle_size": 2,
                "output_unigrams": False,
            },
            "vi_iy": {
                "type": "pattern_replace",
                "pattern": IY_ENGINE_PATTERN,
                "replacement": IY_ENGINE_REPLACEMENT,
            },
            "vi_edge": {"type": "edge_ngram", "min_gram": 1, "max_gram": PREFIX_MAX},
        },
        "analyzer": {
            EXACT: _analyzer(_EXACT_CHARS, []),
            FOLDED: _analyzer(_FOLDED_CHARS, []),
            SHINGLES: _analyzer(_EXACT_CHARS, ["vi_bigrams"]),
            FOLDED_SHINGLES: _analyzer(_FOLDED_CHARS, ["vi_bigrams"]),
            VARIANT: _analyzer(_FOLDED_CHARS, ["vi_iy"]),
            PREFIX: _analyzer(_FOLDED_CHARS, ["vi_edge"]),
        },
        "normalizer": {
            KEYWORD: {"type": "custom", "char_filter": _NORMALISE, "filter": ["lowercase"]},
            FOLDED_KEYWORD: {
                "type": "custom",
                "char_filter": [*_NORMALISE, "vi_fold"],
                "filter": ["lowercase"],
            },
        },
    }


def text_field(*, autocomplete: bool = False) -> dict[str, Any]:
    """The mapping of a searchable text field with the multi-fields listed in the module doc."""
    fields: dict[str, Any] = {
        "folded": {"type": "text", "analyzer": FOLDED},
        "shingles": {"type": "text", "analyzer": SHINGLES},
        "folded_shingles": {"type": "text", "analyzer": FOLDED_SHINGLES},
        "variant": {"type": "text", "analyzer": VARIANT},
    }
    if autocomplete:
        fields["prefix"] = {"type": "text", "analyzer": PREFIX, "search_analyzer": FOLDED}
        fields["start"] = {
            "type": "keyword",
            "normalizer": FOLDED_KEYWORD,
            "ignore_above": START_MAX,
        }
    return {"type": "text", "analyzer": EXACT, "fields": fields}


def sort_field() -> dict[str, Any]:
    """The mapping of a sort-key field holding `analyzers.collation.sort_key` values."""
    return {"type": "keyword", "index": False, "doc_values": True}


def keyword_field(*, folded: bool = False) -> dict[str, Any]:
    """A keyword field (facets, exact filters) normalised like the text fields."""
    return {"type": "keyword", "normalizer": FOLDED_KEYWORD if folded else KEYWORD}
