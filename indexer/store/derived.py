"""The one computation of a raw-store record's derived fields from its MARC.

Loading computes them for a new record; a reindex recomputes them for every stored record (so a
change in the mapping or the matching takes effect without harvesting again). Both call
:func:`derived`, so the two can never disagree.

``fields`` also carries ``work_key`` (:func:`indexer.works.record_work_key`): the work the
record's edition belongs to. It lives inside ``fields`` (stored, not indexed, on the raw store)
so stores made before works existed take it without a mapping change.
"""

from __future__ import annotations

import pymarc

from indexer.clusters import candidate_keys, cluster_key
from indexer.marc_document import record_fields
from indexer.store.types import Derived
from indexer.works import record_work_key


def derived(record: pymarc.Record) -> Derived:
    """``fields``, ``cluster_key`` and ``keys`` of a record; raises what the mapping raises."""
    fields = record_fields(record)
    return {
        "fields": {**fields.as_dict(), "work_key": record_work_key(record, fields)},
        "cluster_key": cluster_key(fields),
        "keys": candidate_keys(fields),
    }
