"""The offline export from union documents, with nothing running: files, index, self-containment.

The browser tests (tests/browser/test_offline.py) search the site; these check what the export
writes: every file the service worker caches exists, nothing names another host, the posting
lists find every syllable of every book, an output folder that is not an export is refused.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analyzers import fold, folded_tokens, tokens
from analyzers.variants import variant_syllable
from mucluc.core.library import Library
from searchapi.offline.export import ExportError, write_site
from searchapi.offline.index import FIELDS, build_index, shard_of
from tests.offline_js import decoded

LIBRARIES = {
    "DBI": Library("DBI", "Thư viện tỉnh Điện Biên", "provincial"),
    "THCS": Library("THCS", "Thư viện trường THCS Mường Thanh", "school", "DBI"),
}


def document(n: int, title: str, author: str, libraries: tuple[str, ...] = ("DBI",)) -> dict:
    return {
        "id": f"u{n}",
        "title": [title],
        "authors": [author],
        "subjects": ["Văn học Việt Nam"],
        "publisher": ["Nxb. Kim Đồng"],
        "title_sort": fold(title),
        "members": [f"{code}:{n}" for code in libraries],
        "display": {"title": title, "authors": [author], "year": 2000 + n,
                    "publisher": "Nxb. Kim Đồng", "subjects": ["Văn học Việt Nam"]},
        "holdings": [
            {"library": code, "library_name": code, "record_id": f"{code}-{n}",
             "call_number": f"895.922 {n}", "copies": 2}
            for code in libraries
        ],
    }


BOOKS = [
    document(1, "Truyện Kiều", "Nguyễn Du", ("DBI", "THCS")),
    document(2, "Điện Biên Phủ : điểm hẹn lịch sử", "Võ Nguyên Giáp"),
    document(3, "Kỹ thuật trồng lúa", "Phạm Văn Hùng", ("THCS",)),
    document(4, "Hòa bình", "Lò Văn Mười"),
]



def call(path: Path) -> tuple[str, list[Any]]:
    """The registration call of a data script: its function name and arguments."""
    text = path.read_text(encoding="utf-8")
    match = re.fullmatch(r"MuclucOffline\.(\w+)\((.*)\);\n", text, re.S)
    assert match, path.name
    return match.group(1), json.loads(f"[{match.group(2)}]")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "van"
    summary = write_site(BOOKS, out, libraries=LIBRARIES)
    assert summary.books == 4 and summary.libraries == 2
    assert 0 < summary.gzip_bytes < summary.bytes
    return out


def test_every_cached_file_exists_and_every_file_is_cached(site: Path) -> None:
    sw = (site / "sw.js").read_text(encoding="utf-8")
    files = json.loads(re.search(r"const FILES = (\[.*?\]);", sw).group(1))
    assert sorted(files) == sorted(p.name for p in site.iterdir() if p.name != "sw.js")
    assert "__VERSION__" not in sw and "__FILES__" not in sw


def test_nothing_is_fetched_from_elsewhere(site: Path) -> None:
    for path in site.iterdir():
        if path.suffix == ".png":
            continue
        text = path.read_text(encoding="utf-8")
        others = set(re.findall(r"(?:https?:)?//[\w.-]+\.[a-z]{2,}[^\s\"')]*", text))
        assert others <= {"http://www.w3.org/2000/svg"}, (path.name, others)


def test_manifest_names_icons_that_exist(site: Path) -> None:
    manifest = json.loads((site / "manifest.webmanifest").read_text(encoding="utf-8"))
    assert manifest["display"] == "standalone" and manifest["start_url"] == "./index.html"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        data = (site / icon["src"]).read_bytes()
        assert data.startswith(b"\x89PNG") or data.startswith(b"<svg")


def test_catalogue_lists_libraries_and_who_holds_each_book(site: Path) -> None:
    name, (catalogue,) = call(site / "catalogue.js")
    assert name == "catalogue"
    codes = [code for code, _name, _kind in catalogue["libraries"]]
    assert sorted(codes) == ["DBI", "THCS"]
    assert ["Thư viện tỉnh Điện Biên" in n for _c, n, _k in catalogue["libraries"]].count(True)
    _, (number, rows) = call(site / "rec-0000.js")
    held = {row[0]: catalogue["heldBy"][i] for i, row in enumerate(rows)}
    assert sorted(codes[i] for i in held["u1"]) == ["DBI", "THCS"]
    assert codes[held["u3"]] == "THCS"
    assert number == 0 and [len(row[9]) for row in rows if row[0] == "u1"] == [2]


def test_records_are_in_the_apis_tiebreak_order(site: Path) -> None:
    _, (_number, rows) = call(site / "rec-0000.js")
    titles = [row[1] for row in rows]
    assert titles == sorted(titles, key=fold)


@pytest.mark.parametrize(
    ("query", "book"),
    [("kieu", "u1"), ("kiều", "u1"), ("dien", "u2"), ("ki", "u3"), ("ky", "u3"), ("hoa", "u4")],
)
def test_posting_lists_find_the_book(site: Path, query: str, book: str) -> None:
    key = variant_syllable(fold(query))
    _, (_shard, content) = call(site / f"ix-{shard_of(key)}.js")
    _, (_number, rows) = call(site / "rec-0000.js")
    found = {rows[code >> 2][0] for code in decoded(content["k"][key])}
    assert book in found


def test_exact_lists_keep_diacritics_apart(site: Path) -> None:
    key = variant_syllable(fold("hòa"))
    _, (_shard, content) = call(site / f"ix-{shard_of(key)}.js")
    assert "hoà" in content["x"] and "hòa" not in content["x"]  # normalised to the one style


def test_a_folder_that_is_not_an_export_is_refused(tmp_path: Path) -> None:
    (tmp_path / "thesis.docx").write_text("do not delete", encoding="utf-8")
    with pytest.raises(ExportError, match="not empty"):
        write_site(BOOKS, tmp_path)
    assert (tmp_path / "thesis.docx").exists()


def test_an_earlier_export_is_replaced_without_stale_shards(tmp_path: Path) -> None:
    write_site(BOOKS, tmp_path / "van")
    (tmp_path / "van" / "ix-zz.js").write_text("stale", encoding="utf-8")
    write_site(BOOKS[:1], tmp_path / "van")
    assert not (tmp_path / "van" / "ix-zz.js").exists()
    assert not (tmp_path / "van" / "ix-di.js").exists()


def test_the_same_documents_give_the_same_index() -> None:
    first = build_index(BOOKS, {})
    second = build_index(list(reversed(BOOKS)), {})
    assert first == second


_WORDS = st.sampled_from(
    ["Truyện", "Kiều", "hoà", "Hòa", "bình", "Kỹ", "kĩ", "thuật", "Điện", "H'Mông", "Quý",
     "qúy", "ꪼꪕꪒꪾ", "Marx", "2015", "Ñandú", "nghĩa", "khuỷu"]
)
_TITLES = st.lists(_WORDS, min_size=1, max_size=6).map(" ".join)


@given(st.lists(_TITLES, min_size=1, max_size=8))
def test_every_syllable_of_every_field_finds_its_book(titles: list[str]) -> None:
    books = [document(n, title, "Nguyễn Du") for n, title in enumerate(titles)]
    built = build_index(books, {})
    for number, record in enumerate(built.records):
        title = record[1]
        for token in folded_tokens(title):
            key = variant_syllable(token)
            codes = decoded(built.shards[shard_of(key)]["k"][key])
            assert number * 4 + 0 in codes
        for token in tokens(title):
            shard = built.shards[shard_of(variant_syllable(fold(token)))]
            exact = shard["x"][token]
            codes = decoded(shard["k"][variant_syllable(fold(token))] if exact == 1 else exact)
            assert number * 4 + 0 in codes
    assert len(FIELDS) == 4
