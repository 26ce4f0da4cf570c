"""The project's own demo union catalogue: which Điện Biên library holds which work, and how.

Everything is derived from the works table and fixed seeds, so the files are byte-for-byte the
same on every run and every machine. The provincial library holds most works; district
libraries hold overlapping subsets (local history and ethnic culture more often); the school
library holds textbooks and children's books. Every work about Điện Biên Phủ written for
Vietnamese readers is held by at least three libraries, so the union catalogue has real
clusters to build.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import zlib
from pathlib import Path

from pymarc import Record, XMLWriter

from mucluc.core.errors import ConfigError
from mucluc.demo.isbn import make_isbn13
from mucluc.demo.libraries import DEMO_LIBRARIES, MARCXML_LIBRARY, STYLES, DemoLibrary
from mucluc.demo.marc import Holding, build_record
from mucluc.demo.works import PUBLISHERS, WORKS, Work

SEED = "mucluc-demo-2024"
_LAST_DAY = dt.date(2024, 12, 31)
_BARCODE_SERIES = {"DC": "DC", "TN": "TN", "NV": "NV", "BT": "BC", "SGK": "GK"}
_DBP_MINIMUM = 3


def _chance(work: Work, library: DemoLibrary) -> float:
    """How likely ``library`` is to hold ``work``, from the library's kind and the work's tags."""
    tags = work.tags
    if library.kind == "provincial":
        return 0.5 if "textbook" in tags and "local" not in tags else 0.93
    if "foreign" in tags or "rare" in tags:
        return 0.0
    if library.kind == "school":
        if "textbook" in tags:
            return 0.95
        if "children" in tags:
            return 0.7
        return 0.0 if work.material == "serial" else 0.08
    if "dbp" in tags:
        return 0.6
    if "local" in tags:
        return 0.75
    if "ethnic" in tags:
        return 0.75 if library.code in ("MCH", "MNH") else 0.5
    if "children" in tags:
        return 0.5
    if "textbook" in tags:
        return 0.15
    return 0.3 if work.material != "serial" else 0.25


def _isbn(work: Work) -> str | None:
    prefix = PUBLISHERS[work.publisher].isbn_prefix
    return make_isbn13(prefix, work.key) if work.has_isbn and prefix else None


@functools.cache
def demo_holdings() -> dict[str, tuple[str, ...]]:
    """Work key → codes of the demo libraries holding it (a library's records follow this).

    Other packages' tests may rely on it to know which clusters the demo should produce.
    """
    rng = random.Random(SEED)
    held: dict[str, tuple[str, ...]] = {}
    districts = [lib.code for lib in DEMO_LIBRARIES if lib.kind == "district"]
    for work in WORKS:
        codes = [lib.code for lib in DEMO_LIBRARIES if rng.random() < _chance(work, lib)]
        if "dbp" in work.tags and "foreign" not in work.tags:
            if "DBI" not in codes:
                codes.insert(0, "DBI")
            extra = [code for code in rng.sample(districts, len(districts)) if code not in codes]
            while len(codes) < _DBP_MINIMUM:
                codes.append(extra.pop())
        if not codes:
            codes = ["DBI"]
        order = {lib.code: i for i, lib in enumerate(DEMO_LIBRARIES)}
        held[work.key] = tuple(sorted(codes, key=order.__getitem__))
    return held


def _location(work: Work, library: DemoLibrary, rng: random.Random) -> str:
    if work.material == "serial":
        return "BT"
    if "local" in work.tags and library.kind != "school":
        return "DC"
    if work.lang in ("eng", "fre") and "textbook" not in work.tags:
        return "NV"
    if "textbook" in work.tags:
        return "SGK" if library.kind == "school" else "KD"
    if "children" in work.tags:
        return "TN"
    return rng.choice(("KM", "KM", "KD"))


def _copies(work: Work, library: DemoLibrary, rng: random.Random) -> int:
    if work.material != "book":
        return 1
    if library.kind == "school":
        return rng.randint(3, 8) if "textbook" in work.tags else rng.randint(1, 2)
    if library.kind == "provincial":
        return rng.randint(1, 3) + ("local" in work.tags)
    return rng.randint(1, 2)


def _cutter(work: Work) -> str:
    """A Vietnamese-style book code ("mã hóa tên sách") from the title: Đ305B, T527K..."""
    words = work.title.replace("-", " ").split()
    first = words[0][0].upper()
    digits = zlib.crc32(words[0].lower().encode("utf-8")) % 1000
    second = words[1][0].upper() if len(words) > 1 else ""
    return f"{first}{digits:03d}{second}"


def _dates(work: Work, first_year: int, rng: random.Random) -> tuple[str, str]:
    start = dt.date(max(work.year + 1, first_year), 1, 1)
    created = min(start + dt.timedelta(days=rng.randrange(365)), _LAST_DAY)
    modified = min(created + dt.timedelta(days=rng.randrange(900)), _LAST_DAY)
    clock = f"{rng.randrange(7, 17):02d}{rng.randrange(60):02d}{rng.randrange(60):02d}"
    return created.strftime("%y%m%d"), f"{modified:%Y%m%d}{clock}.0"


@functools.cache
def _library_records(code: str) -> tuple[bytes, ...]:
    library = next(lib for lib in DEMO_LIBRARIES if lib.code == code)
    style = STYLES[code]
    rng = random.Random(f"{SEED}:{code}")
    works = [work for work in WORKS if code in demo_holdings()[work.key]]
    rng.shuffle(works)  # each library catalogued its books in its own order
    number = rng.randint(100, 2000)
    barcode = rng.randint(1000, 9000)
    out = []
    for work in works:
        number += rng.randint(1, 6)  # gaps: records deleted or withdrawn over the years
        created, modified = _dates(work, style.first_year, rng)
        location = _location(work, library, rng)
        copies = _copies(work, library, rng)
        prefix = _BARCODE_SERIES.get(location, "VV")
        barcodes = tuple(style.barcode.format(prefix=prefix, n=barcode + i) for i in range(copies))
        barcode += copies
        holding = Holding(
            library=code,
            record_id=style.record_id.format(n=number, year="20" + created[:2]),
            call_number=style.call_number.format(ddc=work.ddc, ddc3=work.ddc[:3],
                                                 cutter=_cutter(work)),
            barcodes=barcodes,
            location=location,
            created=created,
            modified=modified,
            keep_isbn=rng.random() < style.isbn_kept,
        )
        out.append(build_record(work, style, holding, _isbn(work)).as_marc())
    return tuple(out)


def demo_records(library_code: str) -> list[Record]:
    """The demo catalogue of one library, as fresh pymarc records (safe to modify)."""
    if library_code not in STYLES:
        known = ", ".join(lib.code for lib in DEMO_LIBRARIES)
        raise ConfigError(f"no demo catalogue for library {library_code!r}",
                          hint=f"demo libraries: {known}")
    return [Record(data=raw) for raw in _library_records(library_code)]


def demo_file_name(library_code: str) -> str:
    """The file name a library's demo catalogue is written to (``.xml`` for MARCXML)."""
    return f"{library_code}.xml" if library_code == MARCXML_LIBRARY else f"{library_code}.mrc"


def write_demo_catalogue(directory: Path) -> dict[str, Path]:
    """Write one file per demo library into ``directory``; return library code → path.

    ISO 2709 in UTF-8 for all but :data:`MARCXML_LIBRARY`, which is delivered as MARCXML so both
    formats are loaded by ``make demo``. The bytes are identical on every run.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for library in DEMO_LIBRARIES:
        path = directory / demo_file_name(library.code)
        if library.code == MARCXML_LIBRARY:
            with path.open("wb") as handle:
                writer = XMLWriter(handle)
                for record in demo_records(library.code):
                    writer.write(record)
                writer.close(close_fh=False)
        else:
            path.write_bytes(b"".join(_library_records(library.code)))
        paths[library.code] = path
    return paths
