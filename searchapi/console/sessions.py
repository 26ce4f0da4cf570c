"""Signed session cookies, one-time form tokens, the Authorization header, and sign-in throttling.

Pure functions over strings (the property tests feed them anything): a parser returns None for
input it does not accept and never raises. Signatures are HMAC-SHA256 under the catalogue's
secret (:meth:`indexer.accounts.Accounts.secret`), compared with :func:`hmac.compare_digest`.

- A session cookie is ``<key_id>.<issued>.<nonce>.<signature>``: it names the key, not the
  key's secret, so a stolen cookie dies with the key's revocation or after ``SESSION_SECONDS``.
- A form token is ``<nonce>.<issued>.<signature>``, bound to the session it was made for (its
  nonce, or ``anonymous`` on the sign-in form) and accepted once (the nonce is recorded as used).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass

COOKIE = "mucluc_session"
SESSION_SECONDS = 12 * 3600
FORM_SECONDS = 4 * 3600
ANONYMOUS = "anonymous"
_PART = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_BEARER = re.compile(r"^[Bb][Ee][Aa][Rr][Ee][Rr][ \t]+([!-~]{1,200})[ \t]*$")


@dataclass(frozen=True)
class Session:
    key_id: str
    issued: int
    nonce: str


def _sign(secret: bytes, *parts: str) -> str:
    return hmac.new(secret, "|".join(parts).encode(), hashlib.sha256).hexdigest()[:43]


def make_session(secret: bytes, key_id: str, issued: int | None = None) -> str:
    """A new session cookie value for ``key_id``."""
    issued = int(time.time()) if issued is None else issued
    nonce = secrets.token_urlsafe(12)
    return f"{key_id}.{issued}.{nonce}.{_sign(secret, 'session', key_id, str(issued), nonce)}"


def read_session(secret: bytes, value: str, now: float | None = None,
                 max_age: int = SESSION_SECONDS) -> Session | None:
    """The session a cookie value carries, or None (malformed, forged or expired)."""
    parts = value.split(".") if isinstance(value, str) and len(value) < 400 else []
    if len(parts) != 4 or not all(_PART.match(part) for part in parts):
        return None
    key_id, issued, nonce, signature = parts
    if not issued.isdigit() or len(issued) > 12:
        return None
    if not hmac.compare_digest(signature, _sign(secret, "session", key_id, issued, nonce)):
        return None
    now = time.time() if now is None else now
    if not (0 <= now - int(issued) <= max_age):
        return None
    return Session(key_id, int(issued), nonce)


def make_form_token(secret: bytes, subject: str, issued: int | None = None) -> str:
    """A one-time token for a form shown to ``subject`` (a session nonce, or ANONYMOUS)."""
    issued = int(time.time()) if issued is None else issued
    nonce = secrets.token_urlsafe(16)
    return f"{nonce}.{issued}.{_sign(secret, 'form', subject, nonce, str(issued))}"


def read_form_token(secret: bytes, subject: str, token: str, now: float | None = None,
                    max_age: int = FORM_SECONDS) -> str | None:
    """The token's nonce when it was made for ``subject`` and is fresh, else None. (Whether it
    was used before is the caller's question: see ``Accounts.use_once``.)"""
    parts = token.split(".") if isinstance(token, str) and len(token) < 300 else []
    if len(parts) != 3 or not all(_PART.match(part) for part in parts):
        return None
    nonce, issued, signature = parts
    if not issued.isdigit() or len(issued) > 12:
        return None
    if not hmac.compare_digest(signature, _sign(secret, "form", subject, nonce, issued)):
        return None
    now = time.time() if now is None else now
    return nonce if 0 <= now - int(issued) <= max_age else None


def bearer(header: str | None) -> str | None:
    """The credential of an ``Authorization: Bearer <credential>`` header, else None."""
    if not header or len(header) > 300:
        return None
    match = _BEARER.match(header)
    return match.group(1) if match else None


class Failures:
    """Failed sign-ins and bad keys per client, in bounded memory (the oldest client is
    forgotten first). After ``free`` failures each further one waits longer (doubling, up to
    ``max_delay`` seconds); past ``limit`` failures within ``window`` seconds the client is
    refused until the window passes."""

    def __init__(self, *, free: int = 3, limit: int = 20, window: float = 900.0,
                 max_delay: float = 4.0, capacity: int = 10_000) -> None:
        self.free, self.limit, self.window = free, limit, window
        self.max_delay, self.capacity = max_delay, capacity
        self._seen: OrderedDict[str, tuple[int, float]] = OrderedDict()

    def count(self, client: str, now: float | None = None) -> int:
        now = time.monotonic() if now is None else now
        count, first = self._seen.get(client, (0, now))
        return count if now - first <= self.window else 0

    def blocked(self, client: str, now: float | None = None) -> bool:
        return self.count(client, now) >= self.limit

    def fail(self, client: str, now: float | None = None) -> float:
        """Count a failure; returns how long to wait before answering it."""
        now = time.monotonic() if now is None else now
        count, first = self._seen.pop(client, (0, now))
        if now - first > self.window:
            count, first = 0, now
        self._seen[client] = (count + 1, first)
        while len(self._seen) > self.capacity:
            self._seen.popitem(last=False)
        over = count + 1 - self.free
        return 0.0 if over <= 0 else min(self.max_delay, 0.25 * 2 ** (over - 1))

    def forget(self, client: str) -> None:
        self._seen.pop(client, None)

    def __len__(self) -> int:
        return len(self._seen)
