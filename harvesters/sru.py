"""SRU (Search/Retrieve via URL) client: searchRetrieve with CQL, paged by startRecord.

Koha, Zebra and many national catalogues answer SRU. Versions 1.1 and 1.2 share the namespace
``http://www.loc.gov/zing/srw/``; 2.0 (OASIS searchRetrieve) moved it to
``http://docs.oasis-open.org/ns/search-ws/sruResponse``, renamed ``recordPacking`` (xml/string) to
``recordXMLEscaping`` and made ``numberOfRecords`` optional. The response is read by the namespace
it actually carries, not the version asked for, because servers downgrade silently.

Diagnostics: a response with diagnostics and no records is a failure, raised as
:class:`SRUDiagnostic` (a :class:`~mucluc.core.errors.HarvestError`) carrying the diagnostic's URI,
message and details. A *surrogate* diagnostic in place of one record becomes a
:class:`RecordProblem` for that position, and the other records still arrive.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import aiohttp
from lxml import etree

from harvesters.metadata import MetadataError, control_number, read_metadata
from harvesters.records import RecordProblem, SourceRecord
from harvesters.transport import ProtocolClient, RetryPolicy
from harvesters.xml_safety import UnsafeXML, parse_untrusted
from mucluc.core.errors import HarvestError

SRU_1_NS = "http://www.loc.gov/zing/srw/"
SRU_2_NS = "http://docs.oasis-open.org/ns/search-ws/sruResponse"
DIAGNOSTIC_NS = (
    "http://www.loc.gov/zing/srw/diagnostic/",
    "http://docs.oasis-open.org/ns/search-ws/diagnostic",
)
VERSIONS = ("1.1", "1.2", "2.0")


@dataclass(frozen=True)
class Diagnostic:
    """One SRU diagnostic: ``uri`` such as ``info:srw/diagnostic/1/61``, message, details."""

    uri: str
    message: str = ""
    details: str = ""

    def describe(self) -> str:
        text = self.message or self.uri
        return f"{text} ({self.details})" if self.details else text


class SRUDiagnostic(HarvestError):
    """The server answered searchRetrieve with a fatal diagnostic."""

    def __init__(self, message: str, *, diagnostic: Diagnostic, source: str = "",
                 library: str = "") -> None:
        super().__init__(message, source=source, library=library)
        self.diagnostic = diagnostic
        self.uri = diagnostic.uri


@dataclass
class SearchRetrieveResponse:
    """One searchRetrieve page."""

    version: str
    number_of_records: int | None
    items: list[SourceRecord | RecordProblem]
    next_record_position: int | None
    diagnostics: list[Diagnostic] = field(default_factory=list)


def _diagnostic(node: etree._Element) -> Diagnostic:
    def child(name: str) -> str:
        for ns in DIAGNOSTIC_NS:
            found = node.find(f"{{{ns}}}{name}")
            if found is not None:
                return " ".join((found.text or "").split())
        return ""

    return Diagnostic(uri=child("uri"), message=child("message"), details=child("details"))


def _int(text: str | None) -> int | None:
    try:
        return int((text or "").strip())
    except ValueError:
        return None


class SRUClient(ProtocolClient):
    """One SRU endpoint (``http://host:port/Database``). Use as an async context manager."""

    PROTOCOL = "SRU"

    def __init__(
        self,
        base_url: str,
        *,
        source: str,
        library: str = "",
        version: str = "1.2",
        record_schema: str = "marcxml",
        session: aiohttp.ClientSession | None = None,
        auth: tuple[str, str] | None = None,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if version not in VERSIONS:
            raise ValueError(f"SRU version {version!r} is not one of {', '.join(VERSIONS)}")
        super().__init__(
            base_url, source=source, library=library, session=session, auth=auth,
            policy=policy, sleep=sleep,
        )
        self.version = version
        self.record_schema = record_schema

    async def search_retrieve(
        self,
        query: str,
        *,
        start_record: int = 1,
        maximum_records: int = 50,
        escaped: bool = False,
    ) -> SearchRetrieveResponse:
        """One searchRetrieve request (CQL ``query``). ``escaped`` asks for records as escaped
        strings (``recordPacking=string`` / ``recordXMLEscaping=string``), which some servers
        need for records that are not well-formed on their own."""
        params = {
            "operation": "searchRetrieve",
            "version": self.version,
            "query": query,
            "startRecord": str(start_record),
            "maximumRecords": str(maximum_records),
            "recordSchema": self.record_schema,
        }
        packing = "string" if escaped else "xml"
        params["recordXMLEscaping" if self.version == "2.0" else "recordPacking"] = packing
        parsed = await self.get(params)
        return self._response(parsed.root, start_record)

    def _response(self, root: etree._Element, start_record: int) -> SearchRetrieveResponse:
        qname = etree.QName(root)
        if qname.localname != "searchRetrieveResponse" or qname.namespace not in (SRU_1_NS,
                                                                                 SRU_2_NS):
            raise HarvestError(
                f"{self.source}: not an SRU searchRetrieveResponse (root {root.tag!r})",
                source=self.source, library=self.library,
            )
        ns = qname.namespace
        version = "2.0" if ns == SRU_2_NS else (root.findtext(f"{{{ns}}}version") or "1.x")
        diagnostics = [
            _diagnostic(node)
            for node in root.iterfind(f"{{{ns}}}diagnostics/*")
            if etree.QName(node).localname == "diagnostic"
        ]
        records = root.findall(f"{{{ns}}}records/{{{ns}}}record")
        if diagnostics and not records:
            first = diagnostics[0]
            raise SRUDiagnostic(
                f"{self.source}: searchRetrieve failed: {first.describe()} [{first.uri}]",
                diagnostic=first, source=self.source, library=self.library,
            )
        items = [self._item(node, ns, start_record + i) for i, node in enumerate(records)]
        return SearchRetrieveResponse(
            version=version,
            number_of_records=_int(root.findtext(f"{{{ns}}}numberOfRecords")),
            items=items,
            next_record_position=_int(root.findtext(f"{{{ns}}}nextRecordPosition")),
            diagnostics=diagnostics,
        )

    def _item(self, node: etree._Element, ns: str, fallback_position: int
              ) -> SourceRecord | RecordProblem:
        position = _int(node.findtext(f"{{{ns}}}recordPosition")) or fallback_position
        schema = node.findtext(f"{{{ns}}}recordSchema") or self.record_schema
        data = node.find(f"{{{ns}}}recordData")
        if data is None:
            return RecordProblem(self.source, "record has no recordData", offset=position,
                                 library=self.library)
        if len(data) == 0 and (data.text or "").strip():
            # recordPacking=string: the record is escaped text, parsed with the same safety.
            try:
                element = parse_untrusted(data.text.strip().encode("utf-8"), source=self.source,
                                          library=self.library,
                                          max_bytes=self.policy.max_bytes).root
            except UnsafeXML:
                raise
            except HarvestError as exc:
                return RecordProblem(self.source, f"escaped record unreadable: {exc.message}",
                                     offset=position, library=self.library)
        elif len(data):
            element = data[0]
        else:
            return RecordProblem(self.source, "empty recordData", offset=position,
                                 library=self.library)
        if "diagnostic" in schema or etree.QName(element).namespace in DIAGNOSTIC_NS:
            return RecordProblem(self.source, f"surrogate diagnostic: "
                                 f"{_diagnostic(element).describe()}", offset=position,
                                 library=self.library)
        try:
            record = read_metadata(element, schema)
        except (MetadataError, ValueError) as exc:
            return RecordProblem(self.source, f"{schema} record unreadable: {exc}",
                                 offset=position, library=self.library)
        local_id = control_number(record) or f"{self.source}#{position}"
        return SourceRecord(self.library, self.source, local_id, record, offset=position)

    async def records(
        self,
        query: str,
        *,
        maximum_records: int = 50,
        limit: int | None = None,
        escaped: bool = False,
        max_pages: int = 100_000,
    ) -> AsyncIterator[SourceRecord | RecordProblem]:
        """Every record matching ``query``, page by page (``startRecord`` from 1).

        Follows ``nextRecordPosition`` when the server sends it, else counts records against
        ``numberOfRecords``. Stops after ``limit`` items; a server whose next position does not
        advance is an error rather than an endless loop.
        """
        start = 1
        delivered = 0
        for _ in range(max_pages):
            page_size = maximum_records if limit is None else min(maximum_records,
                                                                  limit - delivered)
            if page_size <= 0:
                return
            response = await self.search_retrieve(query, start_record=start,
                                                  maximum_records=page_size, escaped=escaped)
            for item in response.items:
                yield item
                delivered += 1
                if limit is not None and delivered >= limit:
                    return
            if not response.items:
                return
            following = response.next_record_position or start + len(response.items)
            if response.next_record_position is None and (
                response.number_of_records is None or following > response.number_of_records
            ):
                return
            if following <= start:
                raise HarvestError(
                    f"{self.source}: nextRecordPosition {following} does not advance past "
                    f"startRecord {start}", source=self.source, library=self.library,
                )
            start = following
        raise HarvestError(f"{self.source}: searchRetrieve did not end after {max_pages} pages",
                           source=self.source, library=self.library)
