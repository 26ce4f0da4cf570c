"""The statistics' pure parts: counting in memory, charts, tables and their downloads."""

from __future__ import annotations

import csv
import io
from xml.etree import ElementTree

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from searchapi.console import charts
from searchapi.console.stats_tables import TABLES, as_csv, as_xlsx, build
from searchapi.stats_counter import MAX_KEY, MAX_KEYS, SearchCounter, normalised_query, today


@pytest.mark.parametrize(
    ("typed", "counted"),
    [
        ("Truyện Kiều", "truyện kiều"),
        ("  truyện   KIỀU ", "truyện kiều"),
        ("hoà bình", "hoà bình"),  # two tone placements: one spelling (the catalogue's)
        ("hòa bình", "hoà bình"),
        ("", ""),
    ],
    ids=["cased", "spaces", "tone-on-a", "tone-on-o", "empty"],
)
def test_a_query_is_counted_under_one_spelling(typed: str, counted: str) -> None:
    assert normalised_query(typed) == counted


@given(st.text(max_size=400))
def test_normalising_is_idempotent_and_bounded(text: str) -> None:
    once = normalised_query(text)
    assert len(once) <= MAX_KEY
    assert normalised_query(once) == once


def test_a_search_adds_to_the_days_counters() -> None:
    counter = SearchCounter()
    counter.search("Truyện Kiều", ["DBI"], [], 3, ("u1", "Truyện Kiều"))
    counter.search("truyện kiều", [], ["Văn học"], 0, None)
    day = today()
    assert counter.drain() == {
        (day, "searches", "", "DBI"): [1, ""],
        (day, "query", "truyện kiều", "DBI"): [1, ""],
        (day, "title", "u1", ""): [1, "Truyện Kiều"],
        (day, "searches", "", ""): [1, ""],
        (day, "zero", "truyện kiều", ""): [1, ""],
        (day, "subject", "văn học", ""): [1, ""],
    }
    assert counter.drain() == {}


def test_the_buffer_is_bounded_but_every_search_is_counted() -> None:
    counter = SearchCounter()
    for n in range(MAX_KEYS + 50):
        counter.search(f"q{n}", [], [], 1, None)
    assert len(counter.counts) <= MAX_KEYS + 1
    assert counter.counts[(today(), "searches", "", "")][0] == MAX_KEYS + 50
    assert counter.dropped > 0


def test_counters_a_flush_could_not_write_come_back() -> None:
    counter = SearchCounter()
    counter.search("a", [], [], 1, None)
    taken = counter.drain()
    counter.search("a", [], [], 1, None)
    counter.give_back(taken)
    assert counter.counts[(today(), "query", "a", "")] == [2, ""]


def test_a_switched_off_counter_counts_nothing() -> None:
    counter = SearchCounter(enabled=False)
    counter.search("a", ["DBI"], [], 1, None)
    assert counter.drain() == {}


def test_a_chart_is_named_described_and_escaped() -> None:
    svg = charts.bar_chart("Tăng <trưởng>", "Mô tả & chi tiết", ["2026-01", "2026-02"], [3, 7])
    root = ElementTree.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img"
    title, desc = root.find(f"{ns}title"), root.find(f"{ns}desc")
    assert (title.text, desc.text) == ("Tăng <trưởng>", "Mô tả & chi tiết")
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    bars = root.findall(f"{ns}rect")
    assert [bar.find(f"{ns}title").text for bar in bars] == ["2026-01: 3", "2026-02: 7"]
    assert float(bars[1].get("height")) > float(bars[0].get("height"))


@given(st.lists(st.integers(min_value=0, max_value=10**9), max_size=60))
def test_every_chart_is_well_formed_svg(values: list[int]) -> None:
    svg = charts.bar_chart("t", "d", [str(n) for n in range(len(values))], values)
    root = ElementTree.fromstring(svg)
    heights = [float(r.get("height")) for r in root.iter("{http://www.w3.org/2000/svg}rect")]
    assert len(heights) == len(values)
    assert all(0 <= h <= charts.BAR_AREA + 0.1 for h in heights)


@pytest.mark.parametrize(
    ("value", "shown"),
    [(0, "0"), (12, "12"), (12345, "12.345"), (1_000_000, "1.000.000")],
    ids=["zero", "small", "thousands", "millions"],
)
def test_numbers_print_the_vietnamese_way(value: int, shown: str) -> None:
    assert charts.number(value) == shown


DATA = {
    "holdings": {
        "libraries": [{"name": "Thư viện tỉnh", "code": "DBI", "kind": "provincial",
                       "titles": 3, "records": 3, "copies": 6, "isbn_share": 0.6667,
                       "subject_share": 0.5, "call_number_share": 1.0}],
        "kinds": [{"kind": "school", "titles": 1, "records": 1, "copies": 4}],
    },
    "growth": [{"month": "2026-11", "new_records": 6, "cumulative": 6}],
    "searches": {"days": [{"day": "2026-12-01", "searches": 7}],
                 "sites": [{"site": "", "searches": 4}, {"site": "DBI", "searches": 3}]},
    "zero_results": [{"key": "xyzzy", "label": "xyzzy", "count": 2}],
    "top_queries": [{"key": "truyện kiều", "label": "truyện kiều", "count": 4}],
    "top_titles": [{"key": "u1", "label": "Truyện Kiều", "count": 4}],
    "top_subjects": [],
}  # fmt: skip


@pytest.mark.parametrize("name", list(TABLES))
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_table_downloads_the_same_rows_as_csv_and_xlsx(name: str, lang: str) -> None:
    table = build(name, DATA, lang)
    text = as_csv(table).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == list(table.headers)
    assert rows[1:] == [[str(v) for v in row] for row in table.rows]
    sheet = load_workbook(io.BytesIO(as_xlsx(table))).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0][0] == table.title
    assert values[1] == list(table.headers)
    assert values[2:] == [list(row) for row in table.rows]


def test_shares_are_percentages_in_xlsx() -> None:
    sheet = load_workbook(io.BytesIO(as_xlsx(build("quality", DATA, "vi")))).active
    assert sheet.cell(row=3, column=3).number_format == "0.0%"
    assert sheet.cell(row=3, column=3).value == pytest.approx(0.6667)
