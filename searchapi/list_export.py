"""A result list as one export: ``GET /api/v1/search?…&format=`` in every export format.

What callers may rely on: the export holds the first :data:`EXPORT_LIMIT` books of the search,
in the search's order (filters and sort as given; ``page``, ``size`` and ``cursor`` are ignored),
and says how many it holds and how many matched in the headers ``X-Total-Count`` (matched) and
``X-Export-Count`` (exported). The body is streamed batch by batch (:data:`BATCH` books), so
memory stays bounded whatever the formats. MARC formats carry each book's union record
(:func:`searchapi.exports.union_marc`); a collection is MARCXML ``<collection>``, consecutive
ISO 2709 records, or a JSON array of MARC-in-JSON; BibTeX keys are made unique within the list.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import aclosing
from typing import Any

from aiohttp import web

from indexer.store import Store
from mucluc.core.errors import EngineError
from searchapi import citations, exports

log = logging.getLogger("mucluc.api")

EXPORT_LIMIT = 1_000
BATCH = 100
MARCXML_OPEN = b'<collection xmlns="http://www.loc.gov/MARC21/slim">\n'


async def _books(
    store: Store, query: dict[str, Any], sort: list[Any]
) -> AsyncIterator[list[dict[str, Any]]]:
    """Batches of hits (id and source), at most EXPORT_LIMIT in all."""
    left = EXPORT_LIMIT
    pages = store.scan(
        "union",
        query,
        source=["display", "holdings", "members"],
        sort=sort,
        page_size=BATCH,
        doing="exporting a result list",
    )
    async with aclosing(pages) as batches:  # type: ignore[type-var]
        async for hits in batches:
            yield hits[:left]
            left -= len(hits)
            if left <= 0:
                return


async def _marc(store: Store, hits: list[dict[str, Any]]) -> list[bytes]:
    """Each book's preferred MARC record (one mget per batch), as union records."""
    wanted = {
        hit["_id"]: hit["_source"].get("display", {}).get("preferred")
        or next(iter(hit["_source"].get("members", [])), "")
        for hit in hits
    }
    found = await store.mget(
        "records",
        [m for m in wanted.values() if m],
        source=["marc"],
        doing="reading MARC records",
    )
    records = []
    for hit in hits:
        marc = found.get(wanted[hit["_id"]], {}).get("marc")
        if marc:
            records.append(exports.union_marc(marc, hit["_source"].get("holdings", [])))
    return records


def _writer(name: str) -> tuple[bytes, Callable[[int, bytes], bytes], bytes]:
    """(opening, item → bytes given its position, closing) of a list in format ``name``."""
    if name == "marcxml":
        return (
            exports.XML_DECLARATION + MARCXML_OPEN,
            lambda _, item: item + b"\n",
            b"</collection>\n",
        )
    if name in ("marc-json", "csl-json"):
        return b"[", lambda n, item: (b"," if n else b"") + item, b"]\n"
    if name == "bibtex":
        return b"", lambda n, item: (b"\n" if n else b"") + item, b""
    return b"", lambda _, item: item, b""


def _items(
    name: str, store_hits: list[dict[str, Any]], records: list[Any], seen: dict[str, int]
) -> list[bytes]:
    """The batch's entries in format ``name``; ``seen`` counts BibTeX keys across batches."""
    if name == "marcxml":
        return [exports.marcxml(r)[len(exports.XML_DECLARATION) :] for r in records]
    if name == "iso2709":
        return [exports.iso2709(r) for r in records]
    if name == "marc-json":
        return [exports.marc_json(r) for r in records]
    displays = [(h["_source"].get("display", {}), h["_id"]) for h in store_hits]
    if name == "csl-json":
        return [
            json.dumps(citations.csl_item(d, i), ensure_ascii=False).encode("utf-8")
            for d, i in displays
        ]
    if name == "bibtex":
        entries = []
        for display, doc_id in displays:
            key = citations.bibtex_key(display, doc_id)
            seen[key] = seen.get(key, 0) + 1
            unique = citations.unique_keys([key] * seen[key])[-1]
            entries.append(citations.bibtex(display, doc_id, unique))
        return entries
    return [citations.ris(d, i) for d, i in displays]


async def export_results(
    request: web.Request,
    store: Store,
    name: str,
    query: dict[str, Any],
    sort: list[Any],
    total: int,
) -> web.StreamResponse:
    """Stream the search's first EXPORT_LIMIT books as export ``name``.

    Should the engine fail midway, the body ends unfinished (a truncated chunked response),
    never with an error text inside an export."""
    export = exports.EXPORTS[name]
    response = web.StreamResponse(
        headers={
            "Content-Type": export.content_type + ("; charset=utf-8" if name != "iso2709" else ""),
            "Content-Disposition": f'attachment; filename="mucluc-results.{export.extension}"',
            "X-Total-Count": str(total),
            "X-Export-Count": str(min(total, EXPORT_LIMIT)),
            "X-Export-Limit": str(EXPORT_LIMIT),
        }
    )
    opening, item, closing = _writer(name)
    await response.prepare(request)
    await response.write(opening)
    position = 0
    seen: dict[str, int] = {}
    try:
        async for hits in _books(store, query, sort):
            records = await _marc(store, hits) if export.from_marc else []
            for chunk in _items(name, hits, records, seen):
                await response.write(item(position, chunk))
                position += 1
    except EngineError as exc:
        # The status is already sent: end the body unfinished so the client sees a failure
        # (no closing bracket or tag, no final chunk), and say nothing internal.
        log.warning("result list export stopped after %d books: %s", position, exc.message)
        response.force_close()
        return response
    await response.write(closing)
    await response.write_eof()
    return response
