"""The ICU analysis plugin assembled by ``indexer.icu_plugin`` loads in the managed node, and
what it does for Vietnamese (issue #15, deliverable 5).

Findings these tests pin down: ``icu_tokenizer`` + ``icu_folding`` fold Vietnamese as our own
folding does and segment scripts without spaces (Japanese, Thai) into words, which the standard
tokenizer cannot; ``icu_collation_keyword`` with ``language: vi`` orders letters and tones as
Vietnamese does, but compares whole strings (tones only break ties), so it files "Cà Mau" before
"Ca trù" where a Vietnamese dictionary goes syllable by syllable — the Python filing keys
(``analyzers.collation``) stay the title sort.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest
from opensearchpy import AsyncOpenSearch

from indexer import distribution, icu_plugin
from indexer.store import Store
from tests.filing_order import FILING_ORDER

pytestmark = pytest.mark.engine


@pytest.fixture(scope="module")
async def icu(engine: AsyncOpenSearch, index_prefix: str) -> AsyncIterator[None]:
    if not await Store(engine, index_prefix).has_icu():
        if os.environ.get("MUCLUC_OPENSEARCH_URL"):
            pytest.skip("the cluster at MUCLUC_OPENSEARCH_URL has no analysis-icu plugin")
        if not icu_plugin.installed(distribution.installation()):
            pytest.skip("mvn could not fetch the ICU plugin's parts")
        pytest.fail("the plugin is installed but the managed node did not load it")
    yield


async def tokens(engine: AsyncOpenSearch, text: str, **analyzer: object) -> list[str]:
    found = await engine.indices.analyze(body={"text": text, **analyzer})
    return [token["token"] for token in found["tokens"]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Truyện Kiều", ["truyen", "kieu"]),
        ("ĐIỆN BIÊN PHỦ", ["dien", "bien", "phu"]),
        ("Truye\u0302\u0323n Kie\u0302\u0300u", ["truyen", "kieu"]),  # NFD
        ("hoà thuỷ", ["hoa", "thuy"]),
        ("東京大学", ["東京", "大学"]),  # no spaces: the dictionary finds the words
        ("ภาษาไทย", ["ภาษา", "ไทย"]),
    ],
    ids=["nfc", "capitals", "nfd", "old tone style", "japanese", "thai"],
)
async def test_icu_tokenizer_and_folding(
    icu: None, engine: AsyncOpenSearch, text: str, expected: list[str]
) -> None:
    assert await tokens(engine, text, tokenizer="icu_tokenizer", filter=["icu_folding"]) == expected


async def test_the_standard_tokenizer_cannot_split_thai(engine: AsyncOpenSearch) -> None:
    assert await tokens(engine, "ภาษาไทย", tokenizer="standard") == ["ภาษาไทย"]


async def test_vietnamese_collation_keyword(
    icu: None, engine: AsyncOpenSearch, index_prefix: str
) -> None:
    index = f"{index_prefix}-icu-collation"
    await engine.indices.create(index=index, body={"mappings": {"properties": {
        "title": {"type": "icu_collation_keyword", "language": "vi"}}}})  # fmt: skip
    try:
        for n, title in enumerate(reversed(FILING_ORDER)):
            await engine.index(index=index, id=str(n), body={"title": title})
        await engine.indices.refresh(index=index)
        found = await engine.search(
            index=index, body={"size": len(FILING_ORDER), "sort": [{"title": "asc"}]}
        )
        order = [hit["_source"]["title"] for hit in found["hits"]["hits"]]
    finally:
        await engine.indices.delete(index=index)

    def before(a: str, b: str) -> bool:
        return order.index(a) < order.index(b)

    # Letters and tones in Vietnamese order…
    assert before("An Nam chí lược", "Ăn quả nhớ kẻ trồng cây")
    assert before("Ăn quả nhớ kẻ trồng cây", "Âm nhạc dân gian")
    assert before("Dương Vân Nga", "Đại Việt sử ký toàn thư")
    # …but whole strings first, tones as tie-breaks: not a Vietnamese dictionary's order.
    assert before("Cà Mau quê tôi", "Ca trù Hà Nội")
    assert order != FILING_ORDER
