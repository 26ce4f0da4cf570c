"""Answers worked out from the catalogue, kept while the catalogue is unchanged.

A did-you-mean suggestion costs up to two more engine requests (the catalogue's spelling of
the corrected words, then a count). For the same query and filters on the same catalogue it is
the same, so it is kept under the catalogue's fingerprint (:class:`searchapi.works.WorkCounts`
checks it at most once a minute): a load changes the fingerprint and every kept answer is
worked out again. Bounded (least recently used go first), per worker.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from aiohttp import web

KEPT = 4096  # answers kept per worker


class Unchanged:
    """key → (the catalogue's fingerprint when worked out, value); at most ``size`` kept."""

    def __init__(self, size: int = KEPT) -> None:
        self.size = size
        self._kept: OrderedDict[Hashable, tuple[Any, Any]] = OrderedDict()

    def get(self, key: Hashable, fingerprint: Any) -> tuple[bool, Any]:
        """(True, value) when ``key`` was worked out under ``fingerprint``, else (False, None).
        A None fingerprint (not known) never matches."""
        found = self._kept.get(key)
        if fingerprint is None or found is None or found[0] != fingerprint:
            return False, None
        self._kept.move_to_end(key)
        return True, found[1]

    def put(self, key: Hashable, fingerprint: Any, value: Any) -> None:
        if fingerprint is None:
            return
        self._kept[key] = (fingerprint, value)
        self._kept.move_to_end(key)
        while len(self._kept) > self.size:
            self._kept.popitem(last=False)


SUGGESTIONS: web.AppKey[Unchanged] = web.AppKey("suggestions", Unchanged)
