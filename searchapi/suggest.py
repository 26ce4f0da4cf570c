"""``GET /api/v1/suggest?q=``: completions over titles and authors as the reader types.

The ``.prefix`` multi-fields hold folded edge n-grams, so "nguyen d" completes "Nguyễn Du"
whether or not the reader types diacritics; raw Telex keystrokes are read as the letters they
stand for ("nguyeenx nhaa" → "nguyen nha"), as an extra alternative to the literal text. Order:
titles and authors that *start* with the typed words come first (the ``.start`` keyword), then
those that hold them elsewhere; within each, matches with exactly the typed diacritics come first
("Hóa" → "Hóa học đại cương" before "Hoa học trò"). Fewer than two characters give an empty
list: one letter matches half the catalogue.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from analyzers.fold import fold
from analyzers.keyboard import decode_telex, fold_telex
from analyzers.normalise import normalise
from mucluc.core.errors import ApiError
from searchapi.state import STORE

MIN_CHARS = 2
MAX_CHARS = 100
DEFAULT_SIZE = 8
MAX_SIZE = 20
TELEX_WEIGHT = 0.5


def _words(text: str) -> list[str]:
    return [w for w in normalise(text).lower().replace(",", " ").split() if w]


def _key(word: str, folded: bool) -> str:
    return fold(word) if folded else word


def _matches(typed: list[str], candidate: str, *, folded: bool) -> tuple[bool, bool]:
    """(each typed word starts some word of the candidate, the candidate starts with them)."""
    words = [_key(w, folded) for w in _words(candidate)]
    wanted = [_key(w, folded) for w in typed]
    anywhere = all(any(w.startswith(t) for w in words) for t in wanted)
    start = len(words) >= len(wanted) and all(
        w.startswith(t) for w, t in zip(words, wanted, strict=False)
    )
    return anywhere, start


def readings(typed: str) -> list[list[str]]:
    """The words of what was typed, then of its Telex readings (decoded, then folded)."""
    found = [_words(typed)]
    for reading in (decode_telex(normalise(typed)), fold_telex(normalise(typed))):
        if reading and _words(reading) not in found:
            found.append(_words(reading))
    return found


def rank(typed: str, candidates: list[tuple[str, str]]) -> list[dict[str, str]]:
    """Matching candidates (text, kind): starting with the typed words first, then exact
    diacritics before folded ones; the engine's order kept within each of the four groups."""
    alternatives = readings(typed)
    seen: set[tuple[str, str]] = set()
    groups: list[list[dict[str, str]]] = [[], [], [], []]
    for text, kind in candidates:
        if (text, kind) in seen or not text:
            continue
        seen.add((text, kind))
        best = min(
            (
                (0 if start else 2) + (1 if folded else 0)
                for folded in (False, True)
                for words in alternatives
                for anywhere, start in [_matches(words, text, folded=folded)]
                if anywhere
            ),
            default=None,
        )
        if best is not None:
            groups[best].append({"text": text, "kind": kind})
    return [entry for group in groups for entry in group]


def _query(text: str, boost: float) -> list[dict[str, Any]]:
    start = " ".join(fold(text).split())
    return [
        {"match": {"title.prefix": {"query": text, "operator": "and", "boost": boost}}},
        {"match": {"authors.prefix": {"query": text, "operator": "and", "boost": boost}}},
        {"match_phrase_prefix": {"title": {"query": text, "boost": 3 * boost}}},
        {"match_phrase_prefix": {"authors": {"query": text, "boost": 3 * boost}}},
        {"prefix": {"title.start": {"value": start, "boost": 5 * boost}}},
        {"prefix": {"authors.start": {"value": start, "boost": 5 * boost}}},
    ]


async def suggest(request: web.Request) -> web.Response:
    q = request.query.get("q", "").strip()
    raw_size = request.query.get("size", "").strip()
    try:
        size = int(raw_size) if raw_size else DEFAULT_SIZE
    except ValueError:
        raise ApiError(400, "bad_size", "`size` must be a whole number.") from None
    if not 1 <= size <= MAX_SIZE:
        raise ApiError(400, "bad_size", f"`size` must be between 1 and {MAX_SIZE}.")
    if len(q) > MAX_CHARS:
        raise ApiError(400, "query_too_long", f"Suggestions take at most {MAX_CHARS} characters.")
    if len(q) < MIN_CHARS or not _words(q):
        return web.json_response({"q": q, "suggestions": []})
    text = normalise(q)
    should = _query(text, 1.0)
    telex = fold_telex(text)
    if telex:  # a lower weight: `Marx` and `box` are words too
        should += _query(telex, TELEX_WEIGHT)
    body: dict[str, Any] = {
        "size": size * 3,
        "_source": ["display.title", "display.authors"],
        "sort": ["_score", {"title_sort": {"order": "asc", "missing": "_last"}}],
        "query": {"bool": {"should": should, "minimum_should_match": 1}},
    }
    response = await request.app[STORE].search("union", body, doing="suggesting")
    candidates: list[tuple[str, str]] = []
    for found in response["hits"]["hits"]:
        display = found["_source"].get("display", {})
        candidates.append((display.get("title", ""), "title"))
        candidates += [(author, "author") for author in display.get("authors", [])]
    return web.json_response({"q": q, "suggestions": rank(q, candidates)[:size]})
