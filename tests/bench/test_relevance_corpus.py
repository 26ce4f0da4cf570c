"""The relevance benchmark's catalogue: books catalogued a dozen ways, split by a fixed hash."""

import pytest

from bench.relevance_corpus import (
    LIBRARIES,
    Book,
    Style,
    core_title,
    read_books,
    record,
    union_documents,
)

BOOK = Book(
    key="k", title="Kiếp Nào Ta Cũng Tìm Thấy Nhau: Câu Chuyện (Tái Bản)",
    authors=("Nguyễn Nhật Ánh",), series="Tủ sách tuổi trẻ", source="test",
)  # fmt: skip
PLAIN = Style("keep", True, False, False, "as-is", False, False)


@pytest.mark.parametrize(
    ("changes", "title", "subtitle", "authors", "series"),
    [
        pytest.param({}, BOOK.title, "", ("Nguyễn Nhật Ánh",), "Tủ sách tuổi trẻ", id="as-given"),
        pytest.param(
            {"subtitle": "split", "notes": False},
            "Kiếp Nào Ta Cũng Tìm Thấy Nhau", "Câu Chuyện", ("Nguyễn Nhật Ánh",),
            "Tủ sách tuổi trẻ", id="subtitle-split-notes-dropped",
        ),
        pytest.param(
            {"subtitle": "drop", "notes": False, "inverted": True, "series_in_title": True},
            "Kiếp Nào Ta Cũng Tìm Thấy Nhau (Tủ sách tuổi trẻ)", "", ("Nguyễn, Nhật Ánh",), "",
            id="inverted-series-in-title",
        ),
    ],
)  # fmt: skip
def test_record_follows_the_library_style(
    changes: dict, title: str, subtitle: str, authors: tuple, series: str
) -> None:
    made = record(BOOK, 0, Style(**{**PLAIN.__dict__, **changes}))
    assert (made.title, made.subtitle, made.authors, made.series) == (
        title,
        subtitle,
        authors,
        series,
    )


def test_core_title_drops_notes() -> None:
    assert core_title("Nhà Giả Kim (Tái Bản 2020) (Bìa Cứng)") == "Nhà Giả Kim"


def test_catalogue_is_deterministic_and_split_by_book(shared_data: object) -> None:
    books = read_books()
    assert len(LIBRARIES) == 12
    assert {b.split for b in books} == {"dev", "held-out"}
    docs = union_documents(books[:200])
    assert docs == union_documents(books[:200])
    assert {d.book for d in docs} == {b.key for b in books[:200]}
