"""SRU client against Zebra (Debian ``idzebra-2.0``), the search server behind classic Koha,
loaded with Vietnamese MARC records the test writes.

Zebra indexes ISO 2709 with its ``grs.marc.usmarc`` filter and converts to MARCXML on retrieval
through YAZ's retrieval rules; CQL is mapped to Bib-1 by a subset of YAZ's ``pqf.properties``.
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest

from harvesters.records import SourceRecord
from harvesters.sru import SRUClient, SRUDiagnostic
from indexer.node import free_port
from tests.harvesters.peers import FAST, listening, require
from tests.marc_builders import book, write_marc

ZEBRAIDX = shutil.which("zebraidx")
ZEBRASRV = shutil.which("zebrasrv")
ZEBRA_TAB = Path("/usr/share/idzebra-2.0/tab")
TOTAL = 25
pytestmark = pytest.mark.peers
#: CQL → Bib-1 (PQF) mapping for zebrasrv: the subset of YAZ's etc/pqf.properties these tests use.
CQL_TO_PQF = """\
set.cql = info:srw/cql-context-set/1/cql-v1.2
set.dc = info:srw/cql-context-set/1/dc-v1.1
index.cql.serverChoice = 1=1016
index.cql.allRecords = 1=_ALLRECORDS 2=103
index.dc.title = 1=4
index.dc.creator = 1=1003
relation.eq = 2=3
relation.scr = 2=3
relation.= = 2=3
position.any = 3=3 6=1
structure.exact = 4=108
structure.* = 4=1
truncation.none = 5=100
always = 6=1
"""


def title(n: int) -> str:
    place = "Muong Thanh" if n % 5 == 0 else "Điện Biên Phủ"
    return f"Địa chí {place} tập {n}"


def make_records(path: Path) -> None:
    write_marc(path, [book(f"DB-TINH-{n:04d}", title(n), author="Đặng Văn Bài")
                      for n in range(TOTAL)])


@pytest.fixture(scope="module")
def zebra(tmp_path_factory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("zebra")
    for name in ("reg", "shadow", "lock", "tmp", "records", "tab"):
        (root / name).mkdir()
    # grs.marc reads records as ISO-8859-1 unless the abstract syntax says otherwise.
    (root / "tab" / "usmarc.abs").write_text(
        (ZEBRA_TAB / "usmarc.abs").read_text() + "\nencoding utf-8\n"
    )
    make_records(root / "records" / "dia-chi.mrc")
    (root / "zebra.cfg").write_text(
        f"profilePath: {root / 'tab'}:{ZEBRA_TAB}\nattset: bib1.att\nattset: explain.att\n"
        "recordType: grs.marc.usmarc\n"
        f"register: {root}/reg:100M\nshadow: {root}/shadow:100M\n"
        f"lockDir: {root}/lock\nkeyTmpDir: {root}/tmp\nisam: b\n"
    )
    zebraidx = require(ZEBRAIDX, "zebraidx", "idzebra-2.0")
    for command in (["update", str(root / "records")], ["commit"]):
        subprocess.run([zebraidx, "-c", "zebra.cfg", "-d", "Default", *command], cwd=root,
                       check=True, capture_output=True, timeout=60)
    (root / "cql2pqf.properties").write_text(CQL_TO_PQF)
    port = free_port()
    (root / "yazserver.xml").write_text(f"""<yazgfs>
  <listen id="public">tcp:127.0.0.1:{port}</listen>
  <server id="server1" listenref="public">
    <config>zebra.cfg</config>
    <cql2rpn>cql2pqf.properties</cql2rpn>
    <retrievalinfo>
      <retrieval syntax="xml" name="marcxml">
        <backend syntax="usmarc" name="F">
          <marc inputformat="marc" outputformat="marcxml" inputcharset="utf-8"/>
        </backend>
      </retrieval>
      <retrieval syntax="usmarc" name="F"/>
    </retrievalinfo>
  </server>
</yazgfs>
""")
    command = [require(ZEBRASRV, "zebrasrv", "idzebra-2.0"), "-f", "yazserver.xml"]
    log = root / "srv.log"
    with listening([*command, "-l", str(log)], port, log, cwd=root) as url:
        yield url


@pytest.mark.parametrize("version", ["1.1", "1.2", "2.0"])
async def test_all_records_with_vietnamese_titles(zebra, version):
    async with SRUClient(zebra, source="zebra", library="DB-TINH", version=version,
                         policy=FAST) as client:
        items = [i async for i in client.records("cql.allRecords=1", maximum_records=10)]
    assert all(isinstance(i, SourceRecord) for i in items)
    assert sorted(i.local_id for i in items) == [f"DB-TINH-{n:04d}" for n in range(TOTAL)]
    titles = {i.local_id: unicodedata.normalize("NFC", i.record["245"]["a"]) for i in items}
    assert titles["DB-TINH-0007"] == title(7)
    assert items[0].record["100"]["a"] == "Đặng Văn Bài"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("dc.title=muong", range(0, TOTAL, 5), id="ascii-word"),
        pytest.param("dc.title=điện", [n for n in range(TOTAL) if n % 5], id="vietnamese-word"),
        pytest.param('dc.title="điện biên phủ" and dc.title=7', [7], id="phrase-and-number"),
    ],
)
async def test_cql_title_search(zebra, query, expected):
    async with SRUClient(zebra, source="zebra", policy=FAST) as client:
        items = [i async for i in client.records(query, maximum_records=4)]
    assert sorted(i.local_id for i in items) == [f"DB-TINH-{n:04d}" for n in expected]


async def test_unknown_schema_is_a_diagnostic_error(zebra):
    async with SRUClient(zebra, source="zebra", record_schema="nosuchschema",
                         policy=FAST) as client:
        with pytest.raises(SRUDiagnostic, match="Unknown schema for retrieval") as caught:
            [i async for i in client.records("cql.allRecords=1", limit=3)]
    assert caught.value.uri == "info:srw/diagnostic/1/66"
    assert caught.value.diagnostic.details == "nosuchschema"
