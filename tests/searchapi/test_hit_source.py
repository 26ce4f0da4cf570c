"""A search asks the engine only for the parts of a union document a HIT shows (HIT_SOURCE):
the HIT made of that part must be the HIT made of the whole document."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from searchapi.hits import HIT_SOURCE, HOLDING_KEYS, hit
from searchapi.search import highlights

WHOLE = {
    "display": {
        "title": "Tiếng khèn bình yên", "subtitle": "tiểu thuyết", "part": "T. 1",
        "authors": ["Quàng Anh Long"], "year": 1961, "publisher": "Nxb. Thanh niên",
        "isbns": ["9786041234567"], "subjects": ["Văn học Việt Nam"], "type": "book",
        "languages": ["vie"], "contributors": [{"name": "Lê Khánh Xuân", "role": "author"}],
        "place": "H", "edition": "Tái bản", "pages": 685, "series": ["Văn học dân tộc"],
        "summary": "Một cuốn tiểu thuyết về bản làng Thái. " * 40, "preferred": "DBD:1",
    },
    "holdings": [
        {"library": "DBD", "library_name": "Thư viện huyện Điện Biên Đông",
         "library_kind": "district", "record_id": "DBD.2018.17814-0", "record_url": "",
         "call_number": "895.92234 T881", "copies": 3, "location": "DBD"},
        {"library": "TGI", "library_name": "Thư viện huyện Tuần Giáo", "library_kind": "district",
         "record_id": "TG-1", "call_number": "", "copies": 1},
    ],
    "work": "4604f96d56a1bacf",
    "members": ["DBD:1", "TGI:1"],
    "title_sort": "tieng khen binh yen",
}  # fmt: skip


def included(source: Any, paths: list[list[str]]) -> Any:
    """``source`` narrowed to ``paths`` as the engine's ``_source`` includes narrow it (a path
    through an array of objects applies to each object)."""
    if isinstance(source, list):
        return [included(item, paths) for item in source]
    if not isinstance(source, dict):
        return source
    kept: dict[str, Any] = {}
    for key, value in source.items():
        below = [path[1:] for path in paths if path[0] == key]
        if any(not path for path in below):
            kept[key] = value
        elif below:
            kept[key] = included(value, below)
    return kept


def test_the_hit_of_the_included_part_is_the_hit_of_the_whole_document() -> None:
    part = included(WHOLE, [path.split(".") for path in HIT_SOURCE])
    assert "summary" not in part["display"] and "members" not in part
    assert hit(part, "u1", {"title": ["<mark>khèn</mark>"]}) == hit(
        WHOLE, "u1", {"title": ["<mark>khèn</mark>"]}
    )


HOLDING_FIELDS = st.sampled_from([*HOLDING_KEYS, "library_kind", "location"])
VALUES = st.none() | st.integers(0, 9) | st.text(max_size=5)


@given(st.lists(st.dictionaries(HOLDING_FIELDS, VALUES), max_size=4))
def test_a_holding_shows_its_fields_in_order_with_defaults_for_the_missing(holdings) -> None:
    shown = hit({"holdings": holdings}, "u1")["holdings"]
    assert [list(h) for h in shown] == [list(HOLDING_KEYS)] * len(holdings)
    for holding, one in zip(holdings, shown, strict=True):
        for key in HOLDING_KEYS:
            assert one[key] == holding.get(key, "" if key == "record_url" else None)


HIGHLIGHTED_KEYS = st.sampled_from(["title", "title.folded", "authors", "authors.folded", "x"])


@given(st.dictionaries(HIGHLIGHTED_KEYS, st.lists(st.text(max_size=3), max_size=2)))
def test_the_exact_diacritic_highlight_wins_over_the_folded_one(raw) -> None:
    merged = highlights(raw)
    assert set(merged) == {key.removesuffix(".folded") for key in raw}
    for name, value in merged.items():
        assert value == raw[name] if name in raw else value == raw[f"{name}.folded"]
