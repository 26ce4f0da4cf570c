"""The works benchmark's recall misses are classified by what kept two records apart, read off
their work keys and MARC (bench/works_misses.py), never off their labels."""

from __future__ import annotations

import pymarc
import pytest

from bench.works import pairwise, shown_works
from bench.works_misses import (
    Item,
    classify,
    missed_pairs,
    rows,
    translation,
)
from indexer.marc_document import record_fields
from indexer.works import record_work_key
from tests.marc_builders import book
from tests.marc_builders import with_field as _with


def item(record: pymarc.Record, truth: str = "w") -> Item:
    key = record_work_key(record, record_fields(record))
    fields = record_fields(record)
    return Item(truth, f"shown:{key}", key, fields.title, (fields.authors or [""])[0], record)


PRIDE = book("1", "Pride and prejudice", author="Austen, Jane", language="eng")
# (case, first record, second record, class)
CASES = [
    ("a French translation saying so in 245 $c, no original named", PRIDE,
     _with(book("2", "Orgueil et préjugé", author="Austen, Jane", language="fre"), "700",
           [("a", "Vierne, Béatrice."), ("4", "trl")]), "translation, original not named"),
    ("a Swedish edition, nothing but its language says it is translated", PRIDE,
     book("3", "Förnuft och känsla", author="Austen, Jane", language="swe"),
     "translation, original not named"),
    ("an author's name misspelt",
     book("4", "Truyền thống cách mạng của nhân dân Mường Ảng", author="Trần, Thị Đức"),
     book("5", "Truyền thống cách mạng của nhân dân Mường Ảng", author="Tần Thị Đức"),
     "author form or spelling"),
    ("an audio book without any name", PRIDE,
     book("5", "Pride and prejudice", publisher="Naxos AudioBooks", language="eng"),
     "no author in the record"),
    ("a typing error in the title", book("6", "Lịch sử Đảng bộ huyện Điện Biên Phủ",
                                         author="Phạm Hữu Sinh"),
     book("7", "Lịch sử Đng bộ huyện Điện Biên Phủ", author="Phạm Hữu Sinh"), "title variant"),
    ("a pair that shares nothing (look at the label)",
     book("8", "Bocca mia mangia confetti", author="De Silva, Amleto", language="ita"),
     book("9", "L'intervento straordinario", author="Dandolo, Francesco Carlo", language="ita"),
     "title and author differ"),
]  # fmt: skip


@pytest.mark.parametrize(("first", "second", "expected"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_a_miss_is_classified_by_its_records(first: pymarc.Record, second: pymarc.Record,
                                             expected: str) -> None:
    assert classify(item(first), item(second)) == expected


@pytest.mark.parametrize(("statement", "expected"), [
    ("par Jane Austen ; trad. de l'anglais par Jean Privat", True),
    ("Jane Austen ; aus dem Englischen übersetzt von Ursula und Christian Grawe", True),
    ("Paulo Coelho ; Lê Chu Cầu dịch", True),
    ("Jane Austen ; edited with an introduction by Tony Tanner", False),
    ("Nguyễn Du ; Đào Duy Anh khảo đính", False),
])
def test_a_statement_of_responsibility_tells_a_translation(statement: str,
                                                           expected: bool) -> None:
    record = book("1", "X", author="Y")
    record["245"].add_subfield("c", statement)
    assert translation(record) is expected


def test_only_pairs_of_one_label_shown_apart_are_misses() -> None:
    together = [item(PRIDE, "p"), item(book("2", "Pride & prejudice", author="Austen, Jane"), "p")]
    apart = item(book("3", "Stolz und Vorurteil", author="Austen, Jane", language="ger"), "p")
    other = item(book("4", "Emma", author="Austen, Jane"), "e")
    found = missed_pairs([*together, apart, other])
    assert {cls: len(pairs) for cls, pairs in found.items()} == {
        "translation, original not named": 2
    }
    assert rows("set", [*together, apart, other])[0][2:4] == [2, 1]


def test_a_translation_joins_its_original_only_through_a_record_naming_it() -> None:
    named = _with(book("2", "Stolz und Vorurteil", author="Austen, Jane", language="ger",
                       year=1990), "240", [("a", "Pride and prejudice.")], "10")
    unnamed = book("3", "Stolz und Vorurteil", author="Austen, Jane", language="ger", year=2005)
    items = [("p", PRIDE), ("p", named), ("p", unnamed)]
    assert pairwise(shown_works(items)).recall == 1.0
    assert pairwise(shown_works(items[::2])).recall == 0.0
