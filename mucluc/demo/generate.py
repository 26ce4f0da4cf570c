"""Benchmark data: as many varied, realistic records as a benchmark asks for, quickly.

Titles, authors, years, publishers, subjects and holdings are combined from the tables in
:mod:`mucluc.demo.words` and :mod:`mucluc.demo.works`, then catalogued in the style of a random
demo library by the same builder the demo catalogue uses. The same ``(n, seed)`` always gives
the same records.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from pathlib import Path

from pymarc import Record

from mucluc.demo import words
from mucluc.demo.isbn import make_isbn13
from mucluc.demo.libraries import STYLES
from mucluc.demo.marc import Holding, build_record
from mucluc.demo.works import PUBLISHERS, Work

# title, subtitle, ddc, subjects ("; "-separated, "=" marks a place), 008/33 form, tags
_TITLE = tuple[str, str, str, str, str, str]
_PUBLISHERS_BY_DDC = (
    ("895", ("VH", "HNV", "TRE", "KD", "QDND", "TN")),
    ("6", ("NN", "KHKT", "NN")),
    ("", ("VHDT", "KHXH", "VHTT", "CTQGST", "TG")),
)
_SUBJECT_SEP = "; "


def _name(rng: random.Random) -> str:
    if rng.random() < 0.15:
        return f"{rng.choice(words.HMONG_SURNAMES)} {rng.choice(words.HMONG_MIDDLES)} " \
               f"{rng.choice(words.HMONG_GIVEN)}"
    middle = rng.choice(words.MIDDLES)
    if rng.random() < 0.3:
        middle += " " + rng.choice(words.MIDDLES)
    return f"{rng.choice(words.SURNAMES)} {middle} {rng.choice(words.GIVEN)}"


def _literary(rng: random.Random) -> _TITLE:
    genre, ddc, form = rng.choice(words.GENRES)
    image, quality = rng.choice(words.IMAGES), rng.choice(words.QUALITIES)
    title = f"{image} {quality}" if rng.random() < 0.7 else f"{image} {rng.choice(words.PLACES)}"
    tags = "children" if genre == "Truyện thiếu nhi" else ""
    return title, genre.lower() if rng.random() < 0.4 else "", ddc, \
        f"Văn học Việt Nam; {genre}", form, tags


def _culture(rng: random.Random) -> _TITLE:
    (topic, ddc), (people, heading) = rng.choice(words.TOPICS), rng.choice(words.PEOPLES)
    place = rng.choice(words.PLACES)
    title = f"{topic} {people} ở {place}" if rng.random() < 0.6 else f"{topic} {place}"
    return title, "", ddc, f"{topic}; {heading}; ={place} (Việt Nam)", "0", "ethnic local"


def _farming(rng: random.Random) -> _TITLE:
    if rng.random() < 0.6:
        crop, ddc = rng.choice(words.CROPS)
        title = f"{rng.choice(words.FARM_VERBS)} {crop}"
        subjects = f"{crop.capitalize()}; Kỹ thuật trồng trọt"
    else:
        animal, ddc = rng.choice(words.ANIMALS)
        title = f"{rng.choice(words.ANIMAL_VERBS)} {animal}"
        subjects = f"{animal.capitalize()}; Chăn nuôi"
    subtitle = rng.choice(("", "", "dành cho đồng bào vùng cao", "sổ tay cho nông dân",
                           f"ở {rng.choice(words.PLACES)}"))
    return title, subtitle, ddc, subjects, "0", ""


def _textbook(rng: random.Random) -> _TITLE:
    subject, ddc = rng.choice(words.SCHOOL_SUBJECTS)
    grade = rng.randint(1, 12)
    kind = rng.choice(("Sách giáo khoa", "Sách giáo khoa", "Sách bài tập", "Sách giáo viên"))
    subtitle = "" if kind == "Sách giáo khoa" else kind.lower()
    return f"{subject} {grade}", subtitle, ddc, f"{subject}; Lớp {grade}; {kind}", "0", \
        "textbook"


_KINDS: tuple[Callable[[random.Random], _TITLE], ...] = (
    _literary, _literary, _literary, _culture, _farming, _textbook,
)
_LOCATIONS = {"children": "TN", "textbook": "SGK", "ethnic local": "DC"}


def _publisher(rng: random.Random, ddc: str, tags: str) -> str:
    if tags == "textbook":
        return "GDVN"
    return next(rng.choice(keys) for start, keys in _PUBLISHERS_BY_DDC if ddc.startswith(start))


def _work(rng: random.Random, key: str) -> Work:
    title, subtitle, ddc, subjects, form, tags = rng.choice(_KINDS)(rng)
    authors = tuple(_name(rng) for _ in range(rng.choice((1, 1, 1, 2, 3))))
    year = rng.randint(1960, 2024)
    volume = str(rng.randint(1, 4)) if rng.random() < 0.08 else ""
    topics = [s for s in subjects.split(_SUBJECT_SEP)]
    return Work(
        key=key, title=title, subtitle=subtitle, authors=authors, contributors=(),
        corporate="", publisher=_publisher(rng, ddc, tags), year=year,
        pages=rng.randint(24, 900), ddc=ddc,
        subjects=tuple(s for s in topics if not s.startswith("=")),
        places=tuple(s[1:] for s in topics if s.startswith("=")),
        volume=volume, edition=f"Tái bản lần thứ {rng.randint(1, 20)}" if rng.random() < 0.1
        else "", tags=frozenset(tags.split()),
        has_isbn=year >= 2007 or (year >= 1995 and rng.random() < 0.2),
        illustrated=rng.random() < 0.3, size=rng.choice((19, 21, 21, 24, 27)),
        literary_form=form,
    )


def generate_records(n: int, *, seed: int = 0) -> Iterator[Record]:
    """Yield ``n`` distinct, parseable MARC records; the same ``(n, seed)`` yields the same.

    Records are built one at a time, so callers can stream millions without holding them.
    """
    rng = random.Random(seed)
    codes = tuple(STYLES)
    for i in range(n):
        code = rng.choice(codes)
        style = STYLES[code]
        work = _work(rng, f"bench:{seed}:{i}")
        location = _LOCATIONS.get(" ".join(sorted(work.tags)), "KM")
        copies = rng.randint(1, 4)
        barcodes = tuple(style.barcode.format(prefix="VV", n=i * 4 + c) for c in range(copies))
        created_year = max(work.year + 1, style.first_year, 2009)
        created_year = min(created_year, 2024)
        holding = Holding(
            library=code,
            record_id=style.record_id.format(n=i + 1, year=created_year) + f"-{seed}",
            call_number=style.call_number.format(ddc=work.ddc, ddc3=work.ddc[:3],
                                                 cutter=f"{work.title[0].upper()}"
                                                 f"{rng.randrange(1000):03d}"),
            barcodes=barcodes,
            location=location,
            created=f"{created_year % 100:02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}",
            modified=f"{created_year}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
                     f"{rng.randrange(7, 17):02d}{rng.randrange(60):02d}00.0",
            keep_isbn=rng.random() < style.isbn_kept,
        )
        prefix = PUBLISHERS[work.publisher].isbn_prefix
        isbn = make_isbn13(prefix, work.key) if work.has_isbn and prefix else None
        yield build_record(work, style, holding, isbn)


def write_marc_file(path: Path | str, n: int, *, seed: int = 0) -> Path:
    """Stream ``n`` generated records to an ISO 2709 (UTF-8) file; return its path."""
    path = Path(path)
    with path.open("wb") as handle:
        for record in generate_records(n, seed=seed):
            handle.write(record.as_marc())
    return path
