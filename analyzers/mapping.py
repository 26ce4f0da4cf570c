"""Longest-match string rewriting with the semantics of Lucene's `mapping` char filter.

The engine applies our tables with its `mapping` char filter; Python applies the very same tables
with `Mapping`, so both sides produce the same text: at each position the longest key wins, the
output is not scanned again, and unmatched characters are copied.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping as MappingABC


class Mapping:
    """An immutable rewrite table; call it on a string."""

    __slots__ = ("_firsts", "_longest", "_rules", "_singles", "_tails")

    def __init__(self, rules: MappingABC[str, str] | Iterable[tuple[str, str]]) -> None:
        table = dict(rules.items() if isinstance(rules, MappingABC) else rules)
        if "" in table:
            raise ValueError("a mapping key must not be empty")
        self._rules = table
        self._longest = max((len(k) for k in table), default=0)
        self._firsts = frozenset(k[0] for k in table)
        # Characters that occur after the first of some key: text holding none of them can
        # only match one-character keys, and one-character rules at every position are what
        # str.translate does (in C).
        self._tails = frozenset(c for k in table for c in k[1:])
        self._singles = {ord(k): v for k, v in table.items() if len(k) == 1}

    @property
    def rules(self) -> dict[str, str]:
        """A copy of the rules, key → replacement."""
        return dict(self._rules)

    def __call__(self, text: str) -> str:
        firsts = self._firsts
        if firsts.isdisjoint(text):  # the common case, decided in C
            return text
        if self._tails.isdisjoint(text):  # only one-character keys can match
            return text.translate(self._singles)
        rules, longest = self._rules, self._longest
        out: list[str] = []
        i, n = 0, len(text)
        while i < n:
            if text[i] not in firsts:
                out.append(text[i])
                i += 1
                continue
            for size in range(min(longest, n - i), 0, -1):
                replacement = rules.get(text[i : i + size])
                if replacement is not None:
                    out.append(replacement)
                    i += size
                    break
            else:
                out.append(text[i])
                i += 1
        return "".join(out)

    def engine_rules(self) -> list[str]:
        """The rules in the syntax of the engine's `mapping` char filter (every char escaped)."""
        return [f"{_escape(k)}=>{_escape(v)}" for k, v in sorted(self._rules.items())]


def _escape(text: str) -> str:
    return "".join(f"\\u{ord(c):04X}" for c in text)
