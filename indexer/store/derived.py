"""The one computation of a raw-store record's derived fields from its MARC.

Loading computes them for a new record; a reindex recomputes them for every stored record (so a
change in the mapping or the matching takes effect without harvesting again). Both call
:func:`derived`, so the two can never disagree.

``fields`` also carries ``work_key`` (:func:`indexer.works.record_work_key`): the work the
record's edition belongs to. It lives inside ``fields`` (stored, not indexed, on the raw store)
so stores made before works existed take it without a mapping change. ``work_alias`` (always
present, '' when none, so a re-map overwrites an old value) is the record's own-title key when
the record names the original it translates: what it teaches the catalogue-wide table of
translated titles (:mod:`indexer.work_aliases`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pymarc

from indexer.clusters import profile_cluster_key, profile_keys
from indexer.marc_document import record_fields
from indexer.profiles import profile
from indexer.store.types import Derived, Facts
from indexer.works import record_work_keys


def derived(record: pymarc.Record) -> Derived:
    """``fields``, ``cluster_key``, ``keys`` and ``facts`` of a record; raises what the mapping
    raises."""
    fields = record_fields(record)
    as_dict = fields.as_dict()
    matched = profile(fields)  # one profile for both keys (the costliest step of mapping)
    work_key, work_alias = record_work_keys(record, fields)
    return {
        "fields": {**as_dict, "work_key": work_key, "work_alias": work_alias},
        "cluster_key": profile_cluster_key(matched),
        "keys": profile_keys(matched),
        "facts": facts(as_dict),
    }


def facts(fields: Mapping[str, Any]) -> Facts:
    """What the statistics count of a record, indexed so they are counted by aggregations
    (``fields`` is stored, not indexed): its copies, and whether it has an ISBN, a subject and a
    call number."""
    try:
        copies = max(0, int(fields.get("copies", 1) if fields.get("copies") is not None else 1))
    except (TypeError, ValueError):
        copies = 1
    return {
        "copies": copies,
        "isbn": bool(fields.get("isbns")),
        "subject": bool(fields.get("subjects")),
        "call_number": bool(str(fields.get("call_number") or "").strip()),
    }
