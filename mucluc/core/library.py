"""A contributing library: its code, name and kind, as declared in ``mucluc.toml``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

KINDS = ("provincial", "district", "school")
KIND_PRIORITY = {kind: rank for rank, kind in enumerate(KINDS)}


@dataclass(frozen=True)
class Library:
    code: str
    name: str
    kind: str
    parent: str = ""
    sources: tuple[dict[str, Any], ...] = ()

    @property
    def priority(self) -> int:
        """Lower is preferred when choosing the record shown for a book (provincial first)."""
        return KIND_PRIORITY[self.kind]
