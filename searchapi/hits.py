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


def hit(
    source: dict[str, Any], doc_id: str, highlight: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    display = source.get("display", {})
    return {
        "id": doc_id,
        "title": display.get("title", ""),
        "subtitle": display.get("subtitle", ""),
        # The volume or part ("T. 1"): without it, the volumes of a set look like one book.
        "part": display.get("part", ""),
        "authors": display.get("authors", []),
        "year": display.get("year"),
        "publisher": display.get("publisher", ""),
        "isbns": display.get("isbns", []),
        "subjects": display.get("subjects", []),
        "type": display.get("type", "book"),
        "languages": display.get("languages", []),
        "holdings": [
            {key: holding.get(key, "" if key == "record_url" else None) for key in HOLDING_KEYS}
            for holding in source.get("holdings", [])
        ],
        "highlight": highlight or {},
        # The work this edition belongs to; the counts are filled by searchapi.works.attach.
        "work": {
            "id": source.get("work", ""),
            "editions": 1,
            "libraries": len(source.get("holdings", [])),
        },
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
