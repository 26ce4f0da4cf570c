"""Index and alias names of one catalogue.

Readers and writers only ever name the aliases ``<prefix>-union``, ``<prefix>-records`` and
``<prefix>-tombstones`` (the union records that disappeared, served by OAI-PMH as deleted). The
concrete indices carry a version stamp (``<prefix>-union-20261126t012345678``) so a rebuild can
fill a new index and swap the alias atomically while searches keep answering.
"""

from __future__ import annotations

import time
from typing import Literal

Kind = Literal[
    "union", "records", "tombstones", "access", "jobs", "audit", "stats", "leases", "translations",
]
#: ``access`` (key hashes, the session secret, used form tokens), ``jobs`` (uploads and their
#: reports) and ``audit`` (who did what) hold the librarians' console: see indexer/accounts.py.
#: ``stats``: daily search counters (indexer.statistics); ``leases``: one run per harvest source
#: at a time, and each source's last and next scheduled run (indexer.scheduler);
#: ``translations``: translated titles → the original's work (indexer.work_aliases).
KINDS: tuple[Kind, ...] = (
    "union", "records", "tombstones", "access", "jobs", "audit", "stats", "leases", "translations",
)


def alias(prefix: str, kind: Kind) -> str:
    """The alias every reader and writer of ``kind`` names."""
    return f"{prefix}-{kind}"


def versioned_name(prefix: str, kind: Kind) -> str:
    """A new concrete index name for ``kind`` (millisecond stamp: later names sort last)."""
    stamp = time.strftime("%Y%m%dt%H%M%S", time.gmtime())
    return f"{prefix}-{kind}-{stamp}{int(time.time() * 1000) % 1000:03d}"


def every_index(prefix: str) -> str:
    """A pattern naming every concrete index of the catalogue ``prefix``."""
    return ",".join(f"{prefix}-{kind}-*" for kind in KINDS)


def target(prefix: str, name: str) -> str:
    """``name`` as the engine knows it: a kind becomes its alias, a concrete index stays."""
    return alias(prefix, name) if name in KINDS else name  # type: ignore[arg-type]


def record_id(library: str, local_id: str) -> str:
    """The raw-store id of one library's record: ``<library>:<local_id>``."""
    return f"{library}:{local_id}"
