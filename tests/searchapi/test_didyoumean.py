"""Did-you-mean in the catalogue's own spelling (issue #21 item 6): the pure steps."""

from __future__ import annotations

import pytest

from searchapi.didyoumean import apply, chosen, corrections, free_words, respell


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


def _entries(text: str, fixes: dict[str, str], score: float = 0.8) -> list[dict[str, object]]:
    entries = []
    at = 0
    for word in text.split(" "):
        options = [{"text": fixes[word], "score": score, "freq": 3}] if word in fixes else []
        entries.append({"offset": at, "length": len(word), "options": options})
        at += len(word) + 1
    return entries


def _suggest(text: str, fixes: dict[str, str]) -> dict[str, list[dict[str, object]]]:
    return {"title_folded": _entries(text, fixes)}


def test_corrections_are_folded_typos_only() -> None:
    (edits,) = corrections("dien bien phuu", _suggest("dien bien phuu", {"phuu": "phu"}))
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
    (edits,) = corrections(text, _suggest(text, fixes))
    assert respell(edits, texts) == expected


def test_a_word_missing_from_one_field_is_no_typo() -> None:
    # `missing` is judged per field: "toan" is no author, so the authors suggest "trac".
    suggest = {
        "title_folded": _entries("toan hocc", {"hocc": "hoc"}, 0.66),
        "authors_folded": _entries("toan hocc", {"toan": "trac", "hocc": "hoai"}, 0.5),
    }
    candidates = corrections("toan hocc", suggest)
    targets = [[edit.target for edit in edits] for edits in candidates]
    assert targets[0] == ["toan", "hoc"] and ["trac", "hoai"] in targets
    # The catalogue decides: only a candidate some book holds is kept.
    response = {
        "hits": {
            "hits": [
                {
                    "matched_queries": [str(targets.index(["toan", "hoc"]))],
                    "_source": {"title": ["Toán học vui"]},
                },
            ]
        }
    }
    edits, texts = chosen(candidates, response) or ([], [])
    assert respell(edits, texts) == ["toán", "học"]
    assert chosen(candidates, {"hits": {"hits": []}}) is None


def test_apply_replaces_at_positions_only() -> None:
    q = '"phuu" dien bien phuu'
    assert apply(q, {7: (4, "điện"), 17: (4, "phủ")}) == '"phuu" điện bien phủ'


def test_every_option_is_a_candidate_and_the_catalogue_chooses() -> None:
    # "duc" is the closer term, but only "nguyen du" is held by a book.
    entry = [
        {"offset": 0, "length": 6, "options": []},
        {
            "offset": 7,
            "length": 3,
            "options": [
                {"text": "duc", "score": 0.67, "freq": 2},
                {"text": "du", "score": 0.5, "freq": 3},
            ],
        },
    ]
    candidates = corrections("nguyen duu", {"authors_folded": entry})
    targets = [[edit.target for edit in edits] for edits in candidates]
    assert targets[:2] == [["nguyen", "duc"], ["nguyen", "du"]]
    held = {"hits": {"hits": [{"matched_queries": ["1"], "_source": {"authors": ["Nguyễn Du"]}}]}}
    edits, texts = chosen(candidates, held) or ([], [])
    assert respell(edits, texts) == ["nguyễn", "du"]
