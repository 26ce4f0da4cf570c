"""The reader's query as tokens: words, phrases, fields, parentheses and operators.

Every step of :func:`tokenize` consumes at least one character, so it ends on every input in
time linear in its length (issue #12: a stray closing quote once made a branch consume nothing
and the loop appended empty tokens forever).

Quotation marks. An opening mark (``"`` ``“`` ``„`` ``«`` ``‹`` ``「`` ``『``) starts a phrase
that ends at the first of its closing marks; one never closed is a 400 that says so. A mark that
only closes (``”`` ``»`` ``›`` ``」`` ``』``) with no opening one, as in a title pasted from a web
page ("… Chính Mình” Phiên Bản Mini"), is punctuation: it separates words and is otherwise
ignored. Apostrophes and single quotes (``'`` ``‘`` ``’``) are plain text ("O'Brien").

Field names. A name is letters followed by a colon and, right after it, the value
(``title:kieu``; ``Truyện Kiều : …`` with a space after the colon is ISBD punctuation). Every
name in ``FIELD_NAMES`` is recognised with or without diacritics, in any case, and the
Vietnamese ones of two or three words too (``tác giả:``, ``nhan đề:``, ``nhà xuất bản:``); an
ASCII word that is not a name still makes a FIELD token (the parser answers it with the list of
valid names), but words with diacritics or several words are a field only when they name one
("Kiều:" stays text).

Exclusions. A minus directly before a term excludes it (`kieu -thieu nhi`), except a dash inside
a pasted title: after text and before a capital letter (`One Piece -Tập 101`) or between two
numbers (`5 -6 tuổi`); the dash is then punctuation, and the words are searched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analyzers.fold import fold
from searchapi.query_ast import bad

__all__ = ["CLOSERS", "FIELD_NAMES", "QUOTES", "Token", "field_name", "tokenize"]

# A field name as typed (folded, lower case, spaces gone) → the field. English short forms and
# the Vietnamese names readers and librarians use, as on a catalogue card.
FIELD_NAMES: dict[str, str] = {
    "title": "title", "ti": "title", "nhande": "title", "tieude": "title", "tensach": "title",
    "ten": "title",
    "author": "author", "au": "author", "tacgia": "author",
    "subject": "subject", "su": "subject", "chude": "subject",
    "publisher": "publisher", "pb": "publisher", "nxb": "publisher", "nhaxuatban": "publisher",
    "isbn": "isbn",
    "year": "year", "nam": "year", "namxuatban": "year", "namxb": "year",
}  # fmt: skip

# Opening mark → the marks that close it (conventions differ: „…“ in German, „…” in Polish and
# in text pasted from word processors, «…» in French and Vietnamese typography).
QUOTES: dict[str, str] = {
    '"': '"',
    "“": '”"',
    "„": '“”"',
    "«": "»",
    "‹": "›",
    "「": "」",
    "『": "』",
}
# Marks that only ever close: alone, they are punctuation between words.
CLOSERS = frozenset("”»›」』")
STOPS = frozenset("()") | frozenset(QUOTES) | CLOSERS
_VALUE_FOLLOWS = r":(?=[^\s”»›」』])"
FIELD = re.compile(r"([^\W\d]{1,32})" + _VALUE_FOLLOWS)
# Names of two and three words ("tác giả", "nhà xuất bản"), tried longest first.
FIELD_WORDS = [
    re.compile(rf"([^\W\d_]{{1,16}}(?: [^\W\d_]{{1,16}}){{{n}}})" + _VALUE_FOLLOWS) for n in (2, 1)
]
OPERATORS = {"AND": "AND", "&&": "AND", "OR": "OR", "||": "OR", "NOT": "NOT"}


@dataclass(frozen=True)
class Token:
    kind: str  # WORD PHRASE FIELD LPAREN RPAREN AND OR NOT MINUS
    text: str
    position: int


def tokenize(q: str) -> list[Token]:
    """The tokens of ``q``; raises QueryError("bad_query") for a quote that is never closed."""
    tokens: list[Token] = []
    i = 0
    while i < len(q):
        start = i
        char = q[i]
        if char.isspace() or char in CLOSERS:
            i += 1
        elif char in "()":
            tokens.append(Token("LPAREN" if char == "(" else "RPAREN", char, i))
            i += 1
        elif char in QUOTES:
            close = _closing(q, i + 1, QUOTES[char])
            if close < 0:
                raise bad(
                    f"The quote at character {i + 1} is never closed: add a closing "
                    f"{QUOTES[char][0]} or remove it."
                )
            tokens.append(Token("PHRASE", q[i + 1 : close], i))
            i = close + 1
        elif char == "-" and i + 1 < len(q) and _starts_term(q[i + 1]):
            if not _is_dash(tokens, q[i + 1]):
                tokens.append(Token("MINUS", "-", i))
            i += 1
        elif field := _field(q, i):
            tokens.append(Token("FIELD", field.group(1), i))
            i = field.end()
        else:
            end = i + 1  # the first character is not a stop (every stop has a branch above)
            while end < len(q) and not q[end].isspace() and q[end] not in STOPS:
                end += 1
            word = q[i:end]
            tokens.append(Token(OPERATORS.get(word, "WORD"), word, i))
            i = end
        assert i > start, "the tokenizer must consume a character on every step"
    return tokens


def field_name(typed: str) -> str | None:
    """The field a typed name means (``Tác giả`` → author), or None for an unknown name."""
    return FIELD_NAMES.get("".join(fold(typed).lower().split()))


def _field(q: str, i: int) -> re.Match[str] | None:
    """A field name with its colon at ``i`` (see the module docstring), or None."""
    for pattern in FIELD_WORDS:
        match = pattern.match(q, i)
        if match and field_name(match.group(1)):
            return match
    match = FIELD.match(q, i)
    if match and (match.group(1).isascii() or field_name(match.group(1))):
        return match
    return None


def _starts_term(char: str) -> bool:
    """A minus directly before a word, phrase or group negates it ("-thiếu", '-"tái bản"'),
    unless it is a dash inside a pasted title (`_is_dash`)."""
    return not char.isspace() and char not in "-)" and char not in CLOSERS


def _is_dash(tokens: list[Token], following: str) -> bool:
    """A minus right after text and before a capital letter (`One Piece -Tập 101`, `Cánh Cửa Mở
    Rộng -Thần Thoại`), or between two numbers (`5 -6 tuổi`), is a dash inside a pasted title,
    not an exclusion: leaving out `Tập` would drop the very book pasted. Readers type
    exclusions in lower case (`kieu -thieu nhi`); a capitalised one is excluded with `NOT`, or
    at the start of the query or of a group (`-Tập`, `(-Tập)`)."""
    if not tokens or tokens[-1].kind not in ("WORD", "PHRASE", "RPAREN"):
        return False
    if following.isupper():
        return True
    return following.isdigit() and tokens[-1].kind == "WORD" and tokens[-1].text.isdigit()


def _closing(q: str, start: int, closers: str) -> int:
    found = [at for at in (q.find(mark, start) for mark in closers) if at >= 0]
    return min(found) if found else -1
