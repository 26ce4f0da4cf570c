"""OAI-PMH 2.0 harvesting: Identify, ListSets, GetRecord, ListRecords, checkpointed harvests.

Two layers:

* :class:`OAIClient` speaks the protocol, one request at a time: each verb returns parsed
  values, OAI error codes become exception classes of the same name (``badResumptionToken`` →
  :class:`BadResumptionToken`, all under :class:`~mucluc.core.errors.HarvestError`), and transport
  faults (timeouts, dropped connections, truncated XML, 5xx, ``503`` + ``Retry-After``) are retried
  under a bounded :class:`~harvesters.transport.RetryPolicy`.
* :func:`harvest` walks a whole ListRecords list with resumptionTokens and checkpoints, yielding
  :class:`Page` objects; see :mod:`harvesters.checkpoints` for the commit contract that makes a
  killed harvest resume with no loss and no duplicates.

Record identity: ``SourceRecord.local_id`` is the OAI identifier from the record header, because
it is the only identifier a deletion (``<header status="deleted">``) carries; a record and its
later deletion therefore share one ``local_id``. The record's own 001 stays in the record.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

from lxml import etree

from harvesters.checkpoints import Checkpoint, CheckpointStore
from harvesters.metadata import MetadataError, read_metadata, repairs_for
from harvesters.records import RecordProblem, SourceRecord
from harvesters.transport import ProtocolClient
from harvesters.xml_safety import ParsedXML
from mucluc.core.errors import HarvestError

log = logging.getLogger(__name__)

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
_NS = {"oai": OAI_NS}


class OAIError(HarvestError):
    """An ``<error code="…">`` answer. ``code`` is the protocol's code, verbatim."""

    code = ""

    def __init__(self, message: str, *, source: str = "", library: str = "",
                 response_date: str = "") -> None:
        super().__init__(message, source=source, library=library)
        self.response_date = response_date


class BadArgument(OAIError):
    code = "badArgument"


class BadResumptionToken(OAIError):
    code = "badResumptionToken"


class BadVerb(OAIError):
    code = "badVerb"


class CannotDisseminateFormat(OAIError):
    code = "cannotDisseminateFormat"


class IdDoesNotExist(OAIError):
    code = "idDoesNotExist"


class NoRecordsMatch(OAIError):
    code = "noRecordsMatch"


class NoMetadataFormats(OAIError):
    code = "noMetadataFormats"


class NoSetHierarchy(OAIError):
    code = "noSetHierarchy"


#: Every error code of OAI-PMH 2.0 §3.6 → its exception class.
OAI_ERRORS: dict[str, type[OAIError]] = {
    cls.code: cls
    for cls in (
        BadArgument, BadResumptionToken, BadVerb, CannotDisseminateFormat, IdDoesNotExist,
        NoRecordsMatch, NoMetadataFormats, NoSetHierarchy,
    )
}


@dataclass(frozen=True)
class Identify:
    """What a repository says about itself; ``granularity`` decides how ``from`` is written."""

    repository_name: str
    base_url: str
    protocol_version: str
    earliest_datestamp: str
    granularity: str  # "YYYY-MM-DD" or "YYYY-MM-DDThh:mm:ssZ"
    deleted_record: str  # no / transient / persistent
    response_date: str


@dataclass
class ListRecordsResponse:
    """One ListRecords page: its items, the next resumptionToken (None at the end)."""

    response_date: str
    items: list[SourceRecord | RecordProblem]
    resumption_token: str | None
    complete_list_size: int | None = None
    cursor: int | None = None
    sanitised: int = 0


def _text(parent: etree._Element, path: str) -> str:
    found = parent.find(path, _NS)
    return " ".join((found.text or "").split()) if found is not None else ""


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def response_date_to_from(response_date: str, granularity: str) -> str:
    """A server's ``responseDate`` written in the server's granularity, for the next ``from``.

    Day granularity repeats the whole last day in the next run: an overlap (harmless with an
    upserting store) rather than a gap.
    """
    if granularity.strip() == "YYYY-MM-DD":
        return response_date[:10]
    return response_date


class OAIClient(ProtocolClient):
    """One OAI-PMH repository. Use as ``async with OAIClient(url, source=...) as client``.

    Credentials may be in the URL (``https://user:pass@host/oai``) or passed as ``auth``; they are
    sent as HTTP basic auth and never appear in logs or error messages.
    """

    PROTOCOL = "OAI-PMH"

    async def request(self, verb: str, **params: str) -> ParsedXML:
        """One OAI-PMH request; the parsed response, or the OAI error raised as its class.

        ``noRecordsMatch`` is raised like any other code; :meth:`list_records` turns it into an
        empty page because an empty incremental harvest is not a failure.
        """
        query = {"verb": verb, **{k: v for k, v in params.items() if v is not None}}
        parsed = await self.get(query)
        root = parsed.root
        if etree.QName(root).localname != "OAI-PMH":
            raise HarvestError(
                f"{self.source}: {verb} answer is not an OAI-PMH response "
                f"(root element {etree.QName(root).localname!r})",
                source=self.source, library=self.library,
            )
        error = root.find("oai:error", _NS)
        if error is not None:
            code = error.get("code", "")
            message = " ".join((error.text or "").split())
            cls = OAI_ERRORS.get(code, OAIError)
            raise cls(
                f"{self.source}: {verb} failed with OAI-PMH error {code}"
                + (f": {message}" if message else ""),
                source=self.source, library=self.library,
                response_date=_text(root, "oai:responseDate"),
            )
        return parsed

    async def identify(self) -> Identify:
        """The repository's Identify answer."""
        root = (await self.request("Identify")).root
        node = root.find("oai:Identify", _NS)
        if node is None:
            raise HarvestError(f"{self.source}: Identify answer has no Identify element",
                               source=self.source, library=self.library)
        return Identify(
            repository_name=_text(node, "oai:repositoryName"),
            base_url=_text(node, "oai:baseURL"),
            protocol_version=_text(node, "oai:protocolVersion"),
            earliest_datestamp=_text(node, "oai:earliestDatestamp"),
            granularity=_text(node, "oai:granularity") or "YYYY-MM-DD",
            deleted_record=_text(node, "oai:deletedRecord"),
            response_date=_text(root, "oai:responseDate"),
        )

    async def list_sets(self, *, max_pages: int = 1000) -> list[tuple[str, str]]:
        """Every ``(setSpec, setName)``, following resumptionTokens (at most ``max_pages``)."""
        sets: list[tuple[str, str]] = []
        token: str | None = None
        for _ in range(max_pages):
            params = {"resumptionToken": token} if token else {}
            root = (await self.request("ListSets", **params)).root
            for node in root.iterfind("oai:ListSets/oai:set", _NS):
                sets.append((_text(node, "oai:setSpec"), _text(node, "oai:setName")))
            token = _text(root, "oai:ListSets/oai:resumptionToken") or None
            if not token:
                return sets
        raise HarvestError(f"{self.source}: ListSets did not end after {max_pages} pages",
                           source=self.source, library=self.library)

    async def get_record(self, identifier: str, metadata_prefix: str = "marc21"
                         ) -> SourceRecord | RecordProblem:
        """One record by its OAI identifier."""
        parsed = await self.request("GetRecord", identifier=identifier,
                                    metadataPrefix=metadata_prefix)
        node = parsed.root.find("oai:GetRecord/oai:record", _NS)
        if node is None:
            raise HarvestError(f"{self.source}: GetRecord answer has no record",
                               source=self.source, library=self.library)
        return self._item(node, metadata_prefix, None, parsed.sanitised > 0)

    async def list_records(
        self,
        *,
        metadata_prefix: str = "marc21",
        set_spec: str | None = None,
        from_: str | None = None,
        until: str | None = None,
        resumption_token: str | None = None,
        offset: int = 0,
    ) -> ListRecordsResponse:
        """One ListRecords page. With ``resumption_token`` the other arguments are not sent.

        ``offset`` numbers the page's items (position in the whole list) for problem reports.
        """
        if resumption_token:
            params: dict[str, str] = {"resumptionToken": resumption_token}
        else:
            params = {"metadataPrefix": metadata_prefix}
            for key, value in (("set", set_spec), ("from", from_), ("until", until)):
                if value:
                    params[key] = value
        try:
            parsed = await self.request("ListRecords", **params)
        except NoRecordsMatch as exc:
            log.info("%s", exc.message)
            return ListRecordsResponse(response_date=exc.response_date, items=[],
                                       resumption_token=None)
        root = parsed.root
        list_node = root.find("oai:ListRecords", _NS)
        if list_node is None:
            raise HarvestError(f"{self.source}: ListRecords answer has no ListRecords element",
                               source=self.source, library=self.library)
        sanitised = parsed.sanitised > 0
        items = [
            self._item(node, metadata_prefix, offset + i, sanitised)
            for i, node in enumerate(list_node.iterfind("oai:record", _NS))
        ]
        if sanitised:
            repaired = [i.local_id for i in items if isinstance(i, SourceRecord) and i.repairs]
            log.warning("%s: replaced %d illegal XML characters in records %s", self.source,
                        parsed.sanitised, ", ".join(repaired) or "(outside records)")
        token_node = list_node.find("oai:resumptionToken", _NS)
        token = (token_node.text or "").strip() if token_node is not None else ""
        return ListRecordsResponse(
            response_date=_text(root, "oai:responseDate"),
            items=items,
            resumption_token=token or None,
            complete_list_size=_int_or_none(token_node.get("completeListSize"))
            if token_node is not None else None,
            cursor=_int_or_none(token_node.get("cursor")) if token_node is not None else None,
            sanitised=parsed.sanitised,
        )

    def _item(self, node: etree._Element, metadata_prefix: str, offset: int | None,
              sanitised: bool) -> SourceRecord | RecordProblem:
        header = node.find("oai:header", _NS)
        identifier = _text(header, "oai:identifier") if header is not None else ""
        if not identifier:
            return RecordProblem(self.source, "record header has no identifier",
                                 offset=offset, library=self.library)
        if header is not None and header.get("status") == "deleted":
            return SourceRecord(self.library, self.source, identifier, None, offset=offset,
                                deleted=True)
        metadata = node.find("oai:metadata", _NS)
        if metadata is None or len(metadata) == 0:
            return RecordProblem(self.source, "record has no metadata", record_id=identifier,
                                 offset=offset, library=self.library)
        try:
            record = read_metadata(metadata[0], metadata_prefix, identifier=identifier)
        except (MetadataError, ValueError) as exc:
            return RecordProblem(self.source, f"{metadata_prefix} metadata unreadable: {exc}",
                                 record_id=identifier, offset=offset, library=self.library)
        repairs = repairs_for(record) if sanitised else []
        return SourceRecord(self.library, self.source, identifier, record, offset=offset,
                            repairs=repairs)


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
