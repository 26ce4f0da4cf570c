"""A small real catalogue for the API tests: three libraries, a dozen books, one real engine.

Imported by the ``test_api_*`` modules (not a conftest, so other suites stay untouched).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pymarc
import pytest
from opensearchpy import AsyncOpenSearch

from harvesters.files import read_path
from indexer.load import Loader
from indexer.store import Store
from mucluc.core.library import Library
from tests.marc_builders import book, write_marc

LIBRARIES = {
    "DBI": Library("DBI", "Thư viện tỉnh Điện Biên", "provincial"),
    "TGI": Library("TGI", "Thư viện huyện Tuần Giáo", "district", "DBI"),
    "THCS": Library("THCS", "Thư viện trường THCS Mường Thanh", "school", "DBI"),
}
KIEU_ISBN = "978-604-69-1234-7"
ENGLISH_ISBN10 = "0-306-40615-2"


def _english(record: pymarc.Record) -> pymarc.Record:
    control = record["008"]
    control.data = control.data[:35] + "eng" + control.data[38:]
    return record


def _map(record: pymarc.Record) -> pymarc.Record:
    record.leader = pymarc.Leader("00000nem a2200000 a 4500")
    return record


def books() -> dict[str, list[pymarc.Record]]:
    return {
        "DBI": [
            book(
                "DBI0001",
                "Truyện Kiều",
                author="Nguyễn Du",
                year=2015,
                publisher="Nxb. Văn học",
                isbn=KIEU_ISBN,
                call_number="895.9221 NG-D",
                copies=3,
                subjects=("Văn học Việt Nam -- Thơ",),
            ),
            book(
                "DBI0002",
                "Điện Biên Phủ : điểm hẹn lịch sử",
                author="Võ Nguyên Giáp",
                year=2004,
                publisher="Nxb. Quân đội nhân dân",
                subjects=("Chiến dịch Điện Biên Phủ",),
                copies=2,
            ),
            book("DBI0003", "Hóa học đại cương", author="Trần Văn Nam", year=2010),
            book("DBI0004", "Hoa học trò", author="Lê Thị Hoa", year=2019),
            _english(
                book(
                    "DBI0005",
                    "Mathematics for everyone",
                    author="Smith, John",
                    year=1999,
                    publisher="Plenum",
                    isbn=ENGLISH_ISBN10,
                )
            ),
            _map(
                book(
                    "DBI0006",
                    "Bản đồ hành chính tỉnh Điện Biên",
                    year=2021,
                    publisher="Nxb. Bản đồ",
                    subjects=("Địa lí -- Điện Biên",),
                )
            ),
            book(
                "DBI0007",
                "Lịch sử Đảng bộ tỉnh Điện Biên",
                year=2020,
                subjects=("Lịch sử -- Điện Biên",),
            ),
        ],
        "TGI": [
            book(
                "TG-0042",
                "Truye\u0302\u0323n Kie\u0302\u0300u /",
                author="Nguyễn, Du",
                year=2015,
                call_number="V23 NG-D",
                copies=1,
            ),
            book(
                "TG-0043",
                "Điện Biên Phủ : điểm hẹn lịch sử",
                author="Võ Nguyên Giáp",
                year=2004,
                copies=1,
            ),
            book(
                "TG-0050",
                "Kỹ thuật trồng lúa nương",
                author="Lò Văn Pành",
                year=2018,
                subjects=("Nông nghiệp",),
            ),
        ],
        "THCS": [
            book(
                "MT-1",
                "Toán 6 : tập 1",
                author="Phan Đức Chính",
                year=2021,
                publisher="Nxb. Giáo dục Việt Nam",
                subjects=("Toán học",),
            ),
            book(
                "MT-2",
                "Toán 6 : tập 2",
                author="Phan Đức Chính",
                year=2021,
                publisher="Nxb. Giáo dục Việt Nam",
                subjects=("Toán học",),
            ),
            book("MT-3", "Truyện Kiều", author="Nguyễn Du", year=2015, isbn="9786046912347"),
        ],
    }


async def load_catalogue(engine: AsyncOpenSearch, prefix: str, folder: Path) -> AsyncIterator[str]:
    store = Store(engine, prefix)
    await store.drop_all()
    await store.ensure_indices()
    loader = Loader(store, LIBRARIES)
    for code, records in books().items():
        path = folder / f"{code.lower()}.mrc"
        write_marc(path, records)
        summary = await loader.load(read_path(path, library=code))
        assert summary.skipped == 0, summary.problems
    yield prefix
    await store.drop_all()


@pytest.fixture(scope="module")
async def api_prefix(
    engine: AsyncOpenSearch, index_prefix: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    async for prefix in load_catalogue(
        engine, f"{index_prefix}-api", tmp_path_factory.mktemp("api")
    ):
        yield prefix
