"""Citations: Vietnamese names, roles and places, read back by the parsers reference managers
use (rispy, bibtexparser, citeproc-py's CSL-JSON reader)."""

from __future__ import annotations

import json

import bibtexparser
import bibtexparser.middlewares as bib_middlewares
import pytest
import rispy
from citeproc.source.json import CiteProcJSON
from hypothesis import given
from hypothesis import strategies as st

from searchapi import citations

SYLLABLES = ["Nguyễn", "Trần", "Lê", "Phạm", "Võ", "Đào", "Du", "Văn", "Thị", "Nguyên", "Giáp",
             "Hồng", "Ánh", "Tuyết", "Quỳnh", "Đức", "Ư", "Ỷ"]  # fmt: skip
names = st.lists(st.sampled_from(SYLLABLES), min_size=2, max_size=5).map(" ".join)


def read_bibtex(text: str) -> list:
    library = bibtexparser.parse_string(
        text,
        append_middleware=[bib_middlewares.SeparateCoAuthors(), bib_middlewares.SplitNameParts()],
    )
    assert not library.failed_blocks
    return library.entries


@given(st.lists(names, min_size=1, max_size=4, unique=True))
def test_vietnamese_names_read_back_family_first_in_every_format(authors: list[str]) -> None:
    display = {"title": "Sách", "authors": authors, "year": 2020}
    expected = [(name.split()[0], " ".join(name.split()[1:])) for name in authors]
    (entry,) = read_bibtex(citations.bibtex(display, "x").decode("utf-8"))
    assert [(" ".join(n.last), " ".join(n.first)) for n in entry["author"]] == expected
    (ris,) = rispy.loads(citations.ris(display, "x").decode("utf-8"))
    assert [tuple(a.split(", ", 1)) for a in ris["authors"]] == expected
    (reference,) = CiteProcJSON(json.loads(citations.csl_json(display, "x"))).values()
    assert [(a["family"], a["given"]) for a in reference["author"]] == expected


@pytest.mark.parametrize(
    ("place", "spelled"),
    [
        ("H", "Hà Nội"), ("H.", "Hà Nội"), ("Hà Nội", "Hà Nội"), ("Tp. Hồ Chí Minh",
        "Thành phố Hồ Chí Minh"), ("TP. HCM", "Thành phố Hồ Chí Minh"),
        ("Tp.HCM", "Thành phố Hồ Chí Minh"), ("Tp. Đà Nẵng", "Đà Nẵng"), ("Đà Nẵng", "Đà Nẵng"),
        ("Huế", "Huế"), ("Paris", "Paris"), ("", ""),
    ],
)  # fmt: skip
def test_place_abbreviations_are_spelled_out(place: str, spelled: str) -> None:
    assert citations.place(place) == spelled


@given(st.text(max_size=40))
def test_place_is_a_known_name_or_the_input(value: str) -> None:
    assert citations.place(value) in {value, *citations.PLACES.values()}


def test_roles_decide_where_a_name_goes() -> None:
    display = {
        "title": "Truyện Kiều",
        "contributors": [
            {"name": "Nguyễn Du", "role": "author", "kind": "person"},
            {"name": "Kiều Văn", "role": "annotator", "kind": "person"},
            {"name": "Trần Văn Giáp", "role": "compiler", "kind": "person"},
            {"name": "Nhà xuất bản Giáo dục", "role": "author", "kind": "organisation"},
        ],
    }
    (entry,) = read_bibtex(citations.bibtex(display, "x").decode("utf-8"))
    assert [(n.last, n.first) for n in entry["author"]] == [
        (["Nguyễn"], ["Du"]), (["{Nhà xuất bản Giáo dục}"], []),  # braced: one whole name
    ]  # fmt: skip
    assert [(n.last, n.first) for n in entry["editor"]] == [(["Trần"], ["Văn", "Giáp"])]
    (ris,) = rispy.loads(citations.ris(display, "x").decode("utf-8"))
    assert ris["authors"] == ["Nguyễn, Du", "Nhà xuất bản Giáo dục"]
    (item,) = json.loads(citations.csl_json(display, "x"))
    assert item["author"][1] == {"literal": "Nhà xuất bản Giáo dục"}
    assert item["contributor"] == [{"family": "Kiều", "given": "Văn"}]


@given(st.lists(st.sampled_from(["a", "b", "nguyen2015truyen"]), max_size=40))
def test_unique_keys_never_repeat(keys: list[str]) -> None:
    unique = citations.unique_keys(keys)
    assert len(set(unique)) == len(unique) == len(keys)
    assert all(u.split("-")[0] == k for u, k in zip(unique, keys, strict=True))
