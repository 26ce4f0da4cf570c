"""The engine's generated analyzers and analyzers.tokens agree, token for token.

Both sides are built from the same tables; this checks the engine really runs them the same way
(mapping char filter semantics, Java vs Python regexes, lowercasing), on every text of the
Vietnamese cases and on the raw (unnormalised) forms ingest may send.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import AsyncIterator, Callable

import pytest
from opensearchpy import AsyncOpenSearch

from analyzers.analysis import EXACT, FOLDED, FOLDED_KEYWORD, VARIANT, analysis_settings
from analyzers.fold import fold
from analyzers.tokens import folded_tokens, tokens
from analyzers.variants import variant_tokens
from tests.integration.test_vietnamese_cases import BACKGROUND, CASES

pytestmark = pytest.mark.engine

TEXTS = sorted(
    {text.lstrip("@") for case in CASES.values() for text in case.docs.values()}
    | {q for case in CASES.values() for q in case.queries}
    | set(BACKGROUND)
    | {
        unicodedata.normalize("NFD", "Đại Việt sử ký toàn thư"),
        "HÒA BÌNH KHỎE THỦY",
        "Hòan cảnh ngòai qúy gìa nghĩa",
        "Vi\u00ea\u0323t Nam",
        "a\u0301\u0302 \u01a1\u0309",
        "Việt\u00adNam\u200b",
        "M'Nông K'Ho l'amour",
        "Straße Øre Ñandú",
    }
)

ANALYZERS: dict[str, Callable[[str], list[str]]] = {
    EXACT: tokens,
    FOLDED: folded_tokens,
    VARIANT: variant_tokens,
}


@pytest.fixture(scope="module")
async def analysis_index(engine: AsyncOpenSearch) -> AsyncIterator[str]:
    name = f"test-vi-agreement-{uuid.uuid4().hex[:8]}"
    await engine.indices.create(
        index=name, body={"settings": {"number_of_shards": 1, "analysis": analysis_settings()}}
    )
    yield name
    await engine.indices.delete(index=name, ignore_unavailable=True)


@pytest.mark.parametrize("analyzer", list(ANALYZERS))
@pytest.mark.parametrize("text", TEXTS)
async def test_engine_and_python_agree(
    engine: AsyncOpenSearch, analysis_index: str, analyzer: str, text: str
) -> None:
    result = await engine.indices.analyze(
        index=analysis_index, body={"analyzer": analyzer, "text": text}
    )
    assert [t["token"] for t in result["tokens"]] == ANALYZERS[analyzer](text)


@pytest.mark.parametrize("text", TEXTS)
async def test_folded_keyword_is_python_fold(
    engine: AsyncOpenSearch, analysis_index: str, text: str
) -> None:
    # Autocomplete's `prefix` query on `<field>.start` sends Python's fold of the typed words.
    result = await engine.indices.analyze(
        index=analysis_index, body={"normalizer": FOLDED_KEYWORD, "text": text}
    )
    (token,) = [t["token"] for t in result["tokens"]]
    assert " ".join(token.split()) == " ".join(fold(text).split())
