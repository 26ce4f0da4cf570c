"""The OAI-PMH protocol, one request at a time: Identify, ListSets, GetRecord, ListRecords.

:class:`OAIClient` returns parsed values for each verb; OAI error codes are raised as the classes
of :mod:`harvesters.oaipmh.errors`, and transport faults (timeouts, dropped connections, truncated
XML, 5xx, ``503`` + ``Retry-After``) are retried under a bounded
:class:`~harvesters.transport.RetryPolicy`.

Record identity: ``SourceRecord.local_id`` is the library's own record number, the record's MARC
001, so a harvested holding is the one a librarian finds in their own system and the same record
loaded from a file is the same raw-store record. ``SourceRecord.source_id`` keeps the OAI
identifier from the header, because it is the only identifier a deletion
(``<header status="deleted">``) carries: the loader finds the record to delete by it. A record
without a 001 keeps the OAI identifier as its ``local_id``.

Re-harvests: every record carries the hash of its XML (``raw_hash``, see
:func:`harvesters.unchanged.harvested_hash`). A client given a
:class:`~harvesters.unchanged.KnownHarvested` asks it once per page for the stored records of
the page's identifiers and does not decode a record whose XML the store already holds under
that identifier: it comes as ``SourceRecord(unchanged=True)`` with the stored local id,
checksum and repairs, which is what decoding it would give.

A ListRecords page is two steps, so a harvest can overlap them (:mod:`.harvesting`):
:meth:`OAIClient.fetch_records` gets and parses the page and hashes its records, off the event
loop (lxml and the hash release the interpreter lock), which gives the next resumptionToken;
:meth:`OAIClient.read_records` asks for the stored records and decodes those that changed.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from lxml import etree

from harvesters.metadata import MetadataError, control_number, read_metadata, repairs_for
from harvesters.oaipmh.errors import OAI_ERRORS, NoRecordsMatch, OAIError
from harvesters.records import RecordProblem, SourceRecord
from harvesters.transport import ProtocolClient
from harvesters.unchanged import KnownHarvested, StoredHarvested, harvested_hash
from harvesters.union_peer import library_part
from harvesters.xml_safety import ParsedXML
from mucluc.core.errors import HarvestError

log = logging.getLogger(__name__)

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
_NS = {"oai": OAI_NS}


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


@dataclass(frozen=True)
class RecordHead:
    """What a ``<record>`` says before it is decoded: its identifier (empty when the header
    has none), whether it is a deletion, and the hash of its XML (empty for those two)."""

    node: etree._Element
    identifier: str
    deleted: bool
    digest: str


@dataclass
class FetchedPage:
    """One ListRecords page fetched and parsed, its records not read yet
    (:meth:`OAIClient.read_records` reads them)."""

    response_date: str
    records: list[RecordHead]
    resumption_token: str | None
    metadata_prefix: str
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

    #: Set by a consumer that stores what it harvests: records it holds as they are are not
    #: decoded (see the module docstring).
    known: KnownHarvested | None = None

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
        head = record_head(node, self.library, metadata_prefix, parsed.sanitised > 0)
        return self._item(head, metadata_prefix, None, parsed.sanitised > 0, {})

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
        page = await self.fetch_records(metadata_prefix=metadata_prefix, set_spec=set_spec,
                                        from_=from_, until=until,
                                        resumption_token=resumption_token)
        return await self.read_records(page, offset=offset)

    async def fetch_records(
        self,
        *,
        metadata_prefix: str = "marc21",
        set_spec: str | None = None,
        from_: str | None = None,
        until: str | None = None,
        resumption_token: str | None = None,
    ) -> FetchedPage:
        """The first step of :meth:`list_records`: the page fetched, parsed and its records
        hashed (both off the event loop); nothing asked of the store, nothing decoded."""
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
            return FetchedPage(response_date=exc.response_date, records=[],
                               resumption_token=None, metadata_prefix=metadata_prefix)
        root = parsed.root
        list_node = root.find("oai:ListRecords", _NS)
        if list_node is None:
            raise HarvestError(f"{self.source}: ListRecords answer has no ListRecords element",
                               source=self.source, library=self.library)
        sanitised = parsed.sanitised > 0
        records = await asyncio.to_thread(_heads, list_node, self.library, metadata_prefix,
                                          sanitised)
        token_node = list_node.find("oai:resumptionToken", _NS)
        token = (token_node.text or "").strip() if token_node is not None else ""
        return FetchedPage(
            response_date=_text(root, "oai:responseDate"),
            records=records,
            resumption_token=token or None,
            metadata_prefix=metadata_prefix,
            complete_list_size=_int_or_none(token_node.get("completeListSize"))
            if token_node is not None else None,
            cursor=_int_or_none(token_node.get("cursor")) if token_node is not None else None,
            sanitised=parsed.sanitised,
        )

    async def read_records(self, page: FetchedPage, *, offset: int = 0) -> ListRecordsResponse:
        """The second step of :meth:`list_records`: the page's items, the records the store
        holds as they are not decoded (one lookup for the page). Pages must be read in the
        order of the list: a record read marks its ids passed for the pages after it."""
        sanitised = page.sanitised > 0
        stored = await self._stored(page.records)
        items = [
            self._item(head, page.metadata_prefix, offset + i, sanitised, stored)
            for i, head in enumerate(page.records)
        ]
        if sanitised:
            repaired = [i.local_id for i in items if isinstance(i, SourceRecord) and i.repairs]
            log.warning("%s: replaced %d illegal XML characters in records %s", self.source,
                        page.sanitised, ", ".join(repaired) or "(outside records)")
        return ListRecordsResponse(
            response_date=page.response_date,
            items=items,
            resumption_token=page.resumption_token,
            complete_list_size=page.complete_list_size,
            cursor=page.cursor,
            sanitised=page.sanitised,
        )

    async def _stored(self, heads: list[RecordHead]) -> dict[str, list[StoredHarvested]]:
        """The stored records of a page's identifiers (one fetch; none without ``known``)."""
        if self.known is None:
            return {}
        identifiers = [head.identifier for head in heads if not head.deleted]
        return await self.known.stored(self.library, identifiers)

    def _item(self, head: RecordHead, metadata_prefix: str, offset: int | None,
              sanitised: bool, stored: dict[str, list[StoredHarvested]]
              ) -> SourceRecord | RecordProblem:
        item = self._read_item(head, metadata_prefix, offset, sanitised, stored)
        if self.known is not None:  # later records with these ids are decoded (see known)
            if isinstance(item, SourceRecord):
                self.known.pass_(self.library, item.source_id, item.local_id)
            else:
                self.known.pass_(self.library, item.record_id)
        return item

    def _read_item(self, head: RecordHead, metadata_prefix: str, offset: int | None,
                   sanitised: bool, stored: dict[str, list[StoredHarvested]]
                   ) -> SourceRecord | RecordProblem:
        node, identifier, digest = head.node, head.identifier, head.digest
        if not identifier:
            return RecordProblem(self.source, "record header has no identifier",
                                 offset=offset, library=self.library)
        if head.deleted:
            return SourceRecord(self.library, self.source, identifier, None, offset=offset,
                                deleted=True, source_id=identifier)
        if self.known is not None and stored and (
            found := self.known.skippable(self.library, identifier, digest, stored)
        ):
            local_id, kept = found
            assert kept is not None  # skippable only with a stored hash
            return SourceRecord(self.library, self.source, local_id, None, offset=offset,
                                repairs=list(kept.repairs), source_id=identifier,
                                checksum=kept.checksum, raw_hash=digest, unchanged=True)
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
        part = library_part(record, self.library)  # a union catalogue's record: this library's
        if part is not None:
            record, local_id = part
            return SourceRecord(self.library, self.source, local_id, record, offset=offset,
                                repairs=repairs, source_id=identifier, raw_hash=digest)
        return SourceRecord(self.library, self.source, control_number(record) or identifier,
                            record, offset=offset, repairs=repairs, source_id=identifier,
                            raw_hash=digest)


def record_head(node: etree._Element, library: str, metadata_prefix: str, sanitised: bool
          ) -> RecordHead:
    """A ``<record>``'s identifier, deletion status and, for the others, the hash of its XML
    as parsed with what its decoding depends on (:func:`~harvesters.unchanged.harvested_hash`)."""
    header = node.find("oai:header", _NS)
    identifier = _text(header, "oai:identifier") if header is not None else ""
    if not identifier:
        return RecordHead(node, "", False, "")
    if header is not None and header.get("status") == "deleted":
        return RecordHead(node, identifier, True, "")
    digest = harvested_hash(etree.tostring(node, with_tail=False), library=library,
                            metadata_prefix=metadata_prefix, sanitised=sanitised)
    return RecordHead(node, identifier, False, digest)


def _heads(list_node: etree._Element, library: str, metadata_prefix: str, sanitised: bool
           ) -> list[RecordHead]:
    """:func:`record_head` of every ``<record>`` of a ListRecords element (run in a worker thread:
    serialising and hashing release the interpreter lock)."""
    return [record_head(node, library, metadata_prefix, sanitised)
            for node in list_node.iterfind("oai:record", _NS)]
