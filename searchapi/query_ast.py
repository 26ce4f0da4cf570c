"""The reader's query as a tree: what the parser builds and the DSL builder reads.

Nodes are frozen dataclasses, so two parses of one query compare equal (the tests rely on it).
"""

from __future__ import annotations

from dataclasses import dataclass

from mucluc.core.errors import QueryError

__all__ = ["And", "Isbn", "Node", "Not", "Or", "Phrase", "Text", "YearRange", "bad"]


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


def bad(message: str) -> QueryError:
    """The one error of the query language; the HTTP layer answers it with 400 ``bad_query``."""
    return QueryError("bad_query", message)
