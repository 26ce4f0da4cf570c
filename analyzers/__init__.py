"""Vietnamese text for Mục lục: the single source of truth used at ingest, at query time and to
generate the OpenSearch analysis settings.

Imports nothing of the project; only the standard library, PyICU and unidecode.
"""

from analyzers.analysis import analysis_settings, keyword_field, sort_field, text_field
from analyzers.collation import sort_key
from analyzers.fold import fold
from analyzers.keyboard import decode_telex, decode_vni
from analyzers.normalise import normalise
from analyzers.query import text_query
from analyzers.tokens import folded_tokens, tokens
from analyzers.variants import variant_key

__all__ = [
    "analysis_settings",
    "decode_telex",
    "decode_vni",
    "fold",
    "folded_tokens",
    "keyword_field",
    "normalise",
    "sort_field",
    "sort_key",
    "text_field",
    "text_query",
    "tokens",
    "variant_key",
]
