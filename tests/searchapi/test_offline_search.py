"""Pieces of the offline search (``searchapi/offline/static/search.js``) run in node.

Search as you type leans on two shortcuts that must give exactly what the plain way gave: the
best books' score floor is *selected* (quickselect) instead of read from a full sort, and a
prefix's keys come from a binary search over the shard's sorted keys instead of a scan.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.offline_js import run_search_js

RUNNER = """
const fs = require('fs');
const { selects, shard, prefixes } = JSON.parse(fs.readFileSync(0, 'utf8'));
const S = globalThis.MuclucSearch;
const chosen = selects.map(([values, k]) => S.select(Float64Array.from(values), k));
globalThis.MuclucOffline.index('ng', shard);
process.stdout.write(JSON.stringify({ chosen, keys: prefixes.map((p) => S.prefixKeys(p)) }));
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
