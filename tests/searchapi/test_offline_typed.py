"""Search as you type on a large catalogue: heads at export, the bounded typed search in node.

A keystroke on common words scores only the books of the tokens' heads (the best ``HEAD`` books
of a key or a 2-3 letter prefix by static rank, written at export) instead of every posting.
What must hold: a head is the best books by the documented rank and counts the whole list's
books; the bounded search finds only books the full search finds (it never invents a match),
and finds the best book when that book is in a head; the full search (Enter, or typing paused)
is what it always was.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from analyzers import fold
from searchapi.offline.index import HEAD, RECORDS_PER_SHARD, build_index
from tests.offline_js import decoded, run_search_js

WORDS = ["truyện", "cổ", "tích", "lịch", "sử", "kỹ", "thuật", "trồng", "lúa", "nguyễn",
         "điện", "biên", "văn", "học"]  # fmt: skip
AUTHORS = ["Nguyễn Du", "Tô Hoài", "Nguyễn Nhật Ánh", "Võ Quảng", "Nam Cao", "Ngô Tất Tố"]


def document(n: int, title: str, author: str) -> dict[str, Any]:
    return {
        "id": f"u{n:05d}", "title": [title], "authors": [author], "subjects": [],
        "title_sort": fold(title), "members": [f"DBI:{n}"],
        "display": {"title": title, "authors": [author]},
        "holdings": [{"library": "DBI", "library_name": "DBI", "record_id": str(n),
                      "call_number": "", "copies": 1}],
    }  # fmt: skip


def catalogue(books: int = 5 * HEAD, seed: int = 18) -> list[dict[str, Any]]:
    """``books`` titles of 2-5 common words (every word held by far more than HEAD books), and
    two titles made to win: "Truyện Kiều" and "Kỹ thuật trồng lúa nước"."""
    rng = random.Random(seed)
    documents = [
        document(n, " ".join(rng.sample(WORDS, rng.randint(2, 5))).capitalize(),
                 rng.choice(AUTHORS))
        for n in range(books)
    ]
    documents.append(document(books, "Truyện Kiều", "Nguyễn Du"))
    documents.append(document(books + 1, "Kỹ thuật trồng lúa nước", "Phạm Văn Hùng"))
    return documents



def test_a_head_is_the_best_books_by_field_then_title_start() -> None:
    documents = catalogue()
    built = build_index(documents, {"DBI": ("DBI", "provincial")})
    books = [r[0] for r in built.records]
    head = built.shards["tr"]["h"]["truyen"]
    full = decoded(built.shards["tr"]["k"]["truyen"])
    assert head[0] == len({code // 4 for code in full}) > HEAD
    codes = decoded(head[1:])
    assert len(codes) == HEAD and len({c // 4 for c in codes}) == HEAD
    assert all(c // 4 * 4 + c % 4 in set(full) for c in codes)
    in_title = {c // 4 for c in full if c % 4 == 0}
    starts = {b for b in in_title if documents[int(books[b][1:])]["title"][0].startswith("Truyện")}
    chosen = {c // 4 for c in codes}
    # title-field books come first, and among them those whose title starts with the word
    assert chosen <= in_title
    assert starts <= chosen if len(starts) <= HEAD else chosen <= starts
    prefix = built.shards["tr"]["p"]["tr"]
    assert prefix[0] > HEAD and len(decoded(prefix[1:])) == HEAD


LOAD = """
const fs = require('fs');
const { catalogue, shards, records, queries } = JSON.parse(fs.readFileSync(0, 'utf8'));
globalThis.MuclucApp = { start() {} };
const S = globalThis.MuclucSearch;
S.limits.typedPostings = 500; // (6,000 in the page: this catalogue is smaller than a province)
globalThis.MuclucOffline.catalogue(catalogue);
for (const [name, content] of Object.entries(shards)) {
  globalThis.MuclucOffline.index(name, content);
  S.data.loading.set(`ix-${name}.js`, Promise.resolve());
}
records.forEach((rows, number) => {
  globalThis.MuclucOffline.records(number, rows);
  S.data.loading.set(`rec-${String(number).padStart(4, '0')}.js`, Promise.resolve());
});
"""
RUNNER = LOAD + """
(async () => {
  // release: give the answer's arrays back, as the page does (the next search reuses them)
  const answer = async (q, full, release) => {
    const r = await S.search(q, true, full);
    S.ensureSorted(r, Infinity);
    const got = { bounded: r.bounded, ranked: r.ranked.map((rec) => [rec, r.scores[rec]]) };
    if (release) S.release(r);
    return got;
  };
  const out = [];
  for (const q of queries) {
    out.push({ q, bounded: await answer(q, false), full: await answer(q, true) });
  }
  for (const a of out) {
    a.reused = [await answer(a.q, false, true), await answer(a.q, true, true)];
  }
  process.stdout.write(JSON.stringify(out));
})();
"""


def run_typed(
    documents: list[dict[str, Any]], queries: list[str], tmp_path: Path, runner: str = RUNNER
) -> Any:
    built = build_index(documents, {"DBI": ("DBI", "provincial")})
    payload = {
        "catalogue": {"books": len(built.records), "perShard": RECORDS_PER_SHARD,
                      "shards": sorted(built.shards), "libraries": built.libraries,
                      "heldBy": built.held_by},
        "shards": built.shards,
        "records": [built.records[i : i + RECORDS_PER_SHARD]
                    for i in range(0, len(built.records), RECORDS_PER_SHARD)],
        "queries": queries,
    }  # fmt: skip
    return built, run_search_js(runner, payload, tmp_path)


BEST = {"truyen kieu": "Truyện Kiều", "truyen kie": "Truyện Kiều",
        "ky thuat trong lua nuoc": "Kỹ thuật trồng lúa nước",
        "ky thuat trong lua n": "Kỹ thuật trồng lúa nước"}  # fmt: skip
QUERIES = ["tr", "truyen", "ky thuat tr", "nguyen", "ng", "lich su", "Lịch s", "kyx thuaatj",
           *BEST]  # fmt: skip


@pytest.fixture(scope="module")
def typed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, dict[str, Any]]:
    """The catalogue's index and, per query, the bounded and the full typed answers (one node
    run for all)."""
    built, answers = run_typed(catalogue(), QUERIES, tmp_path_factory.mktemp("typed"))
    return built, {a["q"]: a for a in answers}


def test_the_bounded_typed_search_finds_nothing_the_full_search_does_not(typed: Any) -> None:
    _built, answers = typed
    assert [q for q, a in answers.items() if not a["bounded"]["bounded"]] == []
    for q, a in answers.items():
        assert not a["full"]["bounded"], q
        full = {rec for rec, _score in a["full"]["ranked"]}
        found = [rec for rec, _score in a["bounded"]["ranked"]]
        assert bool(found) == bool(full), q
        assert set(found) <= full, q  # every book found matches the typed words
        assert len(found) <= 5 * HEAD, q  # and only heads' books were scored


@pytest.mark.parametrize(("query", "first"), sorted(BEST.items()))
def test_the_bounded_typed_search_finds_the_best_book(query: str, first: str, typed: Any) -> None:
    built, answers = typed
    answer = answers[query]
    best = answer["bounded"]["ranked"][0][0]
    assert built.records[best][1] == first
    assert answer["full"]["ranked"][0][0] == best


def test_answers_are_the_same_when_released_arrays_are_reused(typed: Any) -> None:
    """The page gives each replaced answer's per-book arrays back for the next search: every
    query answered again that way scores and ranks exactly as with fresh arrays."""
    _built, answers = typed
    for q, a in answers.items():
        assert a["reused"] == [a["bounded"], a["full"]], q


SLICED = LOAD + """
(async () => {
  const answer = (r) => {
    S.ensureSorted(r, Infinity);
    const got = r.ranked.map((rec) => [rec, r.scores[rec]]);
    S.release(r);
    return got;
  };
  // pauses: how many times the search was told to go on (`stopAt`: told to stop that time)
  const slices = (stopAt) => {
    const run = { pauses: 0 };
    run.due = () => true;
    run.next = async () => ++run.pauses !== stopAt;
    return run;
  };
  const out = [];
  for (const q of queries) {
    S.limits.chunk = 4096; // (the page's: longer than this catalogue's lists)
    const whole = answer(await S.search(q, true, true));
    S.limits.chunk = 64; // pauses inside the lists and the candidates too
    const sliced = slices(0);
    const inSlices = answer(await S.search(q, true, true, sliced));
    // told to stop at the last pause, once every book is scored
    const stopping = slices(sliced.pauses);
    const stopped = await S.search(q, true, true, stopping);
    S.limits.chunk = 4096;
    const after = answer(await S.search(q, true, true)); // with the stopped search's arrays
    out.push({ q, whole, inSlices, pauses: sliced.pauses, stopped: stopped === null,
               stopPauses: stopping.pauses, after });
  }
  process.stdout.write(JSON.stringify(out));
})();
"""


def test_a_full_search_in_slices_answers_as_one_in_one_piece(tmp_path: Path) -> None:
    """Typing paused: the page runs the full search in slices that let a key through. Paused
    at every chunk, it ranks the same books with the same scores as in one piece; told to stop,
    it answers nothing, and the search after it (reusing its arrays) is as if it never ran."""
    _built, answers = run_typed(catalogue(), QUERIES, tmp_path, SLICED)
    assert all(a["whole"] for a in answers)
    for a in answers:
        assert a["inSlices"] == a["whole"], a["q"]
        assert a["pauses"] > 3, a["q"]  # it did pause, inside the lists too
        assert a["stopped"] and a["stopPauses"] == a["pauses"], a["q"]
        assert a["after"] == a["whole"], a["q"]


LETTER = LOAD + """
(async () => {
  const books = async (q, typing) => {
    const r = await S.search(q, typing, true);
    if (!r) return null;
    const got = [...r.ranked].sort((a, b) => a - b);
    S.release(r);
    return got;
  };
  const out = [];
  for (const [typed, words] of queries) {
    out.push({ typed, books: await books(typed, true), words: await books(words, true),
               enter: await books(typed, false) });
  }
  process.stdout.write(JSON.stringify(out));
})();
"""
# typed so far, and the same words with the letter not typed yet ("" for a letter alone)
LETTERS = [("lich s", "lich "), ("Lịch s", "Lịch "), ("truyen c", "truyen "),
           ("ky thuat trong lua n", "ky thuat trong lua "), ("t", ""), ("Đ", ""), (" n", "")]


def test_a_last_word_of_one_letter_may_be_missing_while_typing(tmp_path: Path) -> None:
    """Most letters begin many syllables and are none: typing "truyen c" finds the books of
    "truyen" (the letter may be missing), not nothing until "truyen co". A letter alone is not
    searched while typing (the widget suggests from two letters too); Enter searches it."""
    _built, answers = run_typed(catalogue(), LETTERS, tmp_path, LETTER)
    for a in answers:
        words = dict(LETTERS)[a["typed"]]
        if words:
            assert a["books"], a["typed"]
            assert a["books"] == a["words"], a["typed"]
        else:
            assert a["books"] is None, a["typed"]
            assert a["enter"] is not None, a["typed"]


# an unfinished Telex word, and a finished text whose books it must already find
UNFINISHED = [("nguyee", "nguyeen"), ("ddie", "dien "), ("ddieen bi", "dien bien "),
              ("vaw", "van ")]  # fmt: skip


def test_an_unfinished_telex_word_finds_the_books_of_its_letters(tmp_path: Path) -> None:
    """A Telex word decodes only once it is a syllable ("nguyee" is none yet, "nguyeen" is
    "nguyên"): while typing, its letters read as the API's suggestions read them ("nguye", a
    prefix) find the books the finished word will, instead of none in between."""
    _built, answers = run_typed(catalogue(), UNFINISHED, tmp_path, LETTER)
    for a in answers:
        words = dict(UNFINISHED)[a["typed"]]
        assert a["words"], words
        assert set(a["books"]) >= set(a["words"]), a["typed"]
