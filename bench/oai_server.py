"""A local OAI-PMH provider for the harvest benchmark: ``python -m bench.oai_server PORT``.

``GET /oai/<total>?verb=ListRecords&metadataPrefix=marc21`` lists ``total`` MARCXML records,
``PAGE_SIZE`` per page, with resumptionTokens ``p<page>``. Records are made by
:func:`mucluc.demo.generate_records`: a pool of ``POOL`` distinct records is rendered once, and
record ``i`` of the list is pool record ``i % POOL`` under the identifier ``oai:bench:<i>``, so a
list of a million records costs the server a string join per page, not a million renderings;
the harvester, not the provider, is what the benchmark measures. Runs in its own process so it
does not share the harvester's event loop or interpreter lock.
"""

from __future__ import annotations

import sys

import pymarc
from aiohttp import web

from mucluc.demo.generate import generate_records

PAGE_SIZE = 100
POOL = 500
POOL_SEED = 7  # the generator's seed of the pool (a file of the same records uses it too)
RESPONSE_DATE = "2026-03-04T05:06:07Z"
HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
    f"<responseDate>{RESPONSE_DATE}</responseDate>"
)
IDENTIFY = (
    f'{HEAD}<request verb="Identify">http://127.0.0.1/oai</request><Identify>'
    "<repositoryName>Mục lục benchmark</repositoryName><baseURL>http://127.0.0.1/oai</baseURL>"
    "<protocolVersion>2.0</protocolVersion><adminEmail>bench@example.vn</adminEmail>"
    "<earliestDatestamp>2000-01-01T00:00:00Z</earliestDatestamp>"
    "<deletedRecord>persistent</deletedRecord><granularity>YYYY-MM-DDThh:mm:ssZ</granularity>"
    "</Identify></OAI-PMH>"
)


def render_pool(size: int = POOL) -> list[str]:
    """MARCXML (slim namespace, no XML declaration) of ``size`` generated records."""
    return [
        pymarc.record_to_xml(record, namespace=True).decode("utf-8")
        for record in generate_records(size, seed=POOL_SEED)
    ]


def page_xml(pool: list[str], total: int, page: int, page_size: int = PAGE_SIZE) -> str:
    start = (page - 1) * page_size
    end = min(start + page_size, total)
    parts = [f'{HEAD}<request verb="ListRecords">http://127.0.0.1/oai</request><ListRecords>']
    for i in range(start, end):
        parts.append(
            f"<record><header><identifier>oai:bench:{i}</identifier>"
            f"<datestamp>2026-01-01T00:00:00Z</datestamp></header>"
            f"<metadata>{pool[i % len(pool)]}</metadata></record>"
        )
    if end < total:
        parts.append(f'<resumptionToken completeListSize="{total}" cursor="{start}">'
                     f"p{page + 1}</resumptionToken>")
    elif page > 1:
        parts.append(f'<resumptionToken completeListSize="{total}" cursor="{start}"/>')
    parts.append("</ListRecords></OAI-PMH>")
    return "".join(parts)


def app(pool: list[str] | None = None) -> web.Application:
    records = pool or render_pool()

    async def handle(request: web.Request) -> web.Response:
        total = int(request.match_info["total"])
        verb = request.query.get("verb")
        if verb == "Identify":
            text = IDENTIFY
        else:
            token = request.query.get("resumptionToken", "p1")
            text = page_xml(records, total, int(token[1:]))
        return web.Response(body=text.encode("utf-8"), content_type="text/xml",
                            charset="utf-8")

    application = web.Application()
    application.router.add_get("/oai/{total:\\d+}", handle)
    return application


def main(argv: list[str]) -> None:
    """``PORT [POOL]``: a pool of POOL distinct records (default ``POOL``)."""
    port = int(argv[0])
    application = app(render_pool(int(argv[1])) if len(argv) > 1 else None)
    web.run_app(application, host="127.0.0.1", port=port, print=None, access_log=None)


if __name__ == "__main__":
    main(sys.argv[1:])
