"""The offline catalogue's JavaScript normaliser agrees with `analyzers` on every string we try.

The JavaScript (``searchapi/offline/static/vietnamese.js`` reading the GENERATED ``tables.js``)
runs in node, the browser's engine outside the browser, on the strings of every Vietnamese case
(``../shared/vietnamese-cases.md`` and the cases of ``tests/integration/test_vietnamese_cases``)
and on a few thousand seeded random strings built from the characters that matter: precomposed
and decomposed Vietnamese letters, marks in odd orders, old-style tones, Ð, apostrophes, control
and invisible characters, odd whitespace, Telex and VNI keystrokes. Every function the offline
search calls must give exactly what Python gives.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from analyzers import decode_telex, decode_vni, fold, folded_tokens, normalise, tokens
from analyzers.keyboard import fold_telex
from analyzers.variants import variant_syllable
from searchapi.offline.assets import static_text, tables_js
from tests.conftest import REPO
from tests.integration.test_vietnamese_cases import CASES

CASES_MD = REPO.parent / "shared" / "vietnamese-cases.md"
GENERATED = 3000

RUNNER = """
const fs = require('fs');
const inputs = JSON.parse(fs.readFileSync(0, 'utf8'));
const V = globalThis.MuclucVi;
const out = inputs.map((s) => [
  V.normalise(s), V.fold(s), V.tokens(s), V.foldedTokens(s),
  V.foldedTokens(s).map(V.variantSyllable), V.decodeTelex(s), V.decodeVni(s), V.foldTelex(s),
  V.words(s),
]);
process.stdout.write(JSON.stringify(out));
"""


def python_side(text: str) -> list[object]:
    return [
        normalise(text),
        fold(text),
        tokens(text),
        folded_tokens(text),
        [variant_syllable(t) for t in folded_tokens(text)],
        decode_telex(text),
        decode_vni(text),
        fold_telex(text),
        text.split(),
    ]


NAMES = ("normalise", "fold", "tokens", "folded_tokens", "variant", "decode_telex", "decode_vni",
         "fold_telex", "words")


def javascript_side(texts: list[str], tmp_path: Path) -> list[list[object]]:
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        pytest.fail("node is missing: apt-get install -y nodejs (make setup-test installs it)")
    script = tmp_path / "run.js"
    script.write_text(tables_js() + static_text("vietnamese.js") + RUNNER, encoding="utf-8")
    result = subprocess.run(
        [node, str(script)], input=json.dumps(texts), capture_output=True, text=True, timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def case_strings() -> list[str]:
    """Every document and query of the Vietnamese cases, as the markdown table and the tests
    spell them (the tests add the NFD, mojibake and mark-order spellings)."""
    found: list[str] = []
    for line in CASES_MD.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].isdigit():
            for cell in cells[1:3]:
                found.append(cell)
                found += re.findall(r'"([^"]+)"', cell)
                found += [p.strip(" `") for p in re.split(r"[,;]", cell) if p.strip()]
    for case in CASES.values():
        found += list(case.docs.values()) + list(case.queries)
        found += [text for text, _encoding in case.raw.values()]
    return list(dict.fromkeys(found))


_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯQ"
_MARKS = "\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b"
_ODD = "\u00d0\u2019\u02bc'-\u00ad\u200b\ufeff\t\n\r\u00a0\u3000\x01\x85 .,:;/()0123456789ñßøİ"
_TELEX = "aaweeoowuwddsfrxj"
_VNI = "123456789"
_VNI_SYLLABLE = (
    ("", "ng", "tr", "d", "h", "kh", "qu", "gi", "th"),
    ("a", "e", "o", "u", "uo", "ie", "oa", "uye", "i", "y"),
    ("", "6", "7", "8", "9"),
    ("", "n", "ng", "c", "t", "u", "i", "nh"),
    ("", "1", "2", "3", "4", "5"),
)


def generated_strings(count: int, seed: int = 18) -> list[str]:
    """Seeded random strings: words of Vietnamese letters with marks in any order and form,
    Telex and VNI keystroke words, and the odd characters catalogues carry."""
    rng = random.Random(seed)
    vietnamese = [w for case in case_strings() for w in case.split()]
    out = []
    for _ in range(count):
        words = []
        for _ in range(rng.randint(1, 5)):
            kind = rng.random()
            if kind < 0.25:
                word = "".join(rng.choice(_LETTERS) for _ in range(rng.randint(1, 6)))
                word = "".join(c + (rng.choice(_MARKS) if rng.random() < 0.3 else "") for c in word)
            elif kind < 0.45:
                word = rng.choice(vietnamese)
                form = rng.choice(("NFC", "NFD", "NFKC", "NFKD"))
                word = unicodedata.normalize(form, word)
                if rng.random() < 0.5:
                    word = word.upper()
            elif kind < 0.7:
                keys = "nguyetrhokiv" + _TELEX
                word = "".join(rng.choice(keys) for _ in range(rng.randint(2, 8)))
            elif kind < 0.75:
                word = "".join(rng.choice("nguyetrhokiv" + _VNI) for _ in range(rng.randint(2, 7)))
            elif kind < 0.85:  # plausible VNI syllables: initial, vowels, mark, final, tone
                word = "".join(rng.choice(part) for part in _VNI_SYLLABLE)
            else:
                word = "".join(rng.choice(_ODD + _LETTERS) for _ in range(rng.randint(1, 4)))
            words.append(word)
        out.append(rng.choice([" ", "  ", "\t", " \u00a0"]).join(words))
    return out


@pytest.fixture(scope="module")
def agreement(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, list, list]]:
    texts = case_strings() + generated_strings(GENERATED)
    js = javascript_side(texts, tmp_path_factory.mktemp("node"))
    return [(text, python_side(text), got) for text, got in zip(texts, js, strict=True)]


@pytest.mark.parametrize("function", NAMES)
def test_javascript_agrees_with_python(agreement, function: str) -> None:
    at = NAMES.index(function)
    differ = [
        (text, py[at], js[at]) for text, py, js in agreement
        if py[at] != js[at]
    ]
    assert not differ, f"{len(differ)} of {len(agreement)} differ, first: {differ[:5]!r}"


def test_the_strings_exercise_every_function(agreement) -> None:
    """The comparison means something: decodings happen, and normalising changes text."""
    changed = {name: 0 for name in NAMES}
    for text, py, _js in agreement:
        for at, name in enumerate(NAMES):
            value = py[at]
            if value is not None and value != text and value != [text]:
                changed[name] += 1
    assert len(agreement) >= GENERATED + 40
    assert all(count >= 100 for count in changed.values()), repr(changed)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nguyeenx du", "nguyễn du"),
        ("truye6n5 kie6u2", None),
        ("Hòa bình", None),
    ],
    ids=["telex", "vni-not-telex", "accented-not-telex"],
)
def test_known_decodings(tmp_path: Path, text: str, expected: str | None) -> None:
    js = javascript_side([text], tmp_path)[0]
    assert js[NAMES.index("decode_telex")] == expected
