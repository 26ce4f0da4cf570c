"""The statistics tests' catalogue: six records of five books in three libraries, every count
known (the two copies of *Truyện Kiều* are one book; ISBNs carry valid check digits)."""

from __future__ import annotations

from tests.marc_builders import book

KIEU = {"author": "Nguyễn Du", "isbn": "9786042000017", "subjects": ("Văn học",)}
BOOKS = {
    "DBI": [
        book("DBI-1", "Truyện Kiều", call_number="895.92 NG-D", copies=2, **KIEU),
        book("DBI-2", "Nhật ký trong tù", author="Hồ Chí Minh", subjects=("Thơ",)),
        book("DBI-3", "Điện Biên Phủ", author="Võ Nguyên Giáp", isbn="9786042000024",
             call_number="959.7", copies=3),
    ],
    "TGI": [
        book("TGI-1", "Truyện Kiều", call_number="895.92", copies=1, **KIEU),
        book("TGI-2", "Dế Mèn phiêu lưu ký", author="Tô Hoài", call_number="895.9223"),
    ],
    "THCS": [book("THCS-1", "Toán 6", author="Bộ Giáo dục", isbn="9786040000002", copies=4)],
}  # fmt: skip
CODES = ("DBI", "TGI", "THCS")
