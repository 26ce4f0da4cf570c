"""Backups of a catalogue as engine snapshots in a filesystem repository.

A snapshot holds every index of the catalogue's prefix (``<prefix>-*``: raw records, union,
tombstones, and any kind added later, such as access keys), so a new kind is backed up without a
change here. The configuration (``mucluc.toml``) goes in too, as one document of the index
``<prefix>-configuration``, because snapshot metadata is limited to a few hundred bytes.

The repository is ``MUCLUC_BACKUP_DIR``, registered on the cluster as :data:`REPOSITORY` on first
use; every node must list that folder in ``path.repo`` (managed nodes do). Snapshot names are
``<prefix>-<UTC stamp>``: they sort by time, and each catalogue sees only its own.

Callers may rely on: :func:`take` returns once the snapshot is complete (or raises
EngineError); :func:`restore` refuses to overwrite a catalogue that exists unless asked to
replace it, and returns once every restored index is searchable.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from indexer.schema import replica_settings
from indexer.store import Store
from indexer.store.errors import translated
from mucluc.core.errors import EngineError

REPOSITORY = "mucluc-backups"
CONFIG_KIND = "configuration"
CONFIG_ID = "mucluc.toml"
SNAPSHOT_TIMEOUT = 3600.0


@dataclass(frozen=True)
class Snapshot:
    """One backup of the catalogue as the engine lists it."""

    name: str
    state: str
    started: str
    indices: tuple[str, ...]
    metadata: dict[str, Any]

    @property
    def records(self) -> int | None:
        return self.metadata.get("records")

    @property
    def books(self) -> int | None:
        return self.metadata.get("union")


def config_index(prefix: str) -> str:
    return f"{prefix}-{CONFIG_KIND}"


def snapshot_name(prefix: str, now: float | None = None) -> str:
    """``<prefix>-<UTC stamp to the millisecond>``: later names sort last."""
    now = time.time() if now is None else now
    stamp = time.strftime("%Y%m%dt%H%M%S", time.gmtime(now))
    return f"{prefix}-{stamp}{int(now * 1000) % 1000:03d}"


async def ensure_repository(store: Store, location: Path) -> None:
    """Register the filesystem repository at ``location`` (the same call is harmless again)."""
    body = {"type": "fs", "settings": {"location": str(location), "compress": True}}
    with translated(f"registering the backup folder {location} (is it in path.repo?)"):
        await store.client.snapshot.create_repository(
            repository=REPOSITORY, body=body, request_timeout=60
        )


async def take(store: Store, location: Path, *, configuration: str | None = None) -> Snapshot:
    """A complete snapshot of every index of the catalogue, with its configuration text."""
    await ensure_repository(store, location)
    prefix = store.prefix
    if configuration is not None:
        with translated("saving the configuration for the backup"):
            if not await store.client.indices.exists(
                index=config_index(prefix), request_timeout=60
            ):
                await store.client.indices.create(
                    index=config_index(prefix), request_timeout=60, body={
                        "settings": {"index": {"number_of_shards": 1, **replica_settings()}},
                        "mappings": {"dynamic": False, "properties": {}},
                    },
                )
            await store.client.index(
                index=config_index(prefix), id=CONFIG_ID, refresh=True, request_timeout=60,
                body={"text": configuration, "saved_at": time.strftime(
                    "%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
            )
    metadata = {"prefix": prefix, "records": await _count(store, "records"),
                "union": await _count(store, "union")}
    name = snapshot_name(prefix)
    body = {"indices": f"{prefix}-*", "include_global_state": False, "metadata": metadata}
    with translated(f"taking the snapshot {name}"):
        response = await store.client.snapshot.create(
            repository=REPOSITORY, snapshot=name, body=body,
            params={"wait_for_completion": "true"}, request_timeout=SNAPSHOT_TIMEOUT,
        )
    found = _snapshot(response["snapshot"])
    if found.state != "SUCCESS":
        raise EngineError(f"the snapshot {name} ended {found.state}", hint="")
    return found


async def snapshots(store: Store, location: Path) -> list[Snapshot]:
    """The catalogue's snapshots in the repository, oldest first."""
    await ensure_repository(store, location)
    with translated("listing the backups"):
        response = await store.client.snapshot.get(
            repository=REPOSITORY, snapshot="_all", request_timeout=120
        )
    mine = [_snapshot(raw) for raw in response.get("snapshots", [])]
    return sorted(
        (s for s in mine if s.metadata.get("prefix") == store.prefix), key=lambda s: s.name
    )


async def prune(store: Store, location: Path, keep: int) -> list[str]:
    """Delete the catalogue's oldest snapshots so that ``keep`` remain; returns their names."""
    if keep < 1:
        raise EngineError("keep at least one backup", hint="")
    doomed = [s.name for s in (await snapshots(store, location))[:-keep]]
    for name in doomed:
        with translated(f"deleting the old backup {name}"):
            await store.client.snapshot.delete(
                repository=REPOSITORY, snapshot=name, request_timeout=SNAPSHOT_TIMEOUT
            )
    return doomed


@dataclass(frozen=True)
class Restored:
    snapshot: Snapshot
    indices: tuple[str, ...]
    configuration: str | None


async def restore(
    store: Store, location: Path, name: str | None = None, *, replace: bool = False
) -> Restored:
    """Bring back the snapshot ``name`` (default: the newest) of the catalogue.

    The catalogue's indices must not exist, unless ``replace``: then they are deleted first.
    Returns what was restored and the configuration text saved with it.
    """
    found = await snapshots(store, location)
    if not found:
        raise EngineError(f"no backup of the catalogue {store.prefix!r} in {location}", hint="")
    chosen = found[-1] if name is None else next((s for s in found if s.name == name), None)
    if chosen is None:
        raise EngineError(f"no backup named {name!r}", hint="see `mucluc backup list`")
    pattern = f"{store.prefix}-*"
    with translated("looking for the catalogue's indices"):
        existing = await store.client.indices.get(
            index=pattern, params={"expand_wildcards": "all"}, request_timeout=60
        )
    if existing and not replace:
        raise EngineError(
            f"the catalogue {store.prefix!r} exists ({len(existing)} indices)",
            hint="restore into an empty cluster, or pass --replace to delete it first",
        )
    if existing:
        with translated("deleting the catalogue before restoring"):
            await store.client.indices.delete(
                index=",".join(sorted(existing)), request_timeout=120
            )
    body = {"indices": pattern, "include_global_state": False, "include_aliases": True}
    with translated(f"restoring the snapshot {chosen.name}"):
        response = await store.client.snapshot.restore(
            repository=REPOSITORY, snapshot=chosen.name, body=body,
            params={"wait_for_completion": "true"}, request_timeout=SNAPSHOT_TIMEOUT,
        )
    indices = tuple(sorted(response.get("snapshot", {}).get("indices", [])))
    with translated("waiting for the restored indices"):
        await store.client.cluster.health(
            index=pattern, params={"wait_for_status": "yellow", "timeout": "120s"},
            request_timeout=180,
        )
    return Restored(chosen, indices, await _configuration(store))


async def _configuration(store: Store) -> str | None:
    with translated("reading the saved configuration"):
        found = await store.client.get(
            index=config_index(store.prefix), id=CONFIG_ID, ignore=404, request_timeout=60
        )
    return found.get("_source", {}).get("text") if found.get("found") else None


async def _count(store: Store, kind: str) -> int | None:
    try:
        return await store.count(kind, doing=f"counting {kind} for the backup")
    except EngineError:
        return None  # a catalogue without that index yet: nothing to count


def _snapshot(raw: dict[str, Any]) -> Snapshot:
    return Snapshot(
        name=raw.get("snapshot", ""),
        state=raw.get("state", ""),
        started=raw.get("start_time", ""),
        indices=tuple(sorted(raw.get("indices", []))),
        metadata=raw.get("metadata") or {},
    )
