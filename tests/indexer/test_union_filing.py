"""The union document files a book under its filing title (issue #21: `The tale of Kieu`)."""

from __future__ import annotations

import pytest

from analyzers.collation import sort_key
from indexer.marc_document import record_fields
from indexer.union import union_document
from tests.marc_builders import book


@pytest.mark.parametrize(
    ("title", "nonfiling", "filed_as"),
    [
        ("The tale of Kieu", 4, "tale of Kieu"),
        ("Thế giới phẳng", 0, "Thế giới phẳng"),
    ],
    ids=["article-skipped", "no-indicator"],
)
def test_title_sort_uses_the_filing_title(title: str, nonfiling: int, filed_as: str) -> None:
    fields = record_fields(book("U1", title, author="Nguyễn Du", nonfiling=nonfiling)).as_dict()
    member = {"library": "DBI", "local_id": "U1", "fields": fields}
    document = union_document("c1", [member], {})
    assert document["title_sort"] == sort_key(filed_as)
    assert document["display"]["title"] == title
    assert document["author_sort"] == sort_key("Nguyễn Du")
