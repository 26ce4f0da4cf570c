"""A contributing library: its code, name and kind, as declared in ``mucluc.toml``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

KINDS = ("provincial", "district", "school")
KIND_PRIORITY = {kind: rank for rank, kind in enumerate(KINDS)}


@dataclass(frozen=True)
class Library:
    code: str
    name: str
    kind: str
    parent: str = ""
    sources: tuple[dict[str, Any], ...] = ()
    #: The library's own catalogue page of one record, with ``{record_id}`` where the record
    #: number goes (e.g. Koha's ``…/opac-detail.pl?biblionumber={record_id}``); "" when none.
    record_url: str = ""

    def record_link(self, record_id: str) -> str:
        """The link to ``record_id`` in the library's own catalogue, or "" when not configured."""
        if not self.record_url or not record_id:
            return ""
        return self.record_url.replace("{record_id}", quote(record_id, safe=""))

    @property
    def priority(self) -> int:
        """Lower is preferred when choosing the record shown for a book (provincial first)."""
        return KIND_PRIORITY[self.kind]
