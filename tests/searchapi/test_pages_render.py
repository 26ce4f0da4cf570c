"""The server-rendered pages escape every catalogue value (no engine: pure rendering)."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from searchapi.pages_render import citation_apa, citation_vn, not_found_page, record_page

TAGS = {"html", "head", "meta", "title", "link", "script", "style", "body", "a", "header",
        "div", "form", "label", "input", "button", "main", "article", "h1", "h2", "h3", "p",
        "dl", "dt", "dd", "ul", "li", "table", "caption", "thead", "tbody", "tr", "th", "td",
        "pre", "i", "br", "footer"}  # fmt: skip
text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)


class Tags(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.ld: list[str] = []
        self._in_ld = False
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self._in_ld = tag == "script" and ("type", "application/ld+json") in attrs

    def handle_endtag(self, tag: str) -> None:
        self._in_ld = False

    def handle_data(self, data: str) -> None:
        if self._in_ld:
            self.ld.append(data)


def display(title: str, author: str, subject: str) -> dict[str, Any]:
    return {
        "title": title,
        "authors": [author],
        "subjects": [subject],
        "series": [subject],
        "publisher": author,
        "year": 2015,
        "summary": title,
        "isbns": ["9786046912347"],
    }


@settings(max_examples=150, deadline=None)
@given(title=text, author=text, subject=text, lang=st.sampled_from(["vi", "en"]))
def test_any_catalogue_text_stays_text(title: str, author: str, subject: str, lang: str) -> None:
    source = {"display": display(title, author, subject), "holdings": [{"library_name": title}]}
    page = record_page(source, "abc123", [("def456", display(title, author, subject))],
                       "http://catalogue.example", lang)  # fmt: skip
    parsed = Tags(page)
    assert parsed.tags <= TAGS
    (ld,) = parsed.ld
    assert json.loads(ld)["name"] == (title or ("(Không có nhan đề)"))


@settings(max_examples=100, deadline=None)
@given(doc_id=text, lang=st.sampled_from(["vi", "en"]))
def test_not_found_page_escapes_the_id(doc_id: str, lang: str) -> None:
    assert Tags(not_found_page(doc_id, lang)).tags <= TAGS


@pytest.mark.parametrize(
    ("fields", "vn", "apa"),
    [
        (
            {"title": "Truyện Kiều", "authors": ["Nguyễn Du"], "year": 2015,
             "publisher": "Nxb. Văn học", "place": "H."},
            "Nguyễn Du (2015), <i>Truyện Kiều</i>, Nxb. Văn học, H.",
            "Nguyễn Du. (2015). <i>Truyện Kiều</i>. Nxb. Văn học.",
        ),
        (
            {"title": "A & B", "edition": "In lần 2"},
            "<i>A &amp; B</i>, In lần 2.",
            "(n.d.). <i>A &amp; B</i> (In lần 2).",
        ),
    ],
)  # fmt: skip
def test_citations(fields: dict[str, Any], vn: str, apa: str) -> None:
    assert citation_vn(fields) == vn
    assert citation_apa(fields) == apa


@pytest.mark.parametrize(
    ("hit", "shown"),
    [
        ({"id": "a1", "title": "Toán 6", "part": "T. 1"}, "Toán 6. T. 1"),
        ({"id": "a2", "title": "Toán 6", "subtitle": "sách giáo khoa", "part": "T. 2"},
         "Toán 6 : sách giáo khoa. T. 2"),
        ({"id": "a3", "title": "Số đỏ"}, "Số đỏ"),
    ],
    ids=["volume", "subtitle-and-volume", "no-volume"],
)
def test_server_rendered_hits_tell_volumes_apart(hit: dict[str, Any], shown: str) -> None:
    from searchapi.results_page import _hit

    assert f">{shown}</a>" in _hit(hit)
