"""Index settings and mappings, built from the analyzers' generated analysis (one source of truth).

Two indices, each a versioned concrete index behind an alias:

* ``<prefix>-records``: the raw store, one document per source record as received
  (MARC-in-JSON), with library, source, local id, checksum, harvest time, status and cluster.
* ``<prefix>-union``: one document per book (cluster), with merged search fields, the display
  fields of the preferred record, and every library's holdings.
* ``<prefix>-tombstones``: one document per union record that disappeared (its last holding
  removed, or its members merged into another cluster), id = the old union id, so OAI-PMH serves
  it as deleted for as long as the repository promises (``deletedRecord=persistent``). A union
  record re-created under the same id removes its tombstone.
"""

from __future__ import annotations

from typing import Any

from analyzers.analysis import analysis_settings, text_field
from mucluc.core import settings

KEYWORD = {"type": "keyword"}
KEYWORD_SORT = {"type": "keyword", "ignore_above": 2048}
INTEGER = {"type": "integer"}
DATE = {"type": "date"}
STORED_ONLY = {"type": "object", "enabled": False}
#: Read by id only (``mget``), never searched: the hash of a record's bytes as received.
RAW_HASH = {"type": "keyword", "index": False, "doc_values": False}
BOOLEAN = {"type": "boolean"}
#: What a re-harvest compares, stored apart from ``_source`` (see :mod:`indexer.harvest_state`).
HARVEST_STATE = {"type": "keyword", "index": False, "doc_values": False, "store": True}
#: A record's counted facts (indexer.store.derived.facts), aggregated by indexer.statistics.
FACTS = {"properties": {"copies": {"type": "integer"}, "isbn": BOOLEAN, "subject": BOOLEAN,
                        "call_number": BOOLEAN}}

#: How soon readers see what was written (the engine refreshes on its own this often).
REFRESH_INTERVAL = "1s"
#: The raw store's and union index's refresh interval while a load writes them: the load
#: refreshes what its own lookups need itself and the union index at its end; each periodic
#: refresh in between would only cut another small segment (to merge later) out of the batches
#: being written. Readers see a load's union documents at most this late (also if the load is
#: killed: the next load sets REFRESH_INTERVAL back when it ends).
LOAD_REFRESH_INTERVAL = "30s"

INDEX_SETTINGS_BASE: dict[str, Any] = {
    "number_of_shards": 1,
    "refresh_interval": REFRESH_INTERVAL,
    "max_result_window": 10_000,
}


def replica_settings() -> dict[str, Any]:
    """Replicas follow the data nodes (0 on one node, 1 on two or more: the engine re-decides
    when nodes join or leave); ``MUCLUC_REPLICAS`` fixes the number instead."""
    fixed = settings.replicas()
    if fixed is None:
        return {"auto_expand_replicas": "0-1"}
    return {"number_of_replicas": fixed, "auto_expand_replicas": "false"}


def index_settings() -> dict[str, Any]:
    """The ``index`` settings every index of the catalogue is created with."""
    return {**INDEX_SETTINGS_BASE, **replica_settings()}


def union_body() -> dict[str, Any]:
    """Settings and mappings of a union index (one document per book)."""
    return {
        "settings": {"index": index_settings(), "analysis": analysis_settings()},
        "mappings": {
            "dynamic": "strict",
            "properties": {
                "id": KEYWORD,  # the union id again: _id cannot be sorted on cheaply (OAI-PMH)
                "title": text_field(autocomplete=True),
                "subtitle": text_field(),
                "authors": text_field(autocomplete=True),
                "publisher": text_field(),
                "subjects": text_field(),
                "series": text_field(),
                "summary": text_field(),
                "isbns": KEYWORD,
                "other_ids": KEYWORD,
                "year": INTEGER,
                "type": KEYWORD,
                "languages": KEYWORD,
                "libraries": KEYWORD,
                "library_kinds": KEYWORD,
                "subject_facet": KEYWORD,
                "author_facet": KEYWORD,
                "title_sort": KEYWORD_SORT,
                "author_sort": KEYWORD_SORT,
                "work": KEYWORD,  # indexer.works: editions of one work share it
                "members": KEYWORD,
                "member_count": INTEGER,
                "holding_count": INTEGER,
                "updated_at": DATE,
                "display": STORED_ONLY,
                "holdings": STORED_ONLY,
            },
        },
    }


def records_body() -> dict[str, Any]:
    """Settings and mappings of the raw store (one document per source record)."""
    return {
        "settings": {"index": index_settings()},
        "mappings": {
            "dynamic": "strict",
            "properties": {
                "library": KEYWORD,
                "source": KEYWORD,
                "local_id": KEYWORD,
                "checksum": KEYWORD,
                "raw_hash": RAW_HASH,
                "source_id": KEYWORD,
                "harvested_at": DATE,
                "first_seen": DATE,
                "status": KEYWORD,
                "cluster": KEYWORD,
                "cluster_key": KEYWORD_SORT,
                "keys": KEYWORD,
                "facts": FACTS,
                "marc": STORED_ONLY,
                "fields": STORED_ONLY,
                "repairs": STORED_ONLY,
                "harvested": HARVEST_STATE,
            },
        },
    }


#: Raw-store fields added after the first stores were made: put into older mappings before use.
RECORDS_ADDED_FIELDS: dict[str, Any] = {
    "keys": KEYWORD, "source_id": KEYWORD, "first_seen": DATE, "facts": FACTS,
}


def tombstones_body() -> dict[str, Any]:
    """Settings and mappings of the tombstones of disappeared union records.

    ``updated_at`` is the OAI datestamp (= ``deleted_at``), named like the union documents' so one
    range query and one sort cover both indices; ``libraries`` and ``library_kinds`` are the
    holdings it had, for the OAI sets.
    """
    return {
        "settings": {"index": index_settings()},
        "mappings": {
            "dynamic": "strict",
            "properties": {
                "id": KEYWORD,
                "deleted_at": DATE,
                "updated_at": DATE,
                "merged_into": KEYWORD,
                "libraries": KEYWORD,
                "library_kinds": KEYWORD,
            },
        },
    }


LONG = {"type": "long"}
UNINDEXED_TEXT = {"type": "keyword", "index": False, "doc_values": False}


def stats_body() -> dict[str, Any]:
    """Daily search counters, aggregated in each API worker and added here (no reader data).

    One document per (``day``, ``metric``, ``key``, ``site``): ``metric`` is ``searches`` (key
    ""), ``query``, ``zero`` (a query that found nothing), ``title`` (the book a search led to
    first, key = its union id, ``label`` its title) or ``subject`` (a subject filter chosen);
    ``site`` is the widget's ``library`` parameter ("" for none); ``count`` only ever grows.
    """
    return {
        "settings": {"index": dict(INDEX_SETTINGS_BASE)},
        "mappings": {
            "dynamic": "strict",
            "properties": {
                "day": DATE,
                "metric": KEYWORD,
                "key": KEYWORD_SORT,
                "label": UNINDEXED_TEXT,
                "site": KEYWORD,
                "count": LONG,
            },
        },
    }


def leases_body() -> dict[str, Any]:
    """One document per harvest source: who runs it until when (a lease taken with
    ``op_type=create`` or a conditional write), and its last and next scheduled run."""
    return {
        "settings": {"index": dict(INDEX_SETTINGS_BASE)},
        "mappings": {
            "dynamic": "strict",
            "properties": {
                "source": KEYWORD,
                "library": KEYWORD,
                "holder": KEYWORD,
                "expires": DATE,
                "state": KEYWORD,
                "attempt": INTEGER,
                "last_started": DATE,
                "last_finished": DATE,
                "last_status": KEYWORD,
                "last_error": UNINDEXED_TEXT,
                "next_run": DATE,
                "requested": DATE,
            },
        },
    }


def translations_body() -> dict[str, Any]:
    """One document per record that teaches a translated title (indexer.work_aliases, id: the
    record's id): the translated title's work id and the original's."""
    return {
        "settings": {"index": dict(INDEX_SETTINGS_BASE)},
        "mappings": {
            "dynamic": "strict",
            "properties": {
                "translated": KEYWORD,
                "work": KEYWORD,
            },
        },
    }
