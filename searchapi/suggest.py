"""``GET /api/v1/suggest?q=``: completions over titles and authors as the reader types.

The ``.prefix`` multi-fields hold folded edge n-grams, so "nguyen d" completes "Nguyễn Du"
whether or not the reader types diacritics. Candidates whose words start with exactly what was
typed, diacritics included, come first ("Hóa" → "Hóa học đại cương" before "Hoa học trò").
Fewer than two characters give an empty list: one letter matches half the catalogue.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from analyzers.fold import fold
from analyzers.normalise import normalise
from mucluc.core.errors import ApiError
from searchapi.state import STORE

MIN_CHARS = 2
MAX_CHARS = 100
DEFAULT_SIZE = 8
MAX_SIZE = 20


def _words(text: str) -> list[str]:
    return [w for w in normalise(text).lower().replace(",", " ").split() if w]


def _matches(typed: list[str], candidate: str, *, folded: bool) -> bool:
    """Each typed word starts some word of the candidate, in order of typing (last as prefix)."""
    key = (lambda w: fold(w)) if folded else (lambda w: w)
    words = [key(w) for w in _words(candidate)]
    wanted = [key(w) for w in typed]
    return all(any(w.startswith(t) for w in words) for t in wanted)


def rank(typed: str, candidates: list[tuple[str, str]]) -> list[dict[str, str]]:
    """Matching candidates (text, kind), exact-diacritic matches first, engine order kept."""
    words = _words(typed)
    seen: set[tuple[str, str]] = set()
    exact: list[dict[str, str]] = []
    folded: list[dict[str, str]] = []
    for text, kind in candidates:
        if (text, kind) in seen or not text:
            continue
        seen.add((text, kind))
        if _matches(words, text, folded=False):
            exact.append({"text": text, "kind": kind})
        elif _matches(words, text, folded=True):
            folded.append({"text": text, "kind": kind})
    return exact + folded


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
    body: dict[str, Any] = {
        "size": size * 3,
        "_source": ["display.title", "display.authors"],
        "sort": ["_score", {"title_sort": {"order": "asc", "missing": "_last"}}],
        "query": {
            "bool": {
                "should": [
                    {"match": {"title.prefix": {"query": text, "operator": "and"}}},
                    {"match": {"authors.prefix": {"query": text, "operator": "and"}}},
                    {"match_phrase_prefix": {"title": {"query": text, "boost": 3}}},
                    {"match_phrase_prefix": {"authors": {"query": text, "boost": 3}}},
                ],
                "minimum_should_match": 1,
            }
        },
    }
    response = await request.app[STORE].search("union", body, doing="suggesting")
    candidates: list[tuple[str, str]] = []
    for found in response["hits"]["hits"]:
        display = found["_source"].get("display", {})
        candidates.append((display.get("title", ""), "title"))
        candidates += [(author, "author") for author in display.get("authors", [])]
    return web.json_response({"q": q, "suggestions": rank(q, candidates)[:size]})
