"""The catalogue store: the only package (with the managed node) that talks to the engine.

- :class:`Store` (``catalogue``): typed reads and writes of one catalogue, opened with
  ``async with Store.open() as store``;
- ``names``: aliases and versioned index names; ``indices``: create, swap, drop;
- ``paginate``: the one paginator (point in time + ``search_after``, no cap);
- ``errors``: the one translation of engine errors into EngineError;
- ``types``: the documents' shapes; ``derived``: a record's derived fields from its MARC;
- ``recovery``: the harvest's crash-recovery markers.
"""

from indexer.store.catalogue import Store
from indexer.store.client import engine_url, index_prefix, node_directory
from indexer.store.errors import QueryTooComplex
from indexer.store.names import Kind, alias

__all__ = [
    "Kind",
    "QueryTooComplex",
    "Store",
    "alias",
    "engine_url",
    "index_prefix",
    "node_directory",
]
