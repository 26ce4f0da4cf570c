"""The demo catalogue and the benchmark generator: files parse back, data is realistic, output is
the same on every run."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
import unicodedata
from collections import defaultdict
from pathlib import Path

import pymarc
import pytest

from mucluc.core.errors import ConfigError
from mucluc.demo import (
    DEMO_LIBRARIES,
    MARCXML_LIBRARY,
    WORKS,
    demo_holdings,
    demo_records,
    generate_records,
    is_valid_isbn13,
    write_demo_catalogue,
    write_marc_file,
)
from mucluc.demo.isbn import isbn13_check_digit, issn_check_digit
from mucluc.demo.variants import invert_name, to_new_tones, to_old_tones

REPO = Path(__file__).resolve().parents[2]
CODES = [lib.code for lib in DEMO_LIBRARIES]
OLD_TONES = re.compile(r"\b(?:họa|hòa|hóa|thủy|khỏe)\b", re.IGNORECASE)
NEW_TONES = re.compile(r"\b(?:hoạ|hoà|hoá|thuỷ|khoẻ)\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_demo_catalogue(tmp_path_factory.mktemp("demo"))


def read_back(path: Path) -> list[pymarc.Record]:
    if path.suffix == ".xml":
        return pymarc.parse_xml_to_array(str(path))
    with path.open("rb") as handle:
        records = list(pymarc.MARCReader(handle, to_unicode=True))
    assert all(record is not None for record in records), "a record failed to parse"
    return records


def title_key(record: pymarc.Record) -> tuple[str, str, str]:
    """Title, volume and year spelt one way, whatever the library's habits."""
    field = record["245"]
    title = to_old_tones(unicodedata.normalize("NFC", field["a"])).rstrip(" /:.").lower()
    volume = (field.get("n") or "").rstrip(" ,.:/")
    return title, volume, record["008"].data[7:11]


@pytest.fixture(scope="module")
def clusters(written: dict[str, Path]) -> dict[tuple[str, str, str], set[str]]:
    held: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for code, path in written.items():
        for record in read_back(path):
            held[title_key(record)].add(code)
    return held


def test_libraries_match_the_demo_configuration() -> None:
    config = tomllib.loads((REPO / "mucluc.toml").read_text(encoding="utf-8"))
    configured = {(lib["code"], lib["name"], lib["kind"], lib.get("parent"))
                  for lib in config["library"]}
    assert {(lib.code, lib.name, lib.kind, lib.parent) for lib in DEMO_LIBRARIES} == configured


@pytest.mark.parametrize("code", CODES)
def test_every_record_parses_back_from_the_written_file(
    code: str, written: dict[str, Path]
) -> None:
    path = written[code]
    assert path.suffix == (".xml" if code == MARCXML_LIBRARY else ".mrc")
    parsed = read_back(path)
    expected = demo_records(code)
    assert len(parsed) == len(expected) > 0
    assert [str(r) for r in parsed] == [str(r) for r in expected]


@pytest.mark.parametrize("code", CODES)
def test_records_have_the_marc_shape_the_indexer_relies_on(
    code: str, written: dict[str, Path]
) -> None:
    ids = set()
    for record in read_back(written[code]):
        assert record.leader[9] == "a" and record.leader[6] in "ae" and record.leader[7] in "ms"
        assert record["003"].data == code
        ids.add(record["001"].data)
        fixed = record["008"].data
        assert len(fixed) == 40
        assert fixed[7:11].isdigit() and fixed[35:38] in {"vie", "eng", "fre", "tai", "hmn"}
        assert record["245"]["a"]
        imprint = record.get("260") or record.get("264")
        assert imprint["c"].startswith(fixed[7:11])
        items = record.get_fields("852", "952")
        assert items and all(item["a"] == code and item["p"] for item in items)
    assert len(ids) == len(read_back(written[code]))


@pytest.mark.parametrize(
    ("title", "year"),
    [
        ("điện biên phủ", "2019"),
        ("điện biên phủ", "2001"),
        ("chiến dịch điện biên phủ", "2014"),
        ("điện biên phủ - hỏi và đáp", "2014"),
        ("đường tới điện biên phủ", "2001"),
        ("cao điểm cuối cùng", "2004"),
    ],
)
def test_dien_bien_phu_works_are_held_by_three_libraries(
    title: str, year: str, clusters: dict[tuple[str, str, str], set[str]]
) -> None:
    assert len(clusters[(title, "", year)]) >= 3


def test_many_works_are_shared_between_libraries(
    clusters: dict[tuple[str, str, str], set[str]],
) -> None:
    about_dbp = [k for k, held in clusters.items() if "điện biên phủ" in k[0] and len(held) >= 3]
    assert len(about_dbp) >= 6
    assert sum(len(held) >= 3 for held in clusters.values()) >= 60


@pytest.mark.parametrize(
    ("title", "volumes_or_years"),
    [
        ("hồ chí minh toàn tập", {"T. 1", "T. 2", "T. 3"}),
        ("đại việt sử ký toàn thư", {"T. 1", "T. 2", "T. 3", "T. 4"}),
        ("truyện kiều", {"1979", "2009", "2015"}),
        ("dế mèn phiêu lưu ký", {"2014", "2020"}),
    ],
)
def test_provincial_library_has_volumes_and_editions(
    title: str, volumes_or_years: set[str], written: dict[str, Path]
) -> None:
    seen = set()
    for volume_title, volume, year in map(title_key, read_back(written["DBI"])):
        if volume_title == title:
            seen |= {volume, year}
    assert volumes_or_years <= seen


def test_output_is_the_same_bytes_in_another_process(
    written: dict[str, Path], tmp_path: Path
) -> None:
    script = (
        "import sys; from pathlib import Path; from mucluc.demo import write_demo_catalogue; "
        "write_demo_catalogue(Path(sys.argv[1]))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", script, str(tmp_path)], check=True, env=env)
    for code, path in written.items():
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), code


@pytest.mark.parametrize("code", CODES)
def test_isbns_have_valid_check_digits(code: str, written: dict[str, Path]) -> None:
    isbns = [f["a"] for r in read_back(written[code]) for f in r.get_fields("020")]
    assert isbns
    assert all(is_valid_isbn13(isbn) for isbn in isbns), isbns


def test_some_works_have_no_isbn() -> None:
    assert 10 < sum(not work.has_isbn for work in WORKS) < len(WORKS) // 2


@pytest.mark.parametrize(
    ("code", "feature"),
    [
        ("TGI", "NFD text"),
        ("MNH", "NFD text"),
        ("TGI", "new tone placement"),
        ("DBI", "old tone placement"),
        ("TGI", "inverted names"),
        ("DBI", "direct names"),
        ("TGI", "publisher spelled out"),
        ("MCH", "publisher without Nxb."),
        ("DBI", "ISBD punctuation"),
        ("MNH", "no ISBD punctuation"),
        ("DBI", "hyphenated ISBN"),
        ("MCH", "unhyphenated ISBN"),
        ("DBI", "852 holdings"),
        ("TGI", "952 items"),
        ("DBI", "subtitles"),
    ],
)
def test_libraries_catalogue_the_same_books_differently(
    code: str, feature: str, written: dict[str, Path]
) -> None:
    records = read_back(written[code])
    text = "\n".join(str(r) for r in records)
    nfc = unicodedata.normalize("NFC", text)
    checks = {
        "NFD text": text == unicodedata.normalize("NFD", text) and text != nfc,
        "new tone placement": bool(NEW_TONES.search(nfc)) and not OLD_TONES.search(nfc),
        "old tone placement": bool(OLD_TONES.search(nfc)) and not NEW_TONES.search(nfc),
        "inverted names": any("," in r["100"]["a"] for r in records if r.get("100")),
        "direct names": any("," not in r["100"]["a"] for r in records if r.get("100")),
        "publisher spelled out": "Nhà xuất bản" in nfc and "Nxb." not in nfc,
        "publisher without Nxb.": "Nhà xuất bản" not in nfc and "Nxb." not in nfc,
        "ISBD punctuation": all(r["245"]["a"][-1] in "/:.,?" for r in records),
        "no ISBD punctuation": not any(r["245"]["a"].endswith(" /") for r in records),
        "hyphenated ISBN": all("-" in f["a"] for r in records for f in r.get_fields("020")),
        "unhyphenated ISBN": all(f["a"].isdigit() for r in records for f in r.get_fields("020")),
        "852 holdings": all(r.get_fields("852") and not r.get_fields("952") for r in records),
        "952 items": all(r.get_fields("952") and not r.get_fields("852") for r in records),
        "subtitles": any(r["245"].get("b") for r in records),
    }
    assert checks[feature]


def test_school_library_holds_textbooks_and_children_books() -> None:
    held = [key for key, codes in demo_holdings().items() if "THCS-TG" in codes]
    tags = {tag for work in WORKS if work.key in held for tag in work.tags}
    assert {"textbook", "children"} <= tags


def test_unknown_library_is_a_config_error() -> None:
    with pytest.raises(ConfigError):
        demo_records("XYZ")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Hòa Bình", "Hoà Bình"),
        ("Thủy Tinh", "Thuỷ Tinh"),
        ("sức khỏe", "sức khoẻ"),
        ("minh họa", "minh hoạ"),
        ("HÒA", "HOÀ"),
        ("quý", "quý"),
        ("hoàng", "hoàng"),
        ("thuyền", "thuyền"),
    ],
)
def test_tone_placement_variants(old: str, new: str) -> None:
    assert to_new_tones(old) == new
    assert to_old_tones(new) == old


@pytest.mark.parametrize(
    ("name", "inverted"),
    [("Nguyễn Du", "Nguyễn, Du"), ("Võ Nguyên Giáp", "Võ, Nguyên Giáp"),
     ("Fall, Bernard B.", "Fall, Bernard B."), ("Hữu", "Hữu")],
)
def test_names_are_inverted_surname_first(name: str, inverted: str) -> None:
    assert invert_name(name) == inverted


@pytest.mark.parametrize(
    ("isbn", "valid"),
    [
        ("978-0-306-81157-9", True),
        ("9780306811579", True),
        ("978-0-306-81157-8", False),
        ("978030681157", False),
    ],
)
def test_isbn_validation(isbn: str, valid: bool) -> None:
    assert is_valid_isbn13(isbn) is valid


@pytest.mark.parametrize(
    ("digits", "check"), [("978030681157", "9"), ("978316148410", "0"), ("978030640615", "7")]
)
def test_isbn_check_digit(digits: str, check: str) -> None:
    assert isbn13_check_digit(digits) == check


@pytest.mark.parametrize(("first7", "check"), [("0317847", "1"), ("2434561", "X")])
def test_issn_check_digit(first7: str, check: str) -> None:
    assert issn_check_digit(first7) == check


def test_generate_records_yields_distinct_parseable_records(tmp_path: Path) -> None:
    records = list(generate_records(1000))
    raw = [record.as_marc() for record in records]
    assert len(raw) == len(set(raw)) == 1000
    assert len({r["001"].data for r in records}) == 1000
    assert len({r["245"]["a"] for r in records}) > 300
    path = tmp_path / "bench.mrc"
    path.write_bytes(b"".join(raw))
    assert [r.as_marc() for r in read_back(path)] == raw
    assert all(is_valid_isbn13(f["a"]) for r in records for f in r.get_fields("020"))


@pytest.mark.parametrize(("seed_a", "seed_b", "same"), [(0, 0, True), (0, 1, False)])
def test_generate_records_is_seeded(seed_a: int, seed_b: int, same: bool) -> None:
    a = [r.as_marc() for r in generate_records(50, seed=seed_a)]
    b = [r.as_marc() for r in generate_records(50, seed=seed_b)]
    assert (a == b) is same


def test_write_marc_file_streams_records(tmp_path: Path) -> None:
    path = write_marc_file(tmp_path / "bench.mrc", 2000, seed=7)
    assert len(read_back(path)) == 2000
