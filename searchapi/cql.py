"""CQL (the SRU query language) → the engine query, through the reader API's own query builder.

Parsing is done by the maintained ``cql-parser`` package (CLARIN's CQL 1.2 grammar, an LALR
parser: no recursion while parsing, so nesting cannot exhaust the stack). This module only walks
its tree and maps every search clause onto the reader API's AST leaves
(:mod:`searchapi.query_ast`) and :func:`searchapi.query_dsl.to_dsl`, so a Vietnamese term with or
without diacritics is searched exactly as ``/api/v1/search`` searches it:

    cql.serverChoice = "dien bien phu"   ≡   /api/v1/search?q=dien bien phu
    dc.title = "truyện kiều"             ≡   /api/v1/search?q=title:(truyện kiều)

Relations on text indexes: ``=`` the reader's free text; ``all`` every word (each word a free-text
leaf); ``any`` one word at least; ``adj``/``exact``/``==`` the words as a phrase. A trailing ``*``
on a word is right truncation (a folded phrase-prefix, so ``kieu*`` finds "Kiều"); ``*`` elsewhere
and ``?`` are refused with diagnostic 28. Every refusal is a :class:`CQLDiagnostic` carrying the
standard SRU diagnostic number (``info:srw/diagnostic/1/<n>``).

Bounded: the query is at most ``MAX_QUERY_LENGTH`` characters, clauses are capped at
``MAX_CLAUSES`` and nesting at ``MAX_DEPTH`` before any engine query is built.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from cql.lexer import CQLLexer, CQLLexerError
from cql.parser import CQLParser12, CQLParserError, CQLSearchClause, CQLTriple

from analyzers.normalise import normalise
from indexer.isbn import query_isbn, to_isbn13
from searchapi.query_ast import Isbn, Node, Phrase, Text, YearRange
from searchapi.query_dsl import ALL_FIELDS, FIELDS, to_dsl

__all__ = ["INDEXES", "CQLDiagnostic", "Query", "translate"]

MAX_QUERY_LENGTH = 500
MAX_CLAUSES = 32
MAX_DEPTH = 16
MIN_STEM = 2

# CQL index → (kind, reader field). Unprefixed names are the default context set (dc).
INDEXES: dict[str, tuple[str, str | None]] = {
    "cql.serverchoice": ("text", None),
    "cql.anywhere": ("text", None),
    "dc.anywhere": ("text", None),
    "dc.title": ("text", "title"),
    "dc.creator": ("text", "author"),
    "dc.author": ("text", "author"),
    "dc.subject": ("text", "subject"),
    "dc.publisher": ("text", "publisher"),
    "dc.date": ("year", None),
    "bath.isbn": ("isbn", None),
    "dc.identifier": ("identifier", None),
    "rec.identifier": ("identifier", None),
    "mucluc.library": ("library", None),
    "mucluc.kind": ("kind", None),
    "cql.allrecords": ("all", None),
}
TEXT_RELATIONS = ("=", "all", "any", "adj", "exact", "==")
YEAR_RELATIONS = ("=", "==", "exact", "<", "<=", ">", ">=", "within")
CODE_RELATIONS = ("=", "==", "exact", "any")
SORT_KEYS = {"dc.date": "year", "dc.title": "title"}
_YEAR = re.compile(r"^\d{1,4}$")

logging.getLogger("cql").setLevel(logging.CRITICAL)  # it logs every syntax error at ERROR


class CQLDiagnostic(Exception):
    """A query SRU must refuse: ``number`` is the diagnostic (``info:srw/diagnostic/1/<n>``),
    ``details`` the part of the query it is about."""

    def __init__(self, number: int, message: str, details: str = "") -> None:
        super().__init__(message)
        self.number = number
        self.message = message
        self.details = details


@dataclass
class Query:
    """A translated CQL query: the engine query, the libraries it is restricted to at its top
    level (``mucluc.library = X and …``), and a sort (``sortby dc.date/sort.descending``)."""

    dsl: dict[str, Any]
    libraries: list[str] = field(default_factory=list)
    sort: tuple[str, bool] | None = None  # (field, descending)


def _parser() -> CQLParser12:
    lexer = CQLLexer()
    lexer.build()
    parser = CQLParser12()
    parser.build(lexer, debug=False)  # debug=False: no parser.out written beside the package
    return parser


_PARSER: CQLParser12 | None = None


def parse_cql(text: str) -> Any:
    """The ``cql-parser`` tree of ``text``; any syntax error is diagnostic 10."""
    global _PARSER
    if len(text) > MAX_QUERY_LENGTH:
        raise CQLDiagnostic(10, f"The query is longer than {MAX_QUERY_LENGTH} characters.")
    if not text.strip():
        raise CQLDiagnostic(7, "Mandatory parameter not supplied", "query")
    if _PARSER is None:
        _PARSER = _parser()
    try:
        parsed = _PARSER.parse(text)
    except (CQLParserError, CQLLexerError) as exc:  # their messages are about the query
        first = exc.args[0] if exc.args and isinstance(exc.args[0], str) else ""
        raise CQLDiagnostic(10, "Query syntax error", _plain(first)) from exc
    except Exception as exc:  # anything else from the parser is bad syntax too, told plainly
        raise CQLDiagnostic(10, "Query syntax error", "the query could not be parsed") from exc
    if parsed is None:
        raise CQLDiagnostic(10, "Query syntax error", "nothing to search for")
    return parsed


def _plain(message: str) -> str:
    return " ".join(message.split())[:200]


class _Walker:
    def __init__(self) -> None:
        self.clauses = 0

    def node(self, item: Any, depth: int) -> dict[str, Any]:
        if depth > MAX_DEPTH:
            raise CQLDiagnostic(38, "Too many boolean operators in query", f"nesting > {MAX_DEPTH}")
        if isinstance(item, CQLTriple):
            return self.triple(item, depth)
        if isinstance(item, CQLSearchClause):
            self.clauses += 1
            if self.clauses > MAX_CLAUSES:
                raise CQLDiagnostic(
                    38, "Too many boolean operators in query", f"more than {MAX_CLAUSES} clauses"
                )
            return clause(item)
        raise CQLDiagnostic(48, "Query feature unsupported", type(item).__name__)

    def triple(self, item: CQLTriple, depth: int) -> dict[str, Any]:
        operator = str(item.operator.value).lower()
        if item.operator.modifiers:
            raise CQLDiagnostic(46, "Unsupported boolean modifier", str(item.operator))
        left = self.node(item.left, depth + 1)
        right = self.node(item.right, depth + 1)
        if operator == "and":
            return {"bool": {"must": [left, right]}}
        if operator == "or":
            return {"bool": {"should": [left, right], "minimum_should_match": 1}}
        if operator == "not":
            return {"bool": {"must": [left], "must_not": [right]}}
        raise CQLDiagnostic(37, "Unsupported boolean operator", operator)


def _index_name(item: CQLSearchClause) -> str:
    if item.index is None:
        return "cql.serverchoice"
    name = str(item.index).lower()
    return name if "." in name else f"dc.{name}"


def clause(item: CQLSearchClause) -> dict[str, Any]:
    """The engine query of one search clause (index, relation, term)."""
    index = _index_name(item)
    relation = "=" if item.relation is None else str(item.relation.comparitor).lower()
    if item.relation is not None and item.relation.modifiers:
        raise CQLDiagnostic(20, "Unsupported relation modifier", str(item.relation))
    if index not in INDEXES:
        raise CQLDiagnostic(16, "Unsupported index", str(item.index))
    kind, reader_field = INDEXES[index]
    term = normalise(str(item.term)).strip()
    if kind == "all":
        return {"match_all": {}}
    if kind == "text":
        if relation not in TEXT_RELATIONS:
            raise CQLDiagnostic(19, "Unsupported relation", relation)
        return _text(term, relation, reader_field)
    if kind == "year":
        if relation not in YEAR_RELATIONS:
            raise CQLDiagnostic(19, "Unsupported relation", relation)
        return to_dsl(_years(term, relation))
    if kind in ("isbn", "identifier"):
        if relation not in ("=", "==", "exact"):
            raise CQLDiagnostic(19, "Unsupported relation", relation)
        isbn = to_isbn13(term) if term else None
        if isbn:
            return to_dsl(Isbn(isbn))
        if kind == "identifier" and re.fullmatch(r"[A-Za-z0-9_-]{1,64}", term):
            return {"ids": {"values": [term]}}  # a union record's id, as the API names it
        raise CQLDiagnostic(36, "Term in invalid format for index or relation", term)
    if relation not in CODE_RELATIONS:
        raise CQLDiagnostic(19, "Unsupported relation", relation)
    codes = term.split() if relation == "any" else [term]
    if not codes or not all(codes):
        raise CQLDiagnostic(27, "Empty term unsupported", index)
    keyword = "libraries" if kind == "library" else "library_kinds"
    return {"terms": {keyword: codes}}


def _fields(reader_field: str | None) -> dict[str, float]:
    return ALL_FIELDS if reader_field is None else FIELDS[reader_field]


def _prefix(stem: str, reader_field: str | None) -> dict[str, Any]:
    """Right truncation: the words with the last one a prefix, on the folded fields (so a
    stem typed without diacritics finds words with them); bounded by the engine's expansions."""
    return {
        "multi_match": {
            "query": stem,
            "type": "phrase_prefix",
            "fields": [f"{name}.folded^{weight:g}" for name, weight in
                       _fields(reader_field).items()],
            "max_expansions": 50,
        }
    }


def _masked(text: str) -> tuple[str, bool]:
    """``text`` without its trailing truncation ``*``, and whether it had one; other masking
    refused (diagnostic 28), a stem too short refused (29)."""
    unescaped = text.replace("\\*", "\x00").replace("\\?", "\x01")
    truncated = unescaped.endswith("*")
    core = unescaped[:-1] if truncated else unescaped
    if "*" in core or "?" in core:
        raise CQLDiagnostic(28, "Masking character not supported", text)
    core = core.replace("\x00", "*").replace("\x01", "?").replace("\\", "")
    if truncated and len(core.split()[-1] if core.split() else "") < MIN_STEM:
        raise CQLDiagnostic(29, "Masked words too short", text)
    return core, truncated


def _word_or_text(text: str, reader_field: str | None, phrase: bool) -> dict[str, Any]:
    core, truncated = _masked(text)
    if not core.strip():
        raise CQLDiagnostic(27, "Empty term unsupported", text)
    if truncated:
        return _prefix(core, reader_field)
    if phrase:
        return to_dsl(Phrase(core, reader_field))
    if reader_field is None:
        isbn = query_isbn(core)
        if isbn:  # as the reader API: a whole query that is an ISBN searches by ISBN
            return to_dsl(Isbn(isbn))
    return to_dsl(Text(core, reader_field))


def _text(term: str, relation: str, reader_field: str | None) -> dict[str, Any]:
    if not term:
        raise CQLDiagnostic(27, "Empty term unsupported", "")
    if relation == "=":
        return _word_or_text(term, reader_field, phrase=False)
    if relation in ("adj", "exact", "=="):
        return _word_or_text(term, reader_field, phrase=True)
    words = [_word_or_text(word, reader_field, phrase=False) for word in term.split()]
    if len(words) == 1:
        return words[0]
    if relation == "all":
        return {"bool": {"must": words}}
    return {"bool": {"should": words, "minimum_should_match": 1}}


def _year(text: str) -> int:
    if not _YEAR.match(text):
        raise CQLDiagnostic(36, "Term in invalid format for index or relation", text)
    return int(text)


def _years(term: str, relation: str) -> Node:
    if relation == "within":
        parts = term.split()
        if len(parts) != 2:
            raise CQLDiagnostic(36, "Term in invalid format for index or relation", term)
        low, high = sorted(_year(p) for p in parts)
        return YearRange(low, high)
    year = _year(term)
    spans = {
        "=": (year, year), "==": (year, year), "exact": (year, year),
        "<": (None, year - 1), "<=": (None, year), ">": (year + 1, None), ">=": (year, None),
    }  # fmt: skip
    low, high = spans[relation]
    return YearRange(low, high)


def _top_libraries(item: Any) -> list[str]:
    """Library codes the whole query is restricted to (a ``mucluc.library`` clause reached from
    the root through ``and`` or the left side of ``not``)."""
    if isinstance(item, CQLTriple):
        operator = str(item.operator.value).lower()
        if operator == "and":
            return _top_libraries(item.left) + _top_libraries(item.right)
        return _top_libraries(item.left) if operator == "not" else []
    if isinstance(item, CQLSearchClause) and _index_name(item) == "mucluc.library":
        relation = "=" if item.relation is None else str(item.relation.comparitor).lower()
        if relation in ("=", "==", "exact"):
            return [normalise(str(item.term)).strip()]
    return []


def _sort(parsed: Any) -> tuple[str, bool] | None:
    specs = getattr(parsed.root, "sortSpecs", None) or []
    if not specs:
        return None
    if len(specs) > 1:
        raise CQLDiagnostic(80, "Sort not supported", "one sort key at most")
    spec = specs[0]
    name = str(spec.index).lower()
    if name not in SORT_KEYS:
        raise CQLDiagnostic(80, "Sort not supported", str(spec.index))
    modifiers = [str(m.name).lower() for m in (spec.modifiers or [])]
    return SORT_KEYS[name], any(m.endswith("descending") for m in modifiers)


def translate(text: str) -> Query:
    """The engine query of a CQL query; raises :class:`CQLDiagnostic` and nothing else."""
    parsed = parse_cql(text)
    dsl = _Walker().node(parsed.root, 0)
    return Query(dsl, _top_libraries(parsed.root), _sort(parsed))

