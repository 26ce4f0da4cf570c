"""Pieces of the offline search (``searchapi/offline/static/search.js``) run in node.

Search as you type leans on shortcuts that must give exactly what the plain way gave: the
best books' score floor is *selected* (quickselect) instead of read from a full sort, a
prefix's keys come from a binary search over the shard's sorted keys instead of a scan, and the
bounded typed search reads a posting list forward from where its last lookup ended (``seek``:
galloping, then a binary search) instead of a binary search of the whole list per book.
"""

from __future__ import annotations

import bisect
import random
from pathlib import Path

import pytest

from tests.offline_js import run_search_js

RUNNER = """
const fs = require('fs');
const { selects, shard, prefixes, seeks = [] } = JSON.parse(fs.readFileSync(0, 'utf8'));
const S = globalThis.MuclucSearch;
const chosen = selects.map(([values, k]) => S.select(Float64Array.from(values), k));
// a walk: each code sought from where the previous one was found, as the bounded search does
const sought = seeks.map(([codes, targets]) => {
  const list = Int32Array.from(codes);
  let at = 0;
  return targets.map((code) => (at = S.seek(list, at, code)));
});
globalThis.MuclucOffline.index('ng', shard);
const keys = prefixes.map((p) => S.prefixKeys(p));
process.stdout.write(JSON.stringify({ chosen, keys, sought }));
"""


def run_search(payload: dict[str, object], tmp_path: Path) -> dict[str, list[object]]:
    return run_search_js(RUNNER, payload, tmp_path)


def random_selects(count: int, seed: int = 18) -> list[tuple[list[float], int]]:
    """Score lists as search makes them: many ties, a few distinct values, some all equal."""
    rng = random.Random(seed)
    cases = []
    for i in range(count):
        n = rng.randint(1, 400)
        distinct = [round(rng.uniform(0, 30), 3) for _ in range(1 + i % 9)]
        cases.append(([rng.choice(distinct) for _ in range(n)], rng.randrange(n)))
    return [*cases, ([1.5], 0), ([2.0, 1.0], 0), ([2.0, 1.0], 1), ([3.0] * 50, 49)]


def test_select_gives_the_sorted_value_at_every_rank(tmp_path: Path) -> None:
    selects = random_selects(2000)
    out = run_search({"selects": selects, "shard": {"k": {}, "x": {}}, "prefixes": []},
                        tmp_path)
    expected = [sorted(values)[k] for values, k in selects]
    assert out["chosen"] == expected


def random_walks(count: int, seed: int = 18) -> list[tuple[list[int], list[int]]]:
    """Sorted posting codes (book * 4 + field: runs of one book's fields, long gaps, repeats)
    and increasing codes to seek in them: below the first, between, equal, past the last."""
    rng = random.Random(seed)
    walks = []
    for i in range(count):
        books = sorted(rng.sample(range(5 * (i + 2)), rng.randint(0, 2 * (i % 50) + 1)))
        codes = sorted({b * 4 + rng.randrange(4) for b in books for _ in range(rng.randint(1, 3))})
        top = 4 * (5 * (i + 2)) + 8
        targets = sorted(rng.sample(range(top), rng.randint(1, min(top, 40))))
        walks.append((codes, targets))
    return [*walks, ([], [0, 5]), ([8], [0, 8, 9]), ([0, 1, 2, 3], [0, 4])]


def test_seek_finds_each_code_from_the_last_one_found(tmp_path: Path) -> None:
    """``seek(codes, at, code)`` from the previous answer is the first index holding ``code`` or
    more: what a binary search of the whole list gives."""
    walks = random_walks(1500)
    out = run_search(
        {"selects": [], "shard": {"k": {}, "x": {}}, "prefixes": [], "seeks": walks}, tmp_path
    )
    assert out["sought"] == [[bisect.bisect_left(codes, t) for t in targets]
                             for codes, targets in walks]


# Keys of an "ng" shard and their posting-list lengths (completions are ranked by length).
SHARD_KEYS = {"ng": 3, "nga": 5, "ngay": 40, "nghe": 7, "nghi": 7, "nghia": 12, "ngo": 9,
              "ngoc": 30, "nguoi": 50, "nguyen": 60, "ngu": 2, "nguyet": 4, "nh": 1}


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("n", ["n"]),  # one letter: no expansion
        ("ng", ["ng", "nguyen", "nguoi", "ngay", "ngoc", "nghia", "ngo", "nghe", "nghi", "nga",
                "nguyet", "ng", "ngu"]),
        ("ngu", ["ngu", "nguyen", "nguoi", "nguyet", "ngu"]),
        ("nguy", ["nguy", "nguyen", "nguyet"]),
        ("nghi", ["nghi", "nghia", "nghi"]),
        ("ngz", ["ngz"]),
        ("nguyenx", ["nguyenx"]),
    ],
)
def test_prefix_keys_are_the_commonest_completions(
    prefix: str, expected: list[str], tmp_path: Path
) -> None:
    shard = {"k": {key: [1] * n for key, n in SHARD_KEYS.items()}, "x": {}}
    out = run_search({"selects": [], "shard": shard, "prefixes": [prefix]}, tmp_path)
    assert out["keys"] == [expected]
