"""A whole ListRecords list as checkpointed pages: resumptionTokens, restarts, incremental from.

:func:`harvest` yields :class:`Page` objects; see :mod:`harvesters.checkpoints` for the commit
contract that makes a killed harvest resume with no loss and no duplicates.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

from harvesters.checkpoints import Checkpoint, CheckpointStore
from harvesters.oaipmh.client import ListRecordsResponse, OAIClient, response_date_to_from
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
    _commit: Callable[[], None] = field(repr=False)
    committed: bool = False

    @property
    def last(self) -> bool:
        return self.resumption_token is None

    async def commit(self) -> None:
        """Record that this page's records are stored: saves the checkpoint after this page."""
        if not self.committed:
            await asyncio.to_thread(self._commit)
            self.committed = True


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
) -> AsyncIterator[Page]:
    """Harvest a whole ListRecords list as checkpointed :class:`Page` objects.

    Resumes an unfinished list from its checkpoint. Otherwise starts a new run with ``from_``
    if given, else (unless ``full``) the ``next_from`` the last completed run saved from the
    server's own responseDate. A ``badResumptionToken`` restarts the list from the run's ``from``
    (at most ``max_restarts`` times); a resumptionToken received more than ``max_same_token``
    times aborts with a :class:`~mucluc.core.errors.HarvestError`, as does a page not committed
    before the next one is requested.
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
    seen: Counter[str] = Counter()
    page_number = 0
    # records are parsed and mapped page after page: see mucluc.core.collector
    with streaming_records():
        while page_number < max_pages:
            try:
                response = await client.list_records(
                    metadata_prefix=metadata_prefix, set_spec=set_spec, from_=cp.from_,
                    until=cp.until, resumption_token=token, offset=cp.records_seen,
                )
            except BadResumptionToken as exc:
                if token is None or cp.restarts >= max_restarts:
                    raise
                cp.restarts += 1
                log.warning("%s; restarting the list from from=%s (restart %d of %d)",
                            exc.message, cp.from_, cp.restarts, max_restarts)
                cp.resumption_token = None
                cp.pages = 0
                cp.records_seen = 0
                cp.run_response_date = None
                await asyncio.to_thread(store.save, cp)
                token = None
                continue
            if cp.run_response_date is None and response.response_date:
                cp.run_response_date = response.response_date
            next_token = response.resumption_token
            if next_token is not None:
                seen[next_token] += 1
                if seen[next_token] > max_same_token:
                    raise HarvestError(
                        f"{source}: the server sent the resumptionToken {next_token!r} "
                        f"{seen[next_token]} times; aborting a harvest that would never end",
                        source=source, library=client.library,
                    )
            if next_token is None and not granularity and cp.run_response_date:
                granularity = await _granularity(client)
            page_number += 1
            page = Page(
                number=cp.pages + 1,
                records=response.items,
                resumption_token=next_token,
                response_date=response.response_date,
                complete_list_size=response.complete_list_size,
                _commit=_committer(store, cp, response, granularity),
            )
            yield page
            if not page.committed:
                raise HarvestError(
                    f"{source}: page {page.number} was not committed before the next page was "
                    "requested; store its records, then `await page.commit()`",
                    source=source, library=client.library,
                )
            if next_token is None:
                return
            token = next_token
        raise HarvestError(f"{source}: ListRecords did not end after {max_pages} pages",
                           source=source, library=client.library)


def _committer(store: CheckpointStore, cp: Checkpoint, response: ListRecordsResponse,
               granularity: str) -> Callable[[], None]:
    def commit() -> None:
        cp.pages += 1
        cp.records_seen += len(response.items)
        cp.last_response_date = response.response_date or cp.last_response_date
        cp.resumption_token = response.resumption_token
        cp.complete = response.resumption_token is None
        if cp.complete:
            if cp.run_response_date:
                cp.next_from = response_date_to_from(cp.run_response_date, granularity)
            cp.restarts = 0
        store.save(cp)

    return commit


async def _granularity(client: OAIClient) -> str:
    try:
        return (await client.identify()).granularity
    except HarvestError as exc:
        # A broken Identify must not lose a finished harvest: day granularity is always valid.
        log.warning("%s: Identify failed (%s); using day granularity for the next from",
                    client.source, exc.message)
        return "YYYY-MM-DD"
