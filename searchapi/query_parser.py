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
Every mistake becomes a ``QueryError("bad_query", …)`` whose message says how to fix it (the HTTP
layer answers it with 400); nothing else is raised, on any input (hypothesis checks it).

Bounded by construction: the query is at most ``MAX_QUERY_LENGTH`` characters (checked before any
work), the tokenizer consumes a character per step, every parser step takes a token, and leaves
(``MAX_LEAVES``) and nesting of parentheses and negations (``MAX_DEPTH``) are capped.

Modules: :mod:`searchapi.query_tokens` (text → tokens), this one (tokens → tree,
:mod:`searchapi.query_ast`), :mod:`searchapi.query_dsl` (tree → engine query).
"""

from __future__ import annotations

import re

from analyzers.normalise import normalise
from indexer.isbn import query_isbn, to_isbn13
from mucluc.core.errors import QueryError
from searchapi.query_ast import And, Isbn, Node, Not, Or, Phrase, Text, YearRange, bad
from searchapi.query_dsl import ALL_FIELDS, FIELDS, free_text, to_dsl
from searchapi.query_tokens import Token, field_name, tokenize

__all__ = [
    "ALL_FIELDS",
    "FIELDS",
    "MAX_QUERY_LENGTH",
    "And",
    "Isbn",
    "Node",
    "Not",
    "Or",
    "Phrase",
    "Text",
    "YearRange",
    "free_text",
    "parse",
    "to_dsl",
]

# Every name a field may be typed as (see searchapi.query_tokens.FIELD_NAMES), for the message
# that lists them.
KNOWN = (
    "title, author, subject, publisher, isbn, year — in Vietnamese, with or without diacritics, "
    "nhan đề (or tiêu đề), tác giả, chủ đề, nxb (or nhà xuất bản), năm"
)
MAX_QUERY_LENGTH = 500
MAX_LEAVES = 32
MAX_DEPTH = 8
_SURROGATE = re.compile(r"[\ud800-\udfff]")
YEAR = re.compile(r"^(\d{1,4})?(?:(\.\.)(\d{1,4})?)?$")


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
            if depth >= MAX_DEPTH:
                raise bad(f"Negations nest more than {MAX_DEPTH} deep; simplify the query.")
            return Not(self.parse_unary(field, depth + 1))
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
                raise bad(f"The quotes at character {token.position + 1} are empty.")
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
        name = field_name(token.text)
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

    Raises QueryError("query_too_long") past ``MAX_QUERY_LENGTH`` characters (before any other
    work), QueryError("bad_query") for text that is not valid Unicode (lone surrogates),
    unclosed quotes, unbalanced parentheses, unknown fields, dangling operators, bad years and
    ISBNs, and nesting or leaf counts over the caps.
    """
    if len(q) > MAX_QUERY_LENGTH:
        raise QueryError(
            "query_too_long", f"The query is longer than {MAX_QUERY_LENGTH} characters."
        )
    if _SURROGATE.search(q):
        raise bad("The query is not valid text (it holds a broken character); retype it.")
    text = q.strip()
    if not text or text == "*":  # browsing: everything, by the chosen sort
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
