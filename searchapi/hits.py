"""Union documents → the API's HIT shape (see DESIGN: HTTP API v1)."""

from __future__ import annotations

from typing import Any

HOLDING_KEYS = (
    "library", "library_name", "record_id", "record_url", "call_number", "copies",
)  # fmt: skip
DISPLAY_KEYS = (
    "title", "subtitle", "part", "authors", "year", "publisher", "isbns", "subjects", "type",
    "languages",
)  # fmt: skip
#: The parts of a union document a HIT is made of: a search asks the engine for these only
#: (``_source`` includes), not the record's whole display (contributors, summary, series…),
#: so the engine writes, and the API reads, only what the answer shows.
HIT_SOURCE = (
    *(f"display.{key}" for key in DISPLAY_KEYS), *(f"holdings.{key}" for key in HOLDING_KEYS),
    "work",
)  # fmt: skip


#: A holding's fields in a HIT, each with its value when the document has none.
HOLDING_DEFAULTS: dict[str, Any] = {
    key: "" if key == "record_url" else None for key in HOLDING_KEYS
}


def holding_of(holding: dict[str, Any]) -> dict[str, Any]:
    """A holding as a HIT shows it: ``HOLDING_KEYS`` in that order, defaults for the missing."""
    shown = {**HOLDING_DEFAULTS, **holding}  # one C-level merge: a search asks for these only
    if len(shown) == len(HOLDING_DEFAULTS):
        return shown
    return {key: shown[key] for key in HOLDING_KEYS}  # a whole document's other fields


def hit(
    source: dict[str, Any], doc_id: str, highlight: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    display = source.get("display", {})
    shown = display.get
    holdings = source.get("holdings", [])
    return {
        "id": doc_id,
        "title": shown("title", ""),
        "subtitle": shown("subtitle", ""),
        # The volume or part ("T. 1"): without it, the volumes of a set look like one book.
        "part": shown("part", ""),
        "authors": shown("authors", []),
        "year": shown("year"),
        "publisher": shown("publisher", ""),
        "isbns": shown("isbns", []),
        "subjects": shown("subjects", []),
        "type": shown("type", "book"),
        "languages": shown("languages", []),
        "holdings": [holding_of(holding) for holding in holdings],
        "highlight": highlight or {},
        # The work this edition belongs to; the counts are filled by searchapi.works.attach.
        "work": {"id": source.get("work", ""), "editions": 1, "libraries": len(holdings)},
    }


def record(source: dict[str, Any], doc_id: str, members: list[dict[str, Any]]) -> dict[str, Any]:
    """The full record of one book: its hit, extra display fields, and every member record."""
    display = source.get("display", {})
    body = hit(source, doc_id)
    body.update(
        {
            "contributors": display.get("contributors", []),
            "edition": display.get("edition", ""),
            "place": display.get("place", ""),
            "pages": display.get("pages"),
            "series": display.get("series", []),
            "summary": display.get("summary", ""),
            "holdings": [
                {"record_url": "", **holding} for holding in source.get("holdings", [])
            ],
            "members": members,
        }
    )
    return body
