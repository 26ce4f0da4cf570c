"""``GET|POST /oai``: the union catalogue as an OAI-PMH 2.0 repository.

The six verbs over the union index and its tombstones. Records are listed in ``(updated_at,
id)`` order with ``search_after``; a resumptionToken is that position, signed
(:mod:`searchapi.oai.tokens`), so nothing lives on the server between requests. A record's
datestamp is its union document's ``updated_at``, which moves only when the document changes
(:mod:`indexer.tombstones`); a vanished record is served from its tombstone as
``status="deleted"`` for as long as the catalogue exists (``deletedRecord=persistent``).
Identifiers are ``oai:<MUCLUC_OAI_REPOSITORY_ID>:<union id>``: union ids are derived from the
member records, so they stay the same across reindexes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from lxml import etree

from indexer.store import Store
from mucluc.core import settings
from mucluc.core.errors import ApiError
from mucluc.core.library import KINDS, Library
from searchapi.oai import formats, tokens
from searchapi.oai.protocol import (
    EARLIEST_WHEN_EMPTY,
    GRANULARITY,
    OAI_NS,
    OAI_SCHEMA,
    OaiError,
    check_arguments,
    identifier,
    range_of,
    set_filter,
    set_specs,
    union_id_of,
    utc,
)
from searchapi.state import LIBRARIES, STORE
from searchapi.xml_text import xml_text

DEFAULT_PAGE_SIZE = 100
FORM = "application/x-www-form-urlencoded"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
OAI = f"{{{OAI_NS}}}"
HEADER_SOURCE = ["updated_at", "libraries", "library_kinds"]
#: What each list reads of the union documents (and tombstones): no search-only fields.
LIST_SOURCE = {
    "marc21": [*HEADER_SOURCE, "holdings", "display.preferred"],
    "oai_dc": [*HEADER_SOURCE, "display"],
}


@dataclass(frozen=True)
class Repository:
    """What the provider needs besides the store: read once when the app starts."""

    repository_id: str
    admin_email: str
    secret: str
    page_size: int = DEFAULT_PAGE_SIZE


REPOSITORY: web.AppKey[Repository] = web.AppKey("oai_repository", Repository)


def add_routes(app: web.Application, *, page_size: int = DEFAULT_PAGE_SIZE) -> None:
    """Serve ``/oai`` (GET and POST, as the protocol requires) on ``app``."""
    app[REPOSITORY] = Repository(
        settings.oai_repository_id(), settings.oai_admin_email(), settings.oai_secret(),
        page_size,
    )
    app.router.add_get("/oai", oai)
    app.router.add_post("/oai", oai)


@dataclass
class Request:
    store: Store
    repository: Repository
    libraries: Mapping[str, Library]
    verb: str
    args: dict[str, str]
    base_url: str

    @property
    def key(self) -> bytes:
        return tokens.key(self.store.prefix, self.repository.secret)

    @property
    def indices(self) -> str:
        """The union alias and the tombstones (a wildcard: catalogues without any still work)."""
        return f"{self.store.alias('union')},{self.store.alias('tombstones')}*"


async def oai(request: web.Request) -> web.Response:
    if request.method == "POST":
        if request.content_type != FORM:
            raise ApiError(415, "unsupported_media_type",
                           f"OAI-PMH requests are sent as {FORM} (or with GET).")
        try:
            form = await request.post()
        except ValueError as exc:
            raise ApiError(400, "bad_form", "The form body cannot be read.") from exc
        pairs = [(k, str(v)) for k, v in form.items()]
    else:
        pairs = list(request.query.items())
    given: dict[str, list[str]] = {}
    for name, value in pairs:
        given.setdefault(name, []).append(value)
    root = etree.Element(f"{OAI}OAI-PMH", nsmap={None: OAI_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_NS} {OAI_SCHEMA}")
    etree.SubElement(root, f"{OAI}responseDate").text = _now()
    echo = etree.SubElement(root, f"{OAI}request")
    echo.text = str(request.url.with_query(None))
    try:
        verb, args = check_arguments(given)
        for name, value in [("verb", verb), *sorted(args.items())]:
            echo.set(name, xml_text(value))
        context = Request(request.app[STORE], request.app[REPOSITORY], request.app[LIBRARIES],
                          verb, args, echo.text)
        root.append(await VERBS[verb](context))
    except OaiError as exc:
        if exc.code in ("badVerb", "badArgument"):  # the specification: the base URL only
            echo.attrib.clear()
        error = etree.SubElement(root, f"{OAI}error", code=exc.code)
        error.text = exc.message
    body = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return web.Response(body=body, content_type="text/xml", charset="utf-8")


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


async def identify(request: Request) -> etree._Element:
    response = await request.store.search(
        request.indices, {"size": 0, "aggs": {"earliest": {"min": {"field": "updated_at"}}}},
        doing="finding the earliest datestamp",
    )
    earliest = response["aggregations"]["earliest"].get("value")
    element = etree.Element(f"{OAI}Identify")
    for tag, value in (
        ("repositoryName", "Mục lục"),
        ("baseURL", request.base_url),
        ("protocolVersion", "2.0"),
        ("adminEmail", request.repository.admin_email),
        ("earliestDatestamp", utc(earliest) if earliest is not None else EARLIEST_WHEN_EMPTY),
        ("deletedRecord", "persistent"),
        ("granularity", GRANULARITY),
    ):
        etree.SubElement(element, f"{OAI}{tag}").text = value
    return element


async def list_metadata_formats(request: Request) -> etree._Element:
    if "identifier" in request.args:
        await _find(request, request.args["identifier"])
    element = etree.Element(f"{OAI}ListMetadataFormats")
    for fmt in formats.FORMATS.values():
        entry = etree.SubElement(element, f"{OAI}metadataFormat")
        etree.SubElement(entry, f"{OAI}metadataPrefix").text = fmt.prefix
        etree.SubElement(entry, f"{OAI}schema").text = fmt.schema
        etree.SubElement(entry, f"{OAI}metadataNamespace").text = fmt.namespace
    return element


async def list_sets(request: Request) -> etree._Element:
    if "resumptionToken" in request.args:
        raise OaiError("badResumptionToken", "ListSets is answered whole; it has no tokens.")
    element = etree.Element(f"{OAI}ListSets")
    entries = [("library", "Every library"), ("kind", "Every kind of library")]
    entries += [(f"library:{code}", lib.name) for code, lib in sorted(request.libraries.items())]
    kinds = {lib.kind for lib in request.libraries.values()}
    entries += [(f"kind:{kind}", f"Libraries of the kind {kind}") for kind in KINDS
                if kind in kinds]
    for spec, name in entries:
        entry = etree.SubElement(element, f"{OAI}set")
        etree.SubElement(entry, f"{OAI}setSpec").text = spec
        etree.SubElement(entry, f"{OAI}setName").text = xml_text(name)
    return element


async def get_record(request: Request) -> etree._Element:
    prefix = _format(request.args["metadataPrefix"])
    hit = await _find(request, request.args["identifier"])
    element = etree.Element(f"{OAI}GetRecord")
    element.extend(await _records(request, [hit], prefix, with_metadata=True))
    return element


async def _find(request: Request, oai_id: str) -> dict[str, Any]:
    """The union document or tombstone an identifier names, shaped as a search hit."""
    union_id = union_id_of(request.repository.repository_id, oai_id)
    found = await request.store.get("union", union_id, doing="reading a record")
    if found is not None:
        return {"_id": union_id, "_source": found, "deleted": False}
    stone = await request.store.get("tombstones", union_id, doing="reading a tombstone")
    if stone is not None:
        return {"_id": union_id, "_source": stone, "deleted": True}
    raise OaiError("idDoesNotExist", f"{oai_id!r} is not a record of this repository.")


def _format(prefix: str) -> str:
    if prefix not in formats.FORMATS:
        raise OaiError("cannotDisseminateFormat",
                       f"{prefix!r} is not served; use one of {', '.join(formats.FORMATS)}.")
    return prefix


async def list_records(request: Request) -> etree._Element:
    return await _list(request, with_metadata=True)


async def list_identifiers(request: Request) -> etree._Element:
    return await _list(request, with_metadata=False)


async def _list(request: Request, *, with_metadata: bool) -> etree._Element:
    args = request.args
    if "resumptionToken" in args:
        try:
            position = tokens.decode(args["resumptionToken"], request.key)
        except tokens.BadToken as exc:
            raise OaiError("badResumptionToken", str(exc)) from exc
        if position.verb != request.verb:
            raise OaiError("badResumptionToken", f"This token continues a {position.verb}.")
    else:
        position = tokens.Position(
            request.verb, _format(args["metadataPrefix"]), args.get("set", ""),
            args.get("from", ""), args.get("until", ""), after=[], cursor=0, complete=-1,
        )
    query = _query(position)
    size = request.repository.page_size
    body: dict[str, Any] = {
        "query": query,
        "size": size + 1,  # one more: is there a next page?
        "sort": [{"updated_at": "asc"}, {"id": "asc"}],
        "_source": LIST_SOURCE[position.metadata_prefix] if with_metadata else HEADER_SOURCE,
        "track_total_hits": position.complete < 0,
    }
    if position.after:
        body["search_after"] = position.after
    response = await request.store.search(request.indices, body, doing="listing records")
    hits = response["hits"]["hits"]
    complete = position.complete
    if complete < 0:
        complete = int(response["hits"]["total"]["value"])
    if not hits and position.cursor == 0:
        raise OaiError("noRecordsMatch", "No record matches these arguments.")
    page = hits[:size]
    prefix = request.store.alias("tombstones")
    for hit in page:
        hit["deleted"] = hit["_index"].startswith(prefix)
    element = etree.Element(f"{OAI}{request.verb}")
    element.extend(await _records(request, page, position.metadata_prefix,
                                  with_metadata=with_metadata))
    if len(hits) > size or position.cursor > 0:
        token = etree.SubElement(element, f"{OAI}resumptionToken",
                                 completeListSize=str(max(complete, position.cursor + len(page))),
                                 cursor=str(position.cursor))
        if len(hits) > size:
            following = tokens.Position(
                position.verb, position.metadata_prefix, position.set_spec, position.from_,
                position.until, after=page[-1]["sort"], cursor=position.cursor + len(page),
                complete=complete,
            )
            token.text, expires = tokens.encode(following, request.key)
            token.set("expirationDate", datetime.fromtimestamp(expires, UTC)
                      .strftime("%Y-%m-%dT%H:%M:%SZ"))
    return element


def _query(position: tokens.Position) -> dict[str, Any]:
    filters: list[dict[str, Any]] = []
    bounds = range_of(position.from_, position.until)
    if bounds:
        filters.append({"range": {"updated_at": bounds}})
    if position.set_spec:
        found = set_filter(position.set_spec)
        if found is None:
            raise OaiError("noRecordsMatch", f"There is no set {position.set_spec!r}.")
        filters.append(found)
    return {"bool": {"filter": filters}} if filters else {"match_all": {}}


async def _records(request: Request, hits: list[dict[str, Any]], prefix: str, *,
                   with_metadata: bool) -> list[etree._Element]:
    marcs: dict[str, dict[str, Any]] = {}
    if with_metadata and prefix == "marc21":
        wanted = [h["_source"].get("display", {}).get("preferred") for h in hits
                  if not h["deleted"]]
        marcs = await request.store.mget("records", [w for w in wanted if w], source=["marc"],
                                         doing="reading MARC records")
    repository = request.repository.repository_id
    elements = []
    for hit in hits:
        source, union_id = hit["_source"], hit["_id"]
        header = etree.Element(f"{OAI}header")
        if hit["deleted"]:
            header.set("status", "deleted")
        etree.SubElement(header, f"{OAI}identifier").text = identifier(repository, union_id)
        etree.SubElement(header, f"{OAI}datestamp").text = utc(source["updated_at"])
        for spec in set_specs(source.get("libraries", []), source.get("library_kinds", [])):
            etree.SubElement(header, f"{OAI}setSpec").text = spec
        if not with_metadata:
            elements.append(header)
            continue
        record = etree.Element(f"{OAI}record")
        record.append(header)
        if not hit["deleted"]:
            metadata = etree.SubElement(record, f"{OAI}metadata")
            if prefix == "marc21":
                preferred = source.get("display", {}).get("preferred", "")
                marc = marcs.get(preferred, {}).get("marc")
                metadata.append(formats.marc21(union_id, source, marc, repository))
            else:
                metadata.append(formats.oai_dc(union_id, source))
        elements.append(record)
    return elements


VERBS = {
    "Identify": identify,
    "ListMetadataFormats": list_metadata_formats,
    "ListSets": list_sets,
    "GetRecord": get_record,
    "ListIdentifiers": list_identifiers,
    "ListRecords": list_records,
}
