"""A realistic provincial catalogue for the scale curve: many libraries, realistic overlap.

Real titles come from the Tiki book list (``../shared/data/tiki-bmd1905/book_data.csv``: title,
authors, category, pages, review counts). A province's libraries share popular books and each
holds a long tail of its own, so records are drawn in two parts:

* ``SHARED`` of them are copies of the real books: each record picks a book with a weight that
  grows with its review count (popular books are held by many libraries), and a library, so one
  book is catalogued by up to dozens of libraries (each in its own style, its own record id,
  some without the ISBN) — the clustering's real work;
* the rest are the long tail, one record per work, from :func:`mucluc.demo.generate_records`.

Libraries: one provincial, ``DISTRICTS`` district and ``SCHOOLS`` school libraries, each
cataloguing in the style of one demo library. The same ``(n, seed)`` gives the same records.
"""

from __future__ import annotations

import csv
import itertools
import random
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from pymarc import Record

from bench.common import SHARED_DATA
from mucluc.core.library import Library
from mucluc.demo.generate import generate_records
from mucluc.demo.isbn import make_isbn13
from mucluc.demo.libraries import STYLES
from mucluc.demo.marc import Holding, build_record
from mucluc.demo.works import PUBLISHERS, Work

BOOK_LIST = SHARED_DATA / "tiki-bmd1905" / "book_data.csv"
SHARED = 0.4  # share of records that are copies of the real (shared) books
DISTRICTS = 10
SCHOOLS = 190
_STYLE_OF_KIND = {"provincial": ("DBI",), "district": ("TGI", "MCH", "DBD", "MNH"),
                  "school": ("THCS-TG",)}


def libraries() -> dict[str, Library]:
    """The province's libraries, by code."""
    found = {"TINH": Library("TINH", "Thư viện tỉnh", "provincial")}
    for n in range(DISTRICTS):
        found[f"H{n:02d}"] = Library(f"H{n:02d}", f"Thư viện huyện {n}", "district", "TINH")
    for n in range(SCHOOLS):
        district = f"H{n % DISTRICTS:02d}"
        found[f"T{n:03d}"] = Library(f"T{n:03d}", f"Thư viện trường {n}", "school", district)
    return found


@cache
def _books(path: Path = BOOK_LIST) -> tuple[tuple[Work, ...], tuple[float, ...]]:
    """The distinct real books as works, with their popularity weights."""
    works: list[Work] = []
    weights: list[float] = []
    seen: set[tuple[str, str]] = set()
    publishers = sorted(PUBLISHERS)
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            title, authors = row["title"].strip(), row["authors"].strip()
            if not title or (title, authors) in seen:
                continue
            seen.add((title, authors))
            rng = random.Random(f"{title}|{authors}")
            try:
                pages = int(float(row["pages"] or 0)) or rng.randint(80, 400)
            except ValueError:
                pages = rng.randint(80, 400)
            names = tuple(a.strip() for a in authors.split(",") if a.strip()) or ("Nhiều tác giả",)
            works.append(Work(
                key=f"tiki:{len(works)}", title=title, authors=names[:3], contributors=(),
                corporate="", publisher=rng.choice(publishers), year=rng.randint(2005, 2023),
                pages=pages, ddc="895.9223" if "Thuyết" in row["catagory"] else "001",
                subjects=(row["catagory"].strip() or "Sách",), places=(),
                has_isbn=rng.random() < 0.85,
            ))
            weights.append(1.0 + float(row["n_review"] or 0))
    return tuple(works), tuple(weights)


def generate_catalogue(n: int, *, seed: int = 0) -> Iterator[tuple[str, Record]]:
    """``n`` (library code, MARC record) pairs of the province (see the module docstring)."""
    rng = random.Random(seed)
    works, weights = _books()
    cumulative = list(itertools.accumulate(weights))
    codes = sorted(libraries())
    kinds = libraries()
    tail = generate_records(n, seed=seed + 1)
    for i in range(n):
        code = rng.choice(codes)
        if rng.random() >= SHARED:
            record = next(tail)
            record["001"].data = f"{code}-{record['001'].data}"
            record["003"].data = code
            yield code, record
            continue
        work = rng.choices(works, cum_weights=cumulative)[0]
        style = STYLES[rng.choice(_STYLE_OF_KIND[kinds[code].kind])]
        copies = rng.randint(1, 3)
        year = min(max(work.year + 1, 2009), 2024)
        holding = Holding(
            library=code, record_id=f"{code}-S{i:07d}",
            call_number=f"{work.ddc[:3]} {work.title[0].upper()}{rng.randrange(1000):03d}",
            barcodes=tuple(f"{code}{i * 4 + c:08d}" for c in range(copies)), location="KM",
            created=f"{year % 100:02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}",
            modified=f"{year}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}090000.0",
            keep_isbn=rng.random() < style.isbn_kept,
        )
        prefix = PUBLISHERS[work.publisher].isbn_prefix
        isbn = make_isbn13(prefix, work.key) if work.has_isbn and prefix else None
        yield code, build_record(work, style, holding, isbn)


def write_catalogue(directory: Path, n: int, *, seed: int = 0) -> dict[str, Path]:
    """The catalogue as one ISO 2709 file per library; library code → file."""
    directory.mkdir(parents=True, exist_ok=True)
    handles = {}
    try:
        for code, record in generate_catalogue(n, seed=seed):
            if code not in handles:
                handles[code] = (directory / f"{code}.mrc").open("wb")
            handles[code].write(record.as_marc())
    finally:
        for handle in handles.values():
            handle.close()
    return {code: directory / f"{code}.mrc" for code in sorted(handles)}
