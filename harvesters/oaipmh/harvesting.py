"""A whole ListRecords list as checkpointed pages: resumptionTokens, restarts, incremental from.

:func:`harvest` yields :class:`Page` objects; see :mod:`harvesters.checkpoints` for the commit
contract that makes a killed harvest resume with no loss and no duplicates.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections import Counter
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from harvesters.checkpoints import Checkpoint, CheckpointStore
from harvesters.oaipmh.client import (
    FetchedPage,
    ListRecordsResponse,
    OAIClient,
    response_date_to_from,
)
from harvesters.oaipmh.errors import BadResumptionToken
from harvesters.records import RecordProblem, SourceRecord
from mucluc.core.collector import streaming_records
from mucluc.core.errors import HarvestError

log = logging.getLogger(__name__)


@dataclass
class Page:
    """One committed-or-not ListRecords page of a :func:`harvest`.

    Store ``records`` first, then ``await page.commit()``; see :mod:`harvesters.checkpoints`.
    """

    number: int  # 1-based within the current run
    records: list[SourceRecord | RecordProblem]
    resumption_token: str | None  # the token for the *next* page; None on the last page
    response_date: str
    complete_list_size: int | None
    #: Moves the run's checkpoint past this page (in memory), and writes the checkpoint.
    _advance: Callable[[], None] = field(repr=False)
    _save: Callable[[], None] = field(repr=False)
    committed: bool = False
    #: The list restarted (badResumptionToken) after this page was delivered and before it was
    #: committed: its records come again, and committing it saves nothing.
    stale: bool = False

    @property
    def last(self) -> bool:
        return self.resumption_token is None

    async def commit(self) -> None:
        """Record that this page's records are stored: saves the checkpoint after this page.
        Pages are committed in the order they were delivered."""
        await commit_pages([self])


async def commit_pages(pages: Sequence[Page]) -> None:
    """Commit delivered pages, in order, with one checkpoint write: the checkpoint after the
    last of them, as committing them one by one would leave it (a batch of pages stored
    together needs no checkpoint between them: each write is two fsyncs and a thread hop)."""
    due = [page for page in pages if not page.committed]
    fresh = [page for page in due if not page.stale]
    if fresh:

        def advance() -> None:
            moved = False
            try:
                for page in fresh:
                    page._advance()
                    moved = True
            finally:  # what moved was stored: saved even when a later page was out of order
                if moved:
                    fresh[0]._save()

        await asyncio.to_thread(advance)
    for page in due:
        page.committed = True


async def harvest(
    client: OAIClient,
    store: CheckpointStore,
    *,
    metadata_prefix: str = "marc21",
    set_spec: str | None = None,
    from_: str | None = None,
    until: str | None = None,
    full: bool = False,
    max_same_token: int = 100,
    max_restarts: int = 3,
    max_pages: int = 1_000_000,
    read_ahead: int = 0,
) -> AsyncIterator[Page]:
    """Harvest a whole ListRecords list as checkpointed :class:`Page` objects.

    Resumes an unfinished list from its checkpoint. Otherwise starts a new run with ``from_``
    if given, else (unless ``full``) the ``next_from`` the last completed run saved from the
    server's own responseDate. A ``badResumptionToken`` restarts the list from the run's ``from``
    (at most ``max_restarts`` times); a resumptionToken received more than ``max_same_token``
    times aborts with a :class:`~mucluc.core.errors.HarvestError`, as does asking for a page
    while more than ``read_ahead`` delivered pages are not committed.

    Each next page is requested as soon as this page's resumptionToken is known, before this
    page's records are looked up in the store and decoded
    (:meth:`~harvesters.oaipmh.client.OAIClient.read_records`); it is fetched, parsed and read
    while the consumer stores: one page ahead, read in the list's order. With ``read_ahead``
    > 0 the consumer may also hold up to that many delivered pages before committing them (in
    order), so it can store several pages as one batch. The checkpoint moves only when a page
    is committed, so a killed harvest resumes after the last committed page: the pages
    delivered (or fetched) but not committed come again (stores upsert; see
    :mod:`harvesters.checkpoints`).
    """
    source = client.source
    saved = await asyncio.to_thread(store.load, source)
    same_list = (
        saved is not None and saved.in_progress and saved.metadata_prefix == metadata_prefix
        and saved.set_spec == set_spec and (from_ is None or from_ == saved.from_)
    )
    if same_list and saved is not None:
        cp = saved
        log.info("%s: resuming after page %d (%d records)", source, cp.pages, cp.records_seen)
    else:
        run_from = from_ or (None if full or saved is None else saved.next_from)
        cp = Checkpoint(source=source, metadata_prefix=metadata_prefix, set_spec=set_spec,
                        from_=run_from, until=until,
                        next_from=saved.next_from if saved is not None else None)
    granularity = ""
    token = cp.resumption_token
    offset = cp.records_seen  # position of the next page's first item in the whole list
    seen: Counter[str] = Counter()
    page_number = 0  # pages requested in this call (bounded by max_pages)
    number = cp.pages + 1  # the next page's number in the run
    delivered: list[Page] = []  # delivered and not committed yet, in order
    Ahead = tuple[asyncio.Future[FetchedPage], asyncio.Future[ListRecordsResponse]]

    def fetch(at_token: str | None, at_offset: int,
              after: asyncio.Future[ListRecordsResponse] | None) -> Ahead:
        """The page of ``at_token``: fetched now, read once it is fetched and the page
        before it (``after``) is read (records are read in the list's order)."""
        fetched = asyncio.ensure_future(client.fetch_records(
            metadata_prefix=metadata_prefix, set_spec=set_spec, from_=cp.from_,
            until=cp.until, resumption_token=at_token,
        ))

        async def read() -> ListRecordsResponse:
            page = await fetched
            if after is not None:
                await asyncio.wait([after])  # its outcome is the harvest's to raise
            return await client.read_records(page, offset=at_offset)

        return fetched, asyncio.ensure_future(read())

    ahead: Ahead | None = None  # the next page, being fetched and read
    reading: asyncio.Future[ListRecordsResponse] | None = None  # this page's records

    # records are parsed and mapped page after page: see mucluc.core.collector
    with streaming_records():
        try:
            while page_number < max_pages:
                fetching, reading = ahead or fetch(token, offset, None)
                ahead = None
                try:
                    fetched = await fetching
                except BadResumptionToken as exc:
                    _forget(reading)
                    reading = None
                    if token is None or cp.restarts >= max_restarts:
                        raise
                    cp.restarts += 1
                    log.warning("%s; restarting the list from from=%s (restart %d of %d)",
                                exc.message, cp.from_, cp.restarts, max_restarts)
                    for page in delivered:  # their records come again after the restart
                        page.stale = True
                    delivered.clear()
                    number = 1
                    cp.resumption_token = None
                    cp.pages = 0
                    cp.records_seen = 0
                    cp.run_response_date = None
                    await asyncio.to_thread(store.save, cp)
                    token, offset = None, 0
                    continue
                if cp.run_response_date is None and fetched.response_date:
                    cp.run_response_date = fetched.response_date
                next_token = fetched.resumption_token
                if next_token is not None:
                    seen[next_token] += 1
                    if seen[next_token] > max_same_token:
                        raise HarvestError(
                            f"{source}: the server sent the resumptionToken {next_token!r} "
                            f"{seen[next_token]} times; aborting a harvest that would never end",
                            source=source, library=client.library,
                        )
                page_number += 1
                next_offset = offset + len(fetched.records)
                if next_token is not None and page_number < max_pages:
                    # fetched while this page is read, read while the consumer stores it
                    ahead = fetch(next_token, next_offset, reading)
                if next_token is None and not granularity and cp.run_response_date:
                    granularity = await _granularity(client)
                response = await reading
                reading = None
                page = Page(
                    number=number,
                    records=response.items,
                    resumption_token=next_token,
                    response_date=response.response_date,
                    complete_list_size=response.complete_list_size,
                    _advance=_advancer(cp, response, granularity, number),
                    _save=functools.partial(store.save, cp),
                )
                number += 1
                delivered.append(page)
                token, offset = next_token, next_offset
                yield page
                delivered = [p for p in delivered if not p.committed]
                if len(delivered) > read_ahead:
                    raise HarvestError(
                        f"{source}: page {delivered[0].number} was not committed before the next "
                        "page was requested; store its records, then `await page.commit()`",
                        source=source, library=client.library,
                    )
                if token is None:
                    return
        finally:
            # requests nobody will read: cancelled, their errors dropped
            for future in (reading, *(ahead or ())):
                if future is not None:
                    _forget(future)
    raise HarvestError(f"{source}: ListRecords did not end after {max_pages} pages",
                       source=source, library=client.library)


def _forget(future: asyncio.Future[Any]) -> None:
    """Cancel a request nobody will read; its error, if it has one, is dropped."""
    future.cancel()
    future.add_done_callback(_drop_result)


def _drop_result(done: asyncio.Future[Any]) -> None:
    if not done.cancelled():
        done.exception()


def _advancer(cp: Checkpoint, response: ListRecordsResponse, granularity: str, number: int
              ) -> Callable[[], None]:
    def advance() -> None:
        if cp.pages + 1 != number:  # the checkpoint would go back to an earlier page
            raise HarvestError(
                f"{cp.source}: page {number} was committed before page {cp.pages + 1}; "
                "commit pages in the order they were delivered", source=cp.source)
        cp.pages += 1
        cp.records_seen += len(response.items)
        cp.last_response_date = response.response_date or cp.last_response_date
        cp.resumption_token = response.resumption_token
        cp.complete = response.resumption_token is None
        if cp.complete:
            if cp.run_response_date:
                cp.next_from = response_date_to_from(cp.run_response_date, granularity)
            cp.restarts = 0

    return advance


async def _granularity(client: OAIClient) -> str:
    try:
        return (await client.identify()).granularity
    except HarvestError as exc:
        # A broken Identify must not lose a finished harvest: day granularity is always valid.
        log.warning("%s: Identify failed (%s); using day granularity for the next from",
                    client.source, exc.message)
        return "YYYY-MM-DD"
