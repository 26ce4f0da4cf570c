"""Access keys, the session secret and one-time form tokens, kept in the engine (kind ``access``).

The engine is the only stateful service, so the console keeps its few documents there too,
and every API worker sees a grant or a revocation at once (reads by id are real-time).

A key is ``mlk_<key_id>.<secret>``: the ``key_id`` is public (lists, audit entries, job
records name it), the secret is shown once when the key is granted and stored only as a salted
scrypt hash, compared with :func:`hmac.compare_digest`. Nothing here logs or returns a key.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from indexer.store import Store
from mucluc.core.errors import ConfigError

Role = Literal["admin", "librarian"]
ROLES: tuple[Role, ...] = ("admin", "librarian")
KEY_PREFIX = "mlk_"
KEY_SHAPE = re.compile(r"^mlk_([0-9a-f]{12})\.([A-Za-z0-9_-]{20,100})$")
SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}
SECRET_ID = "secret:session"
MAX_SEEN = 512  # verified (key_id, secret digest) pairs kept to skip scrypt on every request


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class KeyRecord:
    """A stored key, without its secret: what ``mucluc access list`` shows."""

    key_id: str
    role: Role
    library: str | None
    created_at: str
    revoked_at: str | None
    note: str = ""

    @property
    def active(self) -> bool:
        return not self.revoked_at


def parse_key(text: str) -> tuple[str, str] | None:
    """``(key_id, secret)`` of a well-formed key, else None (never raises, for any input)."""
    match = KEY_SHAPE.match(text.strip()) if isinstance(text, str) else None
    return (match.group(1), match.group(2)) if match else None


def _hash(secret: str, salt: bytes) -> bytes:
    return hashlib.scrypt(secret.encode("utf-8"), salt=salt, **SCRYPT)  # type: ignore[arg-type]


def _record(key_id: str, source: dict[str, Any]) -> KeyRecord:
    return KeyRecord(key_id, source["role"], source.get("library") or None,
                     source.get("created_at", ""), source.get("revoked_at") or None,
                     source.get("note", ""))


class Accounts:
    """Keys, the session secret and used form tokens of one catalogue (``store``)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._ready = False
        self._secret: bytes | None = None
        self._verified: dict[tuple[str, bytes], bool] = {}

    async def ready(self) -> None:
        """The console's indices exist (an older catalogue gains them on first use)."""
        if not self._ready:
            await self.store.ensure_indices()
            self._ready = True

    # keys ---------------------------------------------------------------------------------

    async def grant(self, role: Role, library: str | None, *, note: str = "") -> tuple[str, str]:
        """A new key: ``(key_id, key)``. The key is returned once and never stored."""
        if role not in ROLES:
            raise ConfigError(f"unknown role {role!r} (expected admin or librarian)")
        if role == "librarian" and not library:
            raise ConfigError("a librarian's key belongs to one library: give its code")
        await self.ready()
        key_id = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        salt = secrets.token_bytes(16)
        digest = await asyncio.to_thread(_hash, secret, salt)
        document = {"type": "key", "key_id": key_id, "role": role,
                    "library": library if role == "librarian" else None,
                    "salt": salt.hex(), "hash": digest.hex(), "created_at": now(),
                    "revoked_at": None, "note": note[:200]}
        await self.store.bulk_all(
            [{"create": {"_index": self.store.alias("access"), "_id": f"key:{key_id}"}},
             document], "storing a new access key")
        await self.store.refresh("access")
        return key_id, f"{KEY_PREFIX}{key_id}.{secret}"

    async def revoke(self, key_id: str) -> KeyRecord | None:
        """Mark the key revoked (it stops working at once); None when there is no such key."""
        await self.ready()
        found = await self.key(key_id)
        if found is None:
            return None
        if found.active:
            await self.store.bulk_all(
                [{"update": {"_index": self.store.alias("access"), "_id": f"key:{key_id}"}},
                 {"doc": {"revoked_at": now()}}], "revoking an access key")
            await self.store.refresh("access")
        return await self.key(key_id)

    async def key(self, key_id: str) -> KeyRecord | None:
        source = await self.store.get("access", f"key:{key_id}", doing="reading an access key")
        if source is None or source.get("type") != "key":
            return None
        return _record(key_id, source)

    async def keys(self) -> list[KeyRecord]:
        """Every key ever granted (revoked ones too), oldest first."""
        await self.ready()
        found: list[KeyRecord] = []
        async for hits in self.store.scan("access", {"term": {"type": "key"}},
                                          source=["role", "library", "created_at",
                                                  "revoked_at", "note", "key_id"],
                                          doing="listing access keys"):
            found += [_record(hit["_source"]["key_id"], hit["_source"]) for hit in hits]
        return sorted(found, key=lambda k: (k.created_at, k.key_id))

    async def verify(self, key: str) -> KeyRecord | None:
        """The active key record for a presented key, else None (malformed, unknown, wrong
        secret or revoked). Revocation is read from the engine on every call."""
        parsed = parse_key(key)
        if parsed is None:
            return None
        key_id, secret = parsed
        source = await self.store.get("access", f"key:{key_id}", doing="checking an access key")
        if source is None or source.get("type") != "key" or source.get("revoked_at"):
            return None
        stored = bytes.fromhex(source["hash"])
        seen = (key_id, hashlib.sha256(secret.encode() + stored).digest())
        if seen not in self._verified:
            digest = await asyncio.to_thread(_hash, secret, bytes.fromhex(source["salt"]))
            if not hmac.compare_digest(digest, stored):
                return None
            if len(self._verified) >= MAX_SEEN:
                self._verified.pop(next(iter(self._verified)))
            self._verified[seen] = True
        return _record(key_id, source)

    # the session secret and form tokens ----------------------------------------------------

    async def secret(self) -> bytes:
        """The catalogue's signing secret, made once and shared by every worker."""
        if self._secret is not None:
            return self._secret
        await self.ready()
        source = await self.store.get("access", SECRET_ID, doing="reading the session secret")
        if source is None:
            await self.store.bulk(
                [{"create": {"_index": self.store.alias("access"), "_id": SECRET_ID}},
                 {"type": "secret", "secret": secrets.token_hex(32), "created_at": now()}],
                "storing the session secret")  # another worker may have won: read it back
            source = await self.store.get("access", SECRET_ID, doing="reading the secret")
        if source is None:
            raise ConfigError("the session secret could not be stored")
        self._secret = bytes.fromhex(source["secret"])
        return self._secret

    async def use_once(self, nonce: str) -> bool:
        """Record a form token as used: True the first time, False for a replay."""
        await self.ready()
        refused = await self.store.bulk(
            [{"create": {"_index": self.store.alias("access"), "_id": f"form:{nonce}"}},
             {"type": "form", "used_at": now()}], "recording a used form token")
        return not refused
