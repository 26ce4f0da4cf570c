"""The API tests' catalogue: three libraries, a dozen books (data only).

``tests/integration/conftest.py`` loads it once per session into the real engine as the
`api_catalogue` fixture, which the `api` fixture serves unless a module overrides `catalogue`.
"""

from __future__ import annotations

import pymarc

from tests.marc_builders import book

CODES = ("DBI", "TGI", "THCS")
KIEU_ISBN = "978-604-69-1234-7"
ENGLISH_ISBN10 = "0-306-40615-2"


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
            book(
                "DBI0005",
                "Mathematics for everyone",
                author="Smith, John",
                year=1999,
                publisher="Plenum",
                isbn=ENGLISH_ISBN10,
                language="eng",
            ),
            book(
                "DBI0006",
                "Bản đồ hành chính tỉnh Điện Biên",
                year=2021,
                publisher="Nxb. Bản đồ",
                subjects=("Địa lí -- Điện Biên",),
                record_type="e",
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
