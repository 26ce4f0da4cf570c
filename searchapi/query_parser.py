"""The reader's query language: text → an AST → the engine's query DSL.

    dien bien phu                      free text (all fields, Vietnamese ranking)
    title:"truyện kiều"  author:du     fielded terms and phrases
    isbn:978-604-69-1234-7             ISBN-10 or -13, hyphens or not
    year:2019  year:2019..2021  year:..1975  year:2000..
    kieu AND (du OR nguyen) NOT "tái bản"   -thieu_nhi   (field:(a b) groups too)

Why our own parser: the reader's text never reaches OpenSearch's `query_string`, whose syntax
errors become 500s and whose wildcards and regexes can take a cluster down. Adjacent plain words
of one field stay together as one free-text leaf, so `analyzers.query.text_query` ranks them as
Vietnamese text (phrase and syllable-bigram boosts), not as independent words.

Operators are upper case (`AND`, `OR`, `NOT`) because `and`/`or` are words in English titles.
A colon followed by a space is ISBD punctuation ("Điện Biên Phủ : điểm hẹn lịch sử"), not a field.
Every mistake becomes an ``ApiError(400, "bad_query", …)`` whose message says how to fix it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from analyzers.normalise import normalise
from analyzers.query import text_query
from indexer.isbn import query_isbn, to_isbn13
from mucluc.core.errors import ApiError

__all__ = [
    "FIELDS",
    "And",
    "Isbn",
    "Node",
    "Not",
    "Or",
    "Phrase",
    "Text",
    "YearRange",
    "parse",
    "to_dsl",
]

# Searchable fields: reader's name → index fields with weights (all mapped with text_field).
FIELDS: dict[str, dict[str, float]] = {
    "title": {"title": 4.0, "subtitle": 2.0, "series": 1.0},
    "author": {"authors": 1.0},
    "subject": {"subjects": 1.0},
    "publisher": {"publisher": 1.0},
}
ALL_FIELDS: dict[str, float] = {
    "title": 4.0,
    "subtitle": 2.0,
    "authors": 3.0,
    "subjects": 1.5,
    "series": 1.0,
    "publisher": 0.8,
    "summary": 0.3,
}
# Other spellings a reader may type (English short forms, Vietnamese without diacritics).
ALIASES: dict[str, str] = {
    "title": "title", "ti": "title", "nhande": "title", "tieude": "title",
    "author": "author", "au": "author", "tacgia": "author",
    "subject": "subject", "su": "subject", "chude": "subject",
    "publisher": "publisher", "pb": "publisher", "nxb": "publisher",
    "isbn": "isbn",
    "year": "year", "nam": "year",
}  # fmt: skip
KNOWN = "title, author, subject, publisher, isbn, year"
QUOTES = {'"': '"', "“": "”", "„": "”", "«": "»"}
MAX_LEAVES = 32
MAX_DEPTH = 8
YEAR = re.compile(r"^(\d{1,4})?(?:(\.\.)(\d{1,4})?)?$")
FIELD = re.compile(r"^([A-Za-z_]+):(?=\S)")


@dataclass(frozen=True)
class Text:
    """Plain words; ``field`` None means every searchable field."""

    text: str
    field: str | None = None


@dataclass(frozen=True)
class Phrase:
    text: str
    field: str | None = None


@dataclass(frozen=True)
class Isbn:
    isbn13: str


@dataclass(frozen=True)
class YearRange:
    low: int | None
    high: int | None


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    child: Node


Node = Text | Phrase | Isbn | YearRange | And | Or | Not


def bad(message: str) -> ApiError:
    return ApiError(400, "bad_query", message)


# --- tokens -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    kind: str  # WORD PHRASE FIELD LPAREN RPAREN AND OR NOT MINUS
    text: str
    position: int


def tokenize(q: str) -> list[Token]:
    tokens: list[Token] = []
    i = 0
    while i < len(q):
        char = q[i]
        if char.isspace():
            i += 1
        elif char in "()":
            tokens.append(Token("LPAREN" if char == "(" else "RPAREN", char, i))
            i += 1
        elif char in QUOTES:
            close = q.find(QUOTES[char], i + 1)
            if close < 0:
                raise bad(
                    f"The quote at character {i + 1} is never closed: add a closing "
                    f"{QUOTES[char]} or remove it."
                )
            tokens.append(Token("PHRASE", q[i + 1 : close], i))
            i = close + 1
        elif char == "-" and (i + 1 < len(q) and not q[i + 1].isspace() and q[i + 1] != "-"):
            tokens.append(Token("MINUS", "-", i))
            i += 1
        else:
            field = FIELD.match(q[i:])
            if field:
                tokens.append(Token("FIELD", field.group(1), i))
                i += field.end()
                continue
            end = i
            while end < len(q) and not q[end].isspace() and q[end] not in '()"“”„«»':
                end += 1
            word = q[i:end]
            kind = word if word in ("AND", "OR", "NOT") else "WORD"
            if word == "&&":
                kind = "AND"
            elif word == "||":
                kind = "OR"
            tokens.append(Token(kind, word, i))
            i = end
    return tokens


# --- parser -------------------------------------------------------------------------------------


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.at = 0
        self.leaves = 0

    def peek(self) -> Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def leaf(self, node: Node) -> Node:
        self.leaves += 1
        if self.leaves > MAX_LEAVES:
            raise bad(f"The query has more than {MAX_LEAVES} terms; shorten it.")
        return node

    def parse_or(self, field: str | None, depth: int) -> Node | None:
        parts = [self.parse_and(field, depth)]
        while (token := self.peek()) is not None and token.kind == "OR":
            self.take()
            if self.peek() is None or self.peek().kind in ("RPAREN", "OR", "AND"):  # type: ignore[union-attr]
                raise bad("`OR` needs something on both sides, e.g. `kieu OR kiều`.")
            parts.append(self.parse_and(field, depth))
        present = [p for p in parts if p is not None]
        if not present:
            return None
        return present[0] if len(present) == 1 else Or(tuple(present))

    def parse_and(self, field: str | None, depth: int) -> Node | None:
        parts: list[Node] = []
        explicit = False
        while (token := self.peek()) is not None and token.kind not in ("OR", "RPAREN"):
            if token.kind == "AND":
                self.take()
                if not parts or self.peek() is None or self.peek().kind in ("RPAREN", "OR", "AND"):  # type: ignore[union-attr]
                    raise bad("`AND` needs something on both sides, e.g. `kieu AND du`.")
                explicit = True
                continue
            node = self.parse_unary(field, depth)
            # Adjacent plain words of one field form one text leaf (ranked as Vietnamese text);
            # an explicit AND keeps them apart, so each must match on its own.
            if (
                not explicit
                and parts
                and isinstance(node, Text)
                and isinstance(parts[-1], Text)
                and parts[-1].field == node.field
            ):
                parts[-1] = Text(f"{parts[-1].text} {node.text}", node.field)
                self.leaves -= 1
            else:
                parts.append(node)
            explicit = False
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def parse_unary(self, field: str | None, depth: int) -> Node:
        token = self.peek()
        assert token is not None
        if token.kind in ("NOT", "MINUS"):
            self.take()
            following = self.peek()
            if following is None or following.kind in ("RPAREN", "OR", "AND"):
                raise bad(
                    f"`{token.text}` must be followed by what to leave out, e.g. `-thiếu nhi`."
                )
            return Not(self.parse_unary(field, depth))
        return self.parse_primary(field, depth)

    def parse_primary(self, field: str | None, depth: int) -> Node:
        token = self.take()
        if token.kind == "LPAREN":
            if depth >= MAX_DEPTH:
                raise bad(f"Parentheses nest more than {MAX_DEPTH} deep; simplify the query.")
            inner = self.parse_or(field, depth + 1)
            closing = self.peek()
            if closing is None or closing.kind != "RPAREN":
                raise bad(
                    f"The parenthesis at character {token.position + 1} is never closed: "
                    "add a `)` or remove the `(`."
                )
            self.take()
            if inner is None:
                raise bad(f"The parentheses at character {token.position + 1} are empty.")
            return inner
        if token.kind == "PHRASE":
            text = normalise(token.text).strip()
            if not text:
                raise bad(f'The quotes at character {token.position + 1} are empty.')
            return self.leaf(Phrase(text, field))
        if token.kind == "FIELD":
            return self.parse_field(token, field, depth)
        if token.kind == "WORD":
            if field is None:
                isbn = _bare_isbn(token.text)
                if isbn:
                    return self.leaf(Isbn(isbn))
            return self.leaf(Text(token.text, field))
        # pragma: no cover - every other token kind is handled by the callers
        raise bad(f"Unexpected `{token.text}` at character {token.position + 1}.")

    def parse_field(self, token: Token, outer: str | None, depth: int) -> Node:
        name = ALIASES.get(token.text.lower())
        if name is None:
            raise bad(
                f"Unknown field `{token.text}:`. Use one of {KNOWN} — or put the words in "
                f'quotes ("{token.text}:…") to search them as text.'
            )
        if outer is not None:
            raise bad(f"`{token.text}:` is inside another field's group; write it outside.")
        value = self.peek()
        if value is None:  # pragma: no cover - the tokenizer requires a value after the colon
            raise bad(f"`{token.text}:` needs a value.")
        if name in ("isbn", "year"):
            self.take()
            if value.kind not in ("WORD", "PHRASE"):
                raise bad(f"`{token.text}:` takes a single value, e.g. `{_example(name)}`.")
            return self.leaf(_isbn(value.text) if name == "isbn" else _year(value.text))
        if value.kind == "LPAREN":
            return self.parse_primary(name, depth)
        if value.kind not in ("WORD", "PHRASE"):
            raise bad(f"`{token.text}:` needs a word or a quoted phrase right after the colon.")
        return self.parse_primary(name, depth)


def _example(name: str) -> str:
    return "isbn:978-604-69-1234-7" if name == "isbn" else "year:2019..2021"


def _bare_isbn(word: str) -> str | None:
    """A plain word that is a valid ISBN (so `9786046912347 kieu` still finds by ISBN)."""
    if not re.fullmatch(r"[0-9][0-9\-]{8,16}[0-9Xx]", word):
        return None
    return to_isbn13(word)


def _isbn(text: str) -> Isbn:
    isbn = to_isbn13(text)
    if isbn is None or len(re.sub(r"[^0-9Xx]", "", text)) not in (10, 13):
        raise bad(
            f"`{text}` is not a valid ISBN-10 or ISBN-13; check the digits (hyphens and "
            "spaces do not matter)."
        )
    return Isbn(isbn)


def _year(text: str) -> YearRange:
    match = YEAR.match(text.strip())
    if not match or not (match.group(1) or match.group(3)):
        raise bad(
            f"`year:{text}` is not a year or a range; write `year:2019`, `year:2019..2021`, "
            "`year:..1975` or `year:2000..`."
        )
    low = int(match.group(1)) if match.group(1) else None
    high = int(match.group(3)) if match.group(3) else None
    if not match.group(2):
        high = low
    if low is not None and high is not None and low > high:
        raise bad(f"`year:{text}` starts after it ends; write the earlier year first.")
    return YearRange(low, high)


def parse(q: str) -> Node | None:
    """The AST of the reader's query, or None when it has nothing to search for (match all).

    Raises ApiError(400, "bad_query") for unbalanced quotes or parentheses, unknown fields,
    dangling operators, bad years and ISBNs.
    """
    text = q.strip()
    if not text:
        return None
    whole = query_isbn(text)
    if whole:  # "978 604 69 1234 7" — spaces inside one ISBN
        return Isbn(whole)
    parser = _Parser(tokenize(text))
    node = parser.parse_or(None, 0)
    leftover = parser.peek()
    if leftover is not None:
        assert leftover.kind == "RPAREN"
        raise bad(
            f"The `)` at character {leftover.position + 1} has no matching `(`: "
            "remove it or add a `(` before it."
        )
    return node


# --- DSL ----------------------------------------------------------------------------------------


def _fields(field: str | None) -> dict[str, float]:
    return ALL_FIELDS if field is None else FIELDS[field]


def _phrase(text: str, field: str | None) -> dict[str, Any]:
    """Adjacent words in order; exact diacritics score above a folded-only match."""
    fields = _fields(field)
    return {
        "multi_match": {
            "query": text,
            "type": "phrase",
            "fields": [f"{name}^{weight * 2:g}" for name, weight in fields.items()]
            + [f"{name}.folded^{weight:g}" for name, weight in fields.items()],
        }
    }


def to_dsl(node: Node | None) -> dict[str, Any]:
    """The engine query of an AST (``match_all`` for None)."""
    if node is None:
        return {"match_all": {}}
    if isinstance(node, Text):
        return text_query(node.text, _fields(node.field))
    if isinstance(node, Phrase):
        return _phrase(node.text, node.field)
    if isinstance(node, Isbn):
        return {"term": {"isbns": node.isbn13}}
    if isinstance(node, YearRange):
        span = {}
        if node.low is not None:
            span["gte"] = node.low
        if node.high is not None:
            span["lte"] = node.high
        return {"range": {"year": span}}
    if isinstance(node, Not):
        return {"bool": {"must": [{"match_all": {}}], "must_not": [to_dsl(node.child)]}}
    if isinstance(node, And):
        must = [to_dsl(c) for c in node.children if not isinstance(c, Not)]
        must_not = [to_dsl(c.child) for c in node.children if isinstance(c, Not)]
        return {"bool": {"must": must or [{"match_all": {}}], "must_not": must_not}}
    if isinstance(node, Or):
        return {"bool": {"should": [to_dsl(c) for c in node.children], "minimum_should_match": 1}}
    raise TypeError(f"not a query node: {node!r}")  # pragma: no cover


def free_text(node: Node | None) -> list[str]:
    """The free-text words of a query, for "did you mean" (negated parts left out)."""
    if isinstance(node, (Text, Phrase)):
        return [node.text]
    if isinstance(node, (And, Or)):
        return [text for child in node.children for text in free_text(child)]
    return []
