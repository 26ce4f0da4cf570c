"""A configured source (one ``[[library.sources]]`` table of mucluc.toml) → committed batches.

``mucluc harvest`` should not care which protocol a library speaks. :func:`harvest_source`
turns any source into one async stream of :class:`Batch` objects under the same contract as
:mod:`harvesters.checkpoints`: store ``batch.records``, then ``await batch.commit()``. For OAI-PMH
the commit saves the checkpoint; SRU and file drops have nothing to resume (SRU has no
incremental harvest, a file is re-read whole), so their commit does nothing and a re-run reads
them again: stores upsert by ``(library, local_id)``.

An OAI-PMH batch is up to ``pages_per_batch`` pages (default :data:`PAGES_PER_BATCH`; at most
``batch_size`` records), stored as one batch and committed together (one checkpoint write,
after its last page: :func:`~harvesters.oaipmh.commit_pages`); each next page is
fetched and parsed while a batch is stored. Servers send 50-100 records a page (Koha: 50) and
every batch costs the engine a fixed number of round trips, so storing a page at a time is
slower; the price is that a harvest killed while it holds pages not yet committed fetches and
stores those pages again on its next run (stores upsert: nothing is lost or duplicated).
``pages_per_batch = 1`` stores each page before the next is used.

Source tables::

    protocol = "oai-pmh"   url = "https://opac.example.vn/cgi-bin/koha/oai.pl"
                           metadata_prefix = "marc21"   set = "..."   from = "2025-01-01"
                           pages_per_batch = 10
                           username = "..."   password_env = "MUCLUC_TGI_OAI_PASSWORD"
    protocol = "sru"       url = "http://z3950.example.vn:9999/biblios"
                           query = "cql.allRecords=1"   version = "1.2"
                           record_schema = "marcxml"   page_size = 50
    protocol = "files"     path = "inbox/TGI"   format = "auto"

Passwords may sit in the URL, in ``password`` or, better, in the environment variable named by
``password_env``; none of them is ever logged.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harvesters.checkpoints import CheckpointStore
from harvesters.oaipmh import OAIClient, Page, commit_pages, harvest
from harvesters.records import RecordProblem, SourceRecord
from harvesters.sru import SRUClient
from harvesters.unchanged import KnownHarvested
from mucluc.core.config import source_name
from mucluc.core.errors import ConfigError

__all__ = ["Batch", "SourceItem", "harvest_source", "source_name"]

#: OAI-PMH pages stored as one batch unless the source says otherwise: five pages of 100
#: records fill a 500-record batch (Koha's pages of 50: 250 records).
PAGES_PER_BATCH = 5

SourceItem = SourceRecord | RecordProblem


async def _nothing() -> None:
    return None


@dataclass
class Batch:
    """Records to store, then commit. ``label`` says where they came from, for progress lines."""

    records: list[SourceItem]
    label: str
    _commit: Callable[[], Awaitable[None]] = field(default=_nothing, repr=False)

    async def commit(self) -> None:
        await self._commit()


def _auth(library: str, spec: Mapping[str, Any], name: str) -> tuple[str, str] | None:
    user = spec.get("username")
    if not user:
        return None
    if spec.get("password_env"):
        variable = str(spec["password_env"])
        if variable not in os.environ:
            raise ConfigError(f"library {library}, source {name}: environment variable "
                              f"{variable} (password_env) is not set")
        return str(user), os.environ[variable]
    return str(user), str(spec.get("password", ""))


async def harvest_source(
    library: str,
    spec: Mapping[str, Any],
    *,
    state_dir: Path,
    name: str | None = None,
    base_dir: Path | None = None,
    batch_size: int = 500,
    full: bool = False,
    known: KnownHarvested | None = None,
) -> AsyncIterator[Batch]:
    """Batches of one configured source of ``library``; see the module docstring.

    ``spec`` is a source table of a loaded :class:`mucluc.core.config.Config`, which checked its
    protocol, keys and their types. ``state_dir`` holds the OAI-PMH checkpoints; ``base_dir``
    resolves a relative ``path`` of a files source (the configuration file's folder); ``full``
    ignores the incremental ``from``. ``known`` (from a consumer that stores the records) lets
    an OAI-PMH client leave records the store holds as they are undecoded
    (:class:`~harvesters.unchanged.KnownHarvested`).
    """
    name = name or source_name(library, spec)
    protocol = spec["protocol"]
    if protocol == "oai-pmh":
        async with OAIClient(str(spec["url"]), source=name, library=library,
                             auth=_auth(library, spec, name)) as client:
            client.known = known
            per_batch = int(spec.get("pages_per_batch", PAGES_PER_BATCH))
            pages: list[Page] = []
            held = 0
            async for page in harvest(
                client, CheckpointStore(state_dir),
                metadata_prefix=str(spec.get("metadata_prefix", "marc21")),
                set_spec=spec.get("set"), from_=spec.get("from"), until=spec.get("until"),
                full=full, read_ahead=per_batch - 1,
            ):
                pages.append(page)
                held += len(page.records)
                if held >= batch_size or len(pages) >= per_batch or page.last:
                    yield _pages_batch(pages)
                    pages, held = [], 0
            if pages:
                yield _pages_batch(pages)
    elif protocol == "sru":
        async with SRUClient(str(spec["url"]), source=name, library=library,
                             version=str(spec.get("version", "1.2")),
                             record_schema=str(spec.get("record_schema", "marcxml")),
                             auth=_auth(library, spec, name)) as client:
            pending: list[SourceItem] = []
            first = 1
            async for item in client.records(str(spec.get("query", "cql.allRecords=1")),
                                              maximum_records=int(spec.get("page_size", 50))):
                pending.append(item)
                if len(pending) >= batch_size:
                    yield Batch(pending, f"records {first}-{first + len(pending) - 1}")
                    first += len(pending)
                    pending = []
            if pending:
                yield Batch(pending, f"records {first}-{first + len(pending) - 1}")
    elif protocol == "files":
        from harvesters.files import read_path

        path = Path(str(spec["path"]))
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        items: Iterator[SourceItem] = read_path(path, library=library,
                                                fmt=str(spec.get("format", "auto")))
        while True:
            # Files are read in a worker thread: a large XLSX must not stall the event loop.
            chunk = await asyncio.to_thread(_take, items, batch_size)
            if not chunk:
                return
            yield Batch(chunk, f"{path.name}: {len(chunk)} records")
    else:  # not a table of a loaded Config: a caller's bug, said plainly rather than ignored
        raise ConfigError(f"library {library}, source {name}: unchecked protocol {protocol!r}",
                          hint="pass source tables of mucluc.core.config.load_config")


def _pages_batch(pages: list[Page]) -> Batch:
    """Several OAI-PMH pages as one batch, committed together, in order (one checkpoint
    write: the checkpoint after the last page)."""

    async def commit() -> None:
        await commit_pages(pages)

    numbers = f"{pages[0].number}-{pages[-1].number}" if len(pages) > 1 else f"{pages[0].number}"
    return Batch([item for page in pages for item in page.records],
                 f"page{'s' if len(pages) > 1 else ''} {numbers}", commit)


def _take(items: Iterator[SourceItem], count: int) -> list[SourceItem]:
    chunk: list[SourceItem] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= count:
            break
    return chunk
