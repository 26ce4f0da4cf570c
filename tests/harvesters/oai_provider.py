"""A small OAI-PMH provider for fault-injection tests, serving MARCXML records it generates.

It is a real HTTP peer (aiohttp on 127.0.0.1), not a mock of the client: the client sees real
sockets, real dropped connections, real 503s and real truncated bodies. Faults are armed per
page number and fire once each, so every scenario ends and its loops are bounded.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from aiohttp import web

RESPONSE_DATE = "2026-03-04T05:06:07Z"
OAI_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
    f"<responseDate>{RESPONSE_DATE}</responseDate>"
)


def record_id(n: int) -> str:
    """The OAI identifier of record ``n``."""
    return f"oai:dienbien.test:{n:05d}"


def control_number(n: int) -> str:
    """The 001 (the library's own record number) of record ``n``, unless overridden."""
    return f"DB{n:05d}"


@dataclass
class Provider:
    """ListRecords over ``total`` records, ``page_size`` per page; tokens are ``p<page>``.

    ``faults`` maps a page number (1-based) to one of: ``drop`` (connection closed mid-body),
    ``503`` (Retry-After: ``retry_after``), ``truncate`` (complete HTTP answer with half the
    XML), ``expire`` (badResumptionToken), ``slow`` (answer after ``slow_seconds``). Each fires
    once.
    """

    total: int = 50
    page_size: int = 7
    faults: dict[int, str] = field(default_factory=dict)
    deleted_every: int = 0  # every n-th record is a deletion
    repeat_token: bool = False  # always answer with the same resumptionToken
    illegal_in: frozenset[int] = frozenset()  # records whose title carries a control character
    granularity: str = "YYYY-MM-DDThh:mm:ssZ"
    control_numbers: dict[int, str] = field(default_factory=dict)  # 001 overrides; "" = no 001
    slow_seconds: float = 0.0
    retry_after: int = 1  # the 503's Retry-After (whole seconds, as HTTP has them)
    on_page: Callable[[int], Awaitable[None]] | None = None  # called before a page is served
    requests: list[dict[str, str]] = field(default_factory=list)
    fault_times: dict[str, float] = field(default_factory=dict)
    served_at: list[tuple[int, float]] = field(default_factory=list)

    @property
    def all_ids(self) -> list[str]:
        """Every record's OAI identifier."""
        return [record_id(n) for n in range(self.total)]

    def control_number(self, n: int) -> str:
        return self.control_numbers.get(n, control_number(n))

    @property
    def local_ids(self) -> list[str]:
        """Every record's identity in the library's system: its 001, else its OAI identifier."""
        return [self.control_number(n) or record_id(n) for n in range(self.total)]

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/oai", self.handle)
        return app

    def _record(self, n: int) -> str:
        header = (f"<identifier>{record_id(n)}</identifier>"
                  "<datestamp>2026-01-01T00:00:00Z</datestamp>")
        if self.deleted_every and n % self.deleted_every == 0:
            return f'<record><header status="deleted">{header}</header></record>'
        title = f"Lịch sử Điện Biên tập {n}"
        if n in self.illegal_in:
            title = f"Lịch sử\x0b Điện Biên tập {n}"
        return (
            f"<record><header>{header}</header><metadata>"
            '<record xmlns="http://www.loc.gov/MARC21/slim">'
            "<leader>00000nam a2200000 a 4500</leader>"
            + (f'<controlfield tag="001">{escape(self.control_number(n))}</controlfield>'
               if self.control_number(n) else "")
            + '<datafield tag="100" ind1="1" ind2=" "><subfield code="a">Nguyễn Văn A</subfield>'
            "</datafield>"
            f'<datafield tag="245" ind1="1" ind2="0"><subfield code="a">{escape(title)}'
            "</subfield></datafield>"
            "</record></metadata></record>"
        )

    def page_xml(self, page: int) -> str:
        start = (page - 1) * self.page_size
        records = "".join(self._record(n) for n in range(start, min(start + self.page_size,
                                                                    self.total)))
        more = start + self.page_size < self.total
        token = ""
        if self.repeat_token:
            token = '<resumptionToken cursor="0">same</resumptionToken>'
        elif more:
            token = (f'<resumptionToken completeListSize="{self.total}" cursor="{start}">'
                     f"p{page + 1}</resumptionToken>")
        elif page > 1:
            token = f'<resumptionToken completeListSize="{self.total}" cursor="{start}"/>'
        return (f'{OAI_HEAD}<request verb="ListRecords">http://127.0.0.1/oai</request>'
                f"<ListRecords>{records}{token}</ListRecords></OAI-PMH>")

    def error_xml(self, code: str, text: str) -> str:
        return (f"{OAI_HEAD}<request>http://127.0.0.1/oai</request>"
                f'<error code="{code}">{text}</error></OAI-PMH>')

    async def handle(self, request: web.Request) -> web.StreamResponse:
        query = dict(request.query)
        self.requests.append(query)
        verb = query.get("verb")
        if verb == "Identify":
            return self._xml(
                f"{OAI_HEAD}<request verb=\"Identify\">http://127.0.0.1/oai</request><Identify>"
                "<repositoryName>Thư viện thử</repositoryName><baseURL>http://127.0.0.1/oai"
                "</baseURL><protocolVersion>2.0</protocolVersion><adminEmail>a@b.c</adminEmail>"
                "<earliestDatestamp>2000-01-01T00:00:00Z</earliestDatestamp>"
                f"<deletedRecord>persistent</deletedRecord><granularity>{self.granularity}"
                "</granularity></Identify></OAI-PMH>"
            )
        if verb != "ListRecords":
            return self._xml(self.error_xml("badVerb", "only ListRecords here"))
        token = query.get("resumptionToken")
        if token == "same":
            page = 2
        elif token:
            if not token.startswith("p") or not token[1:].isdigit():
                return self._xml(self.error_xml("badResumptionToken", "unknown token"))
            page = int(token[1:])
        else:
            page = 1
        if self.on_page is not None:
            await self.on_page(page)
        fault = self.faults.pop(page, None)
        if fault:
            self.fault_times[fault] = asyncio.get_running_loop().time()
        body = self.page_xml(page).encode()
        if fault == "503":
            return web.Response(status=503, headers={"Retry-After": str(self.retry_after)},
                                text="busy")
        if fault == "expire":
            return self._xml(self.error_xml("badResumptionToken", "expired"))
        if fault == "truncate":
            return web.Response(body=body[: len(body) // 2], content_type="text/xml")
        if fault == "slow":
            await asyncio.sleep(self.slow_seconds)
        if fault == "drop":
            response = web.StreamResponse(headers={"Content-Type": "text/xml"})
            response.content_length = len(body)
            await response.prepare(request)
            await response.write(body[: len(body) // 3])
            assert request.transport is not None
            request.transport.close()
            return response
        self.served_at.append((page, asyncio.get_running_loop().time()))
        return self._xml(body.decode())

    @staticmethod
    def _xml(text: str) -> web.Response:
        return web.Response(text=text, content_type="text/xml", charset="utf-8")
