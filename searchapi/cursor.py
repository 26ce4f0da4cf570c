"""Opaque cursors for reading past the paging cap: ``search_after`` values, wrapped.

A cursor is base64url JSON ``{"a": search_after, "p": page, "f": fingerprint}``. The fingerprint
is a hash of the query, filters, sort and size, so a cursor replayed with another query is
refused (``QueryError("bad_cursor")``, a 400 over HTTP) instead of silently returning a
different result list. Cursors are not secrets: a client that forges one can only ask for a page
of public results, and what it may hold is checked (length, types, 64-bit numbers, no NaN).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
from collections.abc import Mapping
from typing import Any

from mucluc.core.errors import QueryError


def fingerprint(parts: Mapping[str, Any]) -> str:
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha1(blob).hexdigest()[:16]


def encode(after: list[Any], page: int, print_: str) -> str:
    # UTF-8, not \u escapes: a sort key in another script stays a third of the size
    blob = json.dumps({"a": after, "p": page, "f": print_}, separators=(",", ":"),
                      ensure_ascii=False)
    return base64.urlsafe_b64encode(blob.encode("utf-8")).decode("ascii").rstrip("=")


# Room for every cursor `encode` makes of real sort values (filing keys are cut at 200
# characters of text) and for 8 values of 50 characters in any script; still a tenth of a URL.
MAX_CURSOR = 4096
MAX_SORT_VALUES = 8
MAX_PAGE = 10**6
INT64 = 2**63


def _sort_value(value: Any) -> bool:
    """A value the engine accepts back in ``search_after`` (no NaN, nothing past 64 bits)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return -INT64 <= value < INT64
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, str)


def decode(token: str, print_: str) -> tuple[list[Any], int]:
    """The ``search_after`` values and page number of a cursor made for this very search.

    Raises QueryError("bad_cursor") for anything else, on any input (checked with hypothesis);
    a cursor longer than ``MAX_CURSOR`` characters is refused before it is decoded.
    """
    if len(token) > MAX_CURSOR:
        raise QueryError("bad_cursor", "The cursor is damaged; start again from the first page.")
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        data = json.loads(raw)
        after, page, made_for = data["a"], data["p"], data["f"]
    except (binascii.Error, ValueError, KeyError, TypeError, RecursionError):
        raise QueryError(
            "bad_cursor", "The cursor is damaged; start again from the first page."
        ) from None
    if (
        not isinstance(after, list)
        or len(after) > MAX_SORT_VALUES
        or not isinstance(page, int)
        or isinstance(page, bool)
        or not 2 <= page <= MAX_PAGE
        or not all(_sort_value(v) for v in after)
    ):
        raise QueryError("bad_cursor", "The cursor is damaged; start again from the first page.")
    if made_for != print_:
        raise QueryError(
            "bad_cursor",
            "The cursor belongs to another search (query, filters, sort or size changed); "
            "start again from the first page.",
        )
    return after, page
