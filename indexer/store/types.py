"""The shapes of the documents the store holds, as typed dictionaries.

They are the engine's JSON, so they stay dictionaries (no conversion on every read), but every
module that builds or reads one names its keys through these types.
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict


class Health(TypedDict):
    """What :meth:`Store.health` reports: the cluster's status and the catalogue index's."""

    cluster: str
    catalogue: str  # green, yellow, red, or missing (nothing loaded yet)


class Facts(TypedDict):
    """What the statistics count of a record (see :func:`indexer.store.derived.facts`)."""

    copies: int
    isbn: bool
    subject: bool
    call_number: bool


class Derived(TypedDict):
    """What is computed from a record's MARC (see :func:`indexer.store.derived.derived`)."""

    fields: dict[str, Any]  # indexer.marc_document.RecordFields as a dict
    cluster_key: str  # readable title|author|year key, for people
    keys: list[str]  # candidate keys under which possible duplicates are looked up
    facts: Facts  # indexed: the statistics aggregate them


class Repair(TypedDict):
    field: str
    before: str
    after: str
    kind: str


class SourceDocument(TypedDict):
    """A raw-store document: one library's record as received, plus what was derived from it.

    Its id is ``<library>:<local_id>``.
    """

    library: str
    source: str
    local_id: str
    checksum: str
    harvested_at: str
    first_seen: NotRequired[str]
    status: str
    cluster: str
    cluster_key: str
    keys: list[str]
    facts: NotRequired[Facts]
    marc: dict[str, Any]  # MARC-in-JSON as received
    fields: dict[str, Any]
    repairs: list[Repair]
    source_id: NotRequired[str]
    raw_hash: NotRequired[str]  # the hash of the bytes received (harvesters.unchanged)
    harvested: NotRequired[str | None]  # what a re-harvest compares (indexer.harvest_state)


class Member(TypedDict):
    """The part of a raw-store document a union document is built from (``MEMBER_FIELDS``)."""

    library: str
    local_id: str
    fields: dict[str, Any]
    cluster: str


MEMBER_FIELDS = ["library", "local_id", "fields", "cluster"]


class Holding(TypedDict):
    """One library's holding of a book, as listed on its union document."""

    library: str
    library_name: str
    library_kind: str
    record_id: str  # the library's own identifier (MARC 001 when present)
    record_url: str  # the record in the library's own catalogue ("" when not configured)
    call_number: str
    copies: int
    location: str


class UnionDocument(TypedDict):
    """One book (cluster): search fields merged over every member, display from one of them."""

    id: str  # the union id (= the document's _id), sortable: OAI-PMH lists by (updated_at, id)

    title: list[str]
    subtitle: list[str]
    authors: list[str]
    publisher: list[str]
    subjects: list[str]
    series: list[str]
    summary: list[str]
    isbns: list[str]
    other_ids: list[str]
    year: int | None
    type: str
    languages: list[str]
    libraries: list[str]
    library_kinds: list[str]
    subject_facet: list[str]
    author_facet: list[str]
    title_sort: str
    author_sort: str
    work: str  # the work id (indexer.works), shared by the editions of one work
    members: list[str]
    member_count: int
    holding_count: int
    updated_at: str
    display: dict[str, Any]
    holdings: list[Holding]


class Tombstone(TypedDict):
    """A union record that disappeared; its id is the old union id (see ``indexer.tombstones``)."""

    id: str
    deleted_at: str
    updated_at: str  # the OAI datestamp: equal to deleted_at
    merged_into: str  # the surviving union id when its members moved to another cluster, or ""
    libraries: list[str]
    library_kinds: list[str]
