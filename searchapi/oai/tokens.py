"""Stateless OAI-PMH resumption tokens: the whole position of a list, signed.

A token carries the request's arguments (verb, metadataPrefix, set, from, until), the sort
values of the last record sent (``search_after`` on ``(updated_at, id)``), the ``cursor``, the
``completeListSize`` and an expiry time, with an HMAC over them. No worker keeps anything, so a
token issued by one worker is honoured by another, and after a restart. Concurrent updates do
not break a list: a record changed meanwhile gets a later datestamp and comes again at its end.

The key is derived from the index prefix and ``MUCLUC_OAI_SECRET``: a token of one catalogue is
not accepted by another. Anything wrong (tampered, expired, unreadable) is ``badResumptionToken``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from dataclasses import asdict, dataclass
from typing import Any

LIFETIME = 24 * 3600  # seconds a token stays valid


class BadToken(Exception):
    """The token is unreadable, forged or expired (the provider answers badResumptionToken)."""


@dataclass(frozen=True)
class Position:
    """Where a list stands: the request and the last record sent."""

    verb: str
    metadata_prefix: str
    set_spec: str
    from_: str
    until: str
    after: list[Any]
    cursor: int
    complete: int
    expires: int = 0


def key(prefix: str, secret: str) -> bytes:
    return hashlib.sha256(f"mucluc-oai\0{prefix}\0{secret}".encode()).digest()


def encode(position: Position, secret_key: bytes, *, now: float | None = None) -> tuple[str, int]:
    """(the token, its expiry as a Unix time) for ``position``."""
    expires = int(now if now is not None else time.time()) + LIFETIME
    payload = json.dumps({**asdict(position), "expires": expires}, separators=(",", ":"))
    body = base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")
    return f"{body}.{_sign(body, secret_key)}", expires


def decode(token: str, secret_key: bytes, *, now: float | None = None) -> Position:
    """The position a token carries; BadToken when it is not one of ours or has expired."""
    body, _, signature = token.partition(".")
    expected = _sign(body, secret_key).encode()
    if not body or not hmac.compare_digest(signature.encode("utf-8", "replace"), expected):
        raise BadToken("The resumptionToken is not one this repository issued.")
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        position = Position(**json.loads(raw))
    except (ValueError, TypeError, binascii.Error) as exc:
        raise BadToken("The resumptionToken cannot be read.") from exc
    if position.expires < (now if now is not None else time.time()):
        raise BadToken("The resumptionToken has expired; start the list again.")
    return position


def _sign(body: str, secret_key: bytes) -> str:
    digest = hmac.new(secret_key, body.encode("utf-8", "replace"), hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")
