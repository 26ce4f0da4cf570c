"""The relevance benchmark's catalogue: books catalogued a dozen ways, split by a fixed hash."""

import random

import pytest

from bench.query_kinds import middle_words
from bench.relevance_corpus import (
    LIBRARIES,
    Book,
    Style,
    core_title,
    fold_key,
    held_texts,
    holdings,
    read_books,
    record,
    union_documents,
)
from bench.relevance_queries import make_queries

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


def test_held_texts_are_each_holding_librarys_title_statement() -> None:
    texts = held_texts(BOOK)
    assert len(texts) == len(holdings(BOOK))
    for text, number in zip(texts, holdings(BOOK), strict=True):
        made = record(BOOK, number, LIBRARIES[number])
        assert text == fold_key(f"{made.title} {made.subtitle}")
        assert text.startswith("kiep nao ta cung tim thay nhau")


def test_middle_words_are_a_run_some_record_holds(shared_data: object) -> None:
    """A run from a subtitle every holding library dropped is unanswerable: never asked."""
    books = read_books()

    def unheld(book: Book) -> bool:
        run = middle_words(core_title(book.title), random.Random(f"middle words:{book.key}"))
        return run is not None and not any(
            f" {fold_key(run)} " in f" {text} " for text in held_texts(book)
        )

    redrawn = [b for b in books if unheld(b)][:40]
    assert len(redrawn) >= 20  # the data has such books, so the rule is exercised
    sample = redrawn + list(books[:40])
    # Ambiguity is judged against the sample alone here (the whole catalogue takes seconds).
    queries, _ = make_queries(tuple(sample), sample, [])
    middle = [q for q in queries if q.kind == "middle words"]
    assert len(middle) > 25
    for query in middle:
        run = f" {fold_key(query.text)} "
        assert any(run in f" {text} " for text in held_texts(query.target)), query.target.key
