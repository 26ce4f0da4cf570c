"""Union documents: one per book (cluster), merging every member record of every library.

Search fields are the union of the members' values, so a reader finds the book by any library's
spelling. Display fields come from one preferred record, chosen by completeness, then by library
priority (provincial first), then by record id for stability. Holdings list every library.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from analyzers.collation import sort_key as _collation_sort_key
from indexer.works import union_work
from mucluc.core.library import KIND_PRIORITY, Library

#: The collation key of a title or name: a cluster's union document is rebuilt whenever a member
#: comes or changes, with the same preferred title and author as before, so keys repeat.
sort_key = lru_cache(maxsize=8192)(_collation_sort_key)

COMPLETENESS_FIELDS = (
    "subtitle", "authors", "publisher", "place", "year", "edition", "pages", "isbns",
    "subjects", "languages", "summary", "series",
)  # fmt: skip


def completeness(fields: Mapping[str, Any]) -> int:
    return sum(1 for name in COMPLETENESS_FIELDS if fields.get(name))


def preferred(
    members: Sequence[Mapping[str, Any]], libraries: Mapping[str, Library]
) -> Mapping[str, Any]:
    """The member record whose fields are shown for the book."""

    def rank(member: Mapping[str, Any]) -> tuple[int, int, str]:
        library = libraries.get(member["library"])
        priority = KIND_PRIORITY.get(library.kind, 9) if library else 9
        return (
            -completeness(member["fields"]),
            priority,
            f"{member['library']}:{member['local_id']}",
        )

    return min(members, key=rank)


def _distinct(values: Sequence[Any]) -> list[Any]:
    seen: list[Any] = []
    for value in values:
        if value and value not in seen:
            seen.append(value)
    return seen


def now() -> str:
    """A union record's datestamp: UTC, to the second (OAI-PMH's granularity)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def same_content(new: Mapping[str, Any], old: Mapping[str, Any] | None) -> bool:
    """Whether two union documents differ only in ``updated_at``.

    A rebuild that changes nothing must not move the datestamp (OAI harvesters would fetch every
    record again); a holding added or removed, or any field, does. Compared as JSON, since the
    stored one has been through the engine.
    """
    if old is None:
        return False

    def content(doc: Mapping[str, Any]) -> str:
        return json.dumps({k: v for k, v in doc.items() if k != "updated_at"}, sort_keys=True,
                          ensure_ascii=False)

    return content(new) == content(old)


def union_document(
    cluster: str, members: Sequence[Mapping[str, Any]], libraries: Mapping[str, Library]
) -> dict[str, Any]:
    """The union document of one cluster from its member record documents (raw store shape)."""
    best = preferred(members, libraries)
    shown = best["fields"]
    ordered = sorted(
        members,
        key=lambda m: (
            KIND_PRIORITY.get(libraries[m["library"]].kind, 9) if m["library"] in libraries else 9,
            m["library"],
            m["local_id"],
        ),
    )
    holdings = []
    for member in ordered:
        library = libraries.get(member["library"])
        fields = member["fields"]
        holdings.append(
            {
                "library": member["library"],
                "library_name": library.name if library else member["library"],
                "library_kind": library.kind if library else "",
                "record_id": member["local_id"],
                "record_url": library.record_link(member["local_id"]) if library else "",
                "call_number": fields.get("call_number", ""),
                "copies": fields.get("copies", 1),
                "location": fields.get("location", ""),
            }
        )
    every = [m["fields"] for m in members]
    display_title = shown["title"]
    return {
        "id": cluster,
        "title": _distinct([f["title"] for f in every]),
        "subtitle": _distinct([f.get("subtitle", "") for f in every]),
        # Searchable by every name (a reader looks for the translator too); shown: authors only.
        "authors": _distinct(
            [a for f in every for a in f.get("authors", [])]
            + [c["name"] for f in every for c in f.get("contributors", [])]
        ),
        "publisher": _distinct([f.get("publisher", "") for f in every]),
        "subjects": _distinct([s for f in every for s in f.get("subjects", [])]),
        "series": _distinct([s for f in every for s in f.get("series", [])]),
        "summary": _distinct([f.get("summary", "") for f in every])[:1],
        "isbns": _distinct([i for f in every for i in f.get("isbns", [])]),
        "other_ids": _distinct([i for f in every for i in f.get("other_ids", [])]),
        "year": shown.get("year"),
        "type": shown.get("type", "book"),
        "languages": _distinct([lang for f in every for lang in f.get("languages", [])]),
        "libraries": _distinct([h["library"] for h in holdings]),
        "library_kinds": _distinct([h["library_kind"] for h in holdings]),
        "subject_facet": _distinct(
            [s.split(" -- ")[0] for f in every for s in f.get("subjects", [])]
        ),
        "author_facet": _distinct([a for a in shown.get("authors", [])]),
        "title_sort": sort_key(shown.get("filing_title") or display_title),
        "author_sort": sort_key(shown["authors"][0]) if shown.get("authors") else "",
        # The work its edition belongs to (indexer.works): search groups and counts by it.
        "work": union_work(cluster, members),
        "members": [f"{m['library']}:{m['local_id']}" for m in ordered],
        "member_count": len(members),
        "holding_count": sum(int(h["copies"] or 0) for h in holdings),
        "updated_at": now(),
        "display": {
            "title": display_title,
            "subtitle": shown.get("subtitle", ""),
            "part": shown.get("part", ""),
            "authors": shown.get("authors", []),
            "contributors": shown.get("contributors", []),
            "publisher": shown.get("publisher", ""),
            "place": shown.get("place", ""),
            "year": shown.get("year"),
            "edition": shown.get("edition", ""),
            "pages": shown.get("pages"),
            "isbns": _distinct([i for f in every for i in f.get("isbns", [])]),
            "subjects": _distinct([s for f in every for s in f.get("subjects", [])]),
            "type": shown.get("type", "book"),
            "languages": _distinct([lang for f in every for lang in f.get("languages", [])]),
            "series": shown.get("series", []),
            "summary": shown.get("summary", ""),
            "preferred": f"{best['library']}:{best['local_id']}",
        },
        "holdings": holdings,
    }
