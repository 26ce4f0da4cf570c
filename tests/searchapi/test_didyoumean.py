"""Did-you-mean in the catalogue's own spelling (issue #21 item 6): the pure steps."""

from __future__ import annotations

import pytest

from searchapi.didyoumean import apply, corrections, free_words, respell


@pytest.mark.parametrize(
    ("q", "words"),
    [
        ("dien bien phuu", ["dien", "bien", "phuu"]),
        ("tác giả: Tô Hoài", ["Tô", "Hoài"]),
        ("Nhan đề: truyen kieu", ["truyen", "kieu"]),
        ("author:nguyen duu", ["nguyen", "duu"]),
        ('"dien bien phuu" toan', ["toan"]),
        ("isbn:978-604-69-1234-7 kieu", ["kieu"]),
        ("9786046912347 kieu", ["kieu"]),
        ("toan -hocc", ["toan"]),
        ("toan NOT (hocc OR lyy) kieu", ["toan", "kieu"]),
        ("Toán 6 tập 1", ["Toán", "tập"]),
        ("year:2019 lich su", ["lich", "su"]),
        ("giả: kieu", ["kieu"]),
        ("sách giả kim", ["sách", "giả", "kim"]),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_free_words_leave_labels_phrases_and_isbns(q: str, words: list[str]) -> None:
    assert [piece.text for piece in free_words(q)] == words


def _suggest(text: str, fixes: dict[str, str]) -> dict[str, list[dict[str, object]]]:
    entries = []
    at = 0
    for word in text.split(" "):
        options = [{"text": fixes[word], "score": 0.8, "freq": 3}] if word in fixes else []
        entries.append({"offset": at, "length": len(word), "options": options})
        at += len(word) + 1
    return {"title_folded": entries}


def test_corrections_are_folded_typos_only() -> None:
    edits = corrections("dien bien phuu", _suggest("dien bien phuu", {"phuu": "phu"}))
    assert [(e.typed, e.target, e.corrected) for e in edits] == [
        ("dien", "dien", False),
        ("bien", "bien", False),
        ("phuu", "phu", True),
    ]


CATALOGUE = ["Điện Biên Phủ : điểm hẹn lịch sử", "Diễn văn khai mạc", "Phu nhân"]


@pytest.mark.parametrize(
    ("text", "fixes", "texts", "expected"),
    [
        # the catalogue's run of words, not the nearest accented word of each
        ("dien bien phuu", {"phuu": "phu"}, CATALOGUE, ["điện", "biên", "phủ"]),
        ("Toan hocc", {"hocc": "hoc"}, ["Toán học"], ["Toán", "học"]),
        ("DIEN BIEN PHUU", {"PHUU": "phu"}, CATALOGUE, ["ĐIỆN", "BIÊN", "PHỦ"]),
        # no run: the corrected word alone takes a catalogue spelling, the others stay typed
        ("tô hoaii", {"hoaii": "hoai"}, ["Hoài niệm"], ["tô", "hoài"]),
        # nothing in the catalogue: the correction stays unaccented, never invented
        ("dien bien phuu", {"phuu": "phu"}, [], ["dien", "bien", "phu"]),
    ],
    ids=["run", "run-capital", "run-upper", "word", "nothing"],
)
def test_respell_uses_only_catalogue_spellings(
    text: str, fixes: dict[str, str], texts: list[str], expected: list[str]
) -> None:
    edits = corrections(text, _suggest(text, fixes))
    assert respell(edits, texts) == expected


def test_apply_replaces_at_positions_only() -> None:
    q = '"phuu" dien bien phuu'
    assert apply(q, {7: (4, "điện"), 17: (4, "phủ")}) == '"phuu" điện bien phủ'

