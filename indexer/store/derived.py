"""The one computation of a raw-store record's derived fields from its MARC.

Loading computes them for a new record; a reindex recomputes them for every stored record (so a
change in the mapping or the matching takes effect without harvesting again). Both call
:func:`derived`, so the two can never disagree.
"""

from __future__ import annotations

import pymarc

from indexer.clusters import profile_cluster_key, profile_keys
from indexer.marc_document import record_fields
from indexer.profiles import profile
from indexer.store.types import Derived


def derived(record: pymarc.Record) -> Derived:
    """``fields``, ``cluster_key`` and ``keys`` of a record; raises what the mapping raises."""
    fields = record_fields(record)
    matched = profile(fields)  # one profile for both keys (the costliest step of mapping)
    return {
        "fields": fields.as_dict(),
        "cluster_key": profile_cluster_key(matched),
        "keys": profile_keys(matched),
    }
