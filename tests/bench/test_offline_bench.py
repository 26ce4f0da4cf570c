"""The offline benchmark's generated catalogue: union documents the export accepts, reproducibly.

The benchmark itself (`python -m bench offline`) is never run by the suite; this keeps its data
generator honest at a size that costs nothing.
"""

from __future__ import annotations

from pathlib import Path

from bench.offline import generated_documents
from searchapi.offline.export import write_site


def test_generated_books_are_union_documents_and_export(tmp_path: Path) -> None:
    books = generated_documents(60)
    again = generated_documents(60)
    assert [{**b, "updated_at": ""} for b in books] == [{**b, "updated_at": ""} for b in again]
    assert len({b["id"] for b in books}) == 60
    assert all(b["display"]["title"] and b["holdings"] for b in books)
    assert any(len(b["holdings"]) == 2 for b in books)  # some books are held by two libraries
    summary = write_site(books, tmp_path / "van")
    assert summary.books == 60 and summary.libraries >= 2


def test_books_past_the_generated_base_are_recombined(monkeypatch) -> None:
    monkeypatch.setattr("bench.offline.BASE", 10)
    books = generated_documents(40)
    base_titles = {b["display"]["title"] for b in books[:10]}
    assert {b["display"]["title"] for b in books[10:]} <= base_titles
