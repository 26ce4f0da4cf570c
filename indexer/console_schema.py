"""Mappings of the librarians' console indices: ``access``, ``jobs`` and ``audit``.

They hold little data (a few hundred keys, some thousands of jobs and audit entries), so one
shard, no replicas and strict mappings: an unexpected field is a bug, not a silent addition.
"""

from __future__ import annotations

from typing import Any

from indexer.schema import DATE, INDEX_SETTINGS_BASE, INTEGER, KEYWORD, STORED_ONLY

TEXT_KEYWORD = {"type": "keyword", "ignore_above": 1024}


def _body(properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "settings": {"index": dict(INDEX_SETTINGS_BASE)},
        "mappings": {"dynamic": "strict", "properties": properties},
    }


def access_body() -> dict[str, Any]:
    """Keys (``type: key``: salted hash, never the key), the session secret (``type: secret``)
    and the form tokens already used (``type: form``: refused when replayed)."""
    return _body({
        "type": KEYWORD,
        "key_id": KEYWORD,
        "role": KEYWORD,
        "library": KEYWORD,
        "salt": {"type": "keyword", "index": False},
        "hash": {"type": "keyword", "index": False},
        "secret": {"type": "keyword", "index": False},
        "created_at": DATE,
        "revoked_at": DATE,
        "used_at": DATE,
        "note": TEXT_KEYWORD,
    })


def jobs_body() -> dict[str, Any]:
    """One upload job: who sent which file for which library, its state, progress and report."""
    return _body({
        "id": KEYWORD,
        "library": KEYWORD,
        "key_id": KEYWORD,
        "state": KEYWORD,
        "file": TEXT_KEYWORD,
        "format": KEYWORD,
        "bytes": {"type": "long"},
        "created_at": DATE,
        "started_at": DATE,
        "finished_at": DATE,
        "updated_at": DATE,
        "progress": STORED_ONLY,
        "error": STORED_ONLY,
        "report": STORED_ONLY,
        "records": INTEGER,
        "mode": KEYWORD,
        "confirm": INTEGER,
        "replace": STORED_ONLY,
    })


def audit_body() -> dict[str, Any]:
    """One audit entry: when, which key (id only), acting for which library, did what to what."""
    return _body({
        "at": DATE,
        "key_id": KEYWORD,
        "role": KEYWORD,
        "library": KEYWORD,
        "action": KEYWORD,
        "target": TEXT_KEYWORD,
        "detail": STORED_ONLY,
    })
