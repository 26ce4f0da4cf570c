"""Simple Dublin Core of a book, from its union document's display fields.

One mapping for every place the catalogue gives out Dublin Core (OAI-PMH ``oai_dc``, SRU ``dc``),
so the two protocols describe a book alike; each wraps the elements in its own root element.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def elements(display: Mapping[str, Any], doc_id: str) -> list[tuple[str, str]]:
    """``(element, value)`` pairs in Dublin Core order; empty values are left out."""
    title = display.get("title", "")
    if display.get("subtitle"):
        title = f"{title} : {display['subtitle']}"
    values: list[tuple[str, Any]] = [("title", title)]
    values += [("creator", author) for author in display.get("authors", [])]
    values += [("subject", subject) for subject in display.get("subjects", [])]
    values += [("description", display.get("summary"))]
    values += [("publisher", display.get("publisher"))]
    values += [("date", display.get("year"))]
    values += [("type", display.get("type"))]
    values += [("identifier", f"urn:isbn:{isbn}") for isbn in display.get("isbns", [])]
    values += [("identifier", doc_id)]
    values += [("language", language) for language in display.get("languages", [])]
    return [(name, str(value)) for name, value in values if value not in (None, "", [])]
