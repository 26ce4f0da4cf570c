"""Opaque cursors for reading past the paging cap: ``search_after`` values, wrapped.

A cursor is base64url JSON ``{"a": search_after, "p": page, "f": fingerprint}``. The fingerprint
is a hash of the query, filters, sort and size, so a cursor replayed with another query is
refused (400) instead of silently returning a different result list. Cursors are not secrets:
a client that forges one can only ask for a page of public results.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from mucluc.core.errors import ApiError


def fingerprint(parts: Mapping[str, Any]) -> str:
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha1(blob).hexdigest()[:16]


def encode(after: list[Any], page: int, print_: str) -> str:
    blob = json.dumps({"a": after, "p": page, "f": print_}, separators=(",", ":"))
    return base64.urlsafe_b64encode(blob.encode("utf-8")).decode("ascii").rstrip("=")


def decode(token: str, print_: str) -> tuple[list[Any], int]:
    """The ``search_after`` values and page number of a cursor made for this very search."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        data = json.loads(raw)
        after, page, made_for = data["a"], data["p"], data["f"]
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise ApiError(
            400, "bad_cursor", "The cursor is damaged; start again from the first page."
        ) from None
    if (
        not isinstance(after, list)
        or not isinstance(page, int)
        or page < 2
        or not all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in after)
    ):
        raise ApiError(400, "bad_cursor", "The cursor is damaged; start again from the first page.")
    if made_for != print_:
        raise ApiError(
            400,
            "bad_cursor",
            "The cursor belongs to another search (query, filters, sort or size changed); "
            "start again from the first page.",
        )
    return after, page
