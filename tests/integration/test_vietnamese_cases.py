"""The 42 Vietnamese search cases of vietnamese-cases.md, each against the real engine.

Every case gets its own throwaway index built from `analysis_settings()` and `text_field()`,
holds the case's documents (plus a few unrelated titles, so "top result" means something), and
runs `text_query` as the search API does. Documents are ingested as the indexer does: legacy
mojibake repaired by `legacy.repair`, the display text otherwise stored exactly as written (the
engine's analyzers do the normalising).
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from opensearchpy import AsyncOpenSearch

from analyzers.analysis import analysis_settings, sort_field, text_field
from analyzers.collation import sort_key
from analyzers.legacy import repair
from analyzers.normalise import normalise
from analyzers.query import text_query

pytestmark = pytest.mark.engine

FIELDS = {"title": 3.0, "authors": 2.0}

# Unrelated titles indexed beside each case's documents.
BACKGROUND = (
    "Hoa học trò",
    "Du lịch miền núi",
    "Thu vàng",
    "Nguyễn Trãi toàn tập",
    "Lịch sử thế giới",
    "Cây tre Việt Nam",
)

NFD = "NFD"


def nfd(text: str) -> str:
    return unicodedata.normalize(NFD, text)


@dataclass(frozen=True)
class Case:
    """One row of the cases table.

    docs: key → title (or, with an `@` prefix, an author). queries: each is run.
    match: must be hits. order: must be hits, ranked in this order. order_absent_ok: keys of
    `order` allowed to be missing (they then trivially rank below). top: the first hit.
    exact: found by the exact (diacritics kept) field alone. equal: same score.
    raw: key → text as ingested before repair, with the expected encoding.
    sort: keys in the expected sort-key order. unchanged: `normalise` leaves the texts alone.
    pairwise: the i-th query is about the i-th key of `match` / `exact`.
    """

    docs: dict[str, str]
    queries: tuple[str, ...] = ()
    match: tuple[str, ...] = ()
    order: tuple[str, ...] = ()
    order_absent_ok: tuple[str, ...] = ()
    top: str | None = None
    exact: tuple[str, ...] = ()
    equal: tuple[str, ...] = ()
    raw: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    sort: tuple[str, ...] = ()
    unchanged: bool = False
    pairwise: bool = False


LEGACY_FOREIGN = {
    "fr": ("Les Misérables", None),
    "es": ("Cien años de soledad", None),
    "fr2": ("Hôtel de Ville", None),
    "de": ("Über die Natur", None),
    "es2": ("Ñandú", None),
}

CASES: dict[str, Case] = {
    "01-truyen-kieu-unaccented": Case({"A": "Truyện Kiều"}, ("truyen kieu",), match=("A",)),
    "02-viet-exact-above-viet-folded": Case(
        {"A": "Lịch sử Việt Nam", "B": "Cách viết tiểu luận"}, ("Việt",), order=("A", "B")
    ),
    "03-viet-unaccented-finds-both": Case(
        {"A": "Lịch sử Việt Nam", "B": "Cách viết tiểu luận"}, ("viet",), match=("A", "B")
    ),
    "04-dien-bien-phu-unaccented": Case({"A": "Điện Biên Phủ"}, ("dien bien phu",), match=("A",)),
    "05-eth-typed-for-d-stroke": Case(
        {"A": "Điện Biên Phủ"}, ("\u00d0iện Biên Phủ",), match=("A",), exact=("A",)
    ),
    "06-dao-exact-above-dao-folded": Case(
        {"A": "@Đào Duy Anh", "B": "Dao găm"}, ("Đào",), order=("A", "B")
    ),
    "07-hoa-binh-above-hoa-hoc": Case(
        {"A": "Hòa bình", "B": "Hóa học"}, ("hòa bình",), order=("A", "B"), order_absent_ok=("B",)
    ),
    "08-ma-exact-above-ma-folded": Case(
        {"A": "Mã nguồn mở", "B": "@Ma Văn Kháng"}, ("Mã",), order=("A", "B")
    ),
    "09-stored-nfd-query-nfc": Case(
        {"A": "@" + nfd("Nguyễn Du")}, ("Nguyễn Du",), match=("A",), exact=("A",), top="A"
    ),
    "10-stored-nfc-query-nfd": Case(
        {"A": "@Nguyễn Du"}, (nfd("Nguyễn Du"),), match=("A",), exact=("A",), top="A"
    ),
    "11-marks-in-non-canonical-order": Case(
        {"A": "Vie\u0302\u0323t Nam sử lược"}, ("Việt",), match=("A",), exact=("A",)
    ),
    "12-cp1258-decomposed-tone": Case(
        {"A": "Vi\u00ea\u0323t Nam".encode("cp1258").decode("cp1258")},
        ("Việt",),
        match=("A",),
        exact=("A",),
    ),
    "13-all-capitals": Case(
        {"A": "ĐẠI VIỆT SỬ KÝ TOÀN THƯ"}, ("đại việt",), match=("A",), exact=("A",), top="A"
    ),
    "14-hoa-binh-both-styles-equal": Case(
        {"A": "Hòa bình", "B": "Hoà bình"}, ("hoà bình",), exact=("A", "B"), equal=("A", "B")
    ),
    "15-khoe-old-style-found-by-new": Case({"A": "Sức khỏe"}, ("khoẻ",), exact=("A",)),
    "15-khoe-new-style-found-by-old": Case({"A": "Sức khoẻ"}, ("khỏe",), exact=("A",)),
    "16-thuy-both-styles": Case({"A": "@Nguyễn Thị Thủy"}, ("Thuỷ",), exact=("A",)),
    "17-quy-misplaced-tone": Case({"A": "Quý"}, ("qúy",), match=("A",)),
    "18-thanh-hoa-both-styles": Case({"A": "Thanh Hóa"}, ("Thanh Hoá",), exact=("A",)),
    "19-hoan-misplaced-tone": Case({"A": "hoàn cảnh"}, ("hòan cảnh",), match=("A",)),
    "20-correct-spellings-unchanged": Case(
        {"A": "mùa thu", "B": "của", "C": "khuỷu tay", "D": "ngoài"},
        ("mùa thu", "của", "khuỷu tay", "ngoài"),
        exact=("A", "B", "C", "D"),
        unchanged=True,
        pairwise=True,
    ),
    "21-ki-ky-exact-spelling-first": Case(
        {"A": "Kĩ thuật", "B": "Kỹ thuật"}, ("kĩ thuật",), order=("A", "B")
    ),
    "21-ky-found-by-ki": Case({"A": "Kỹ thuật"}, ("kĩ thuật",), match=("A",)),
    "22-qui-quy": Case({"A": "Quy Nhơn"}, ("Qui Nhơn",), match=("A",)),
    "23-li-ly": Case({"A": "Lý luận"}, ("lí luận",), match=("A",)),
    "24-thu-vien-phrase-first": Case(
        {"A": "Thư viện Quốc gia", "B": "Thư gửi Viện Hán Nôm"}, ("thư viện",), order=("A", "B")
    ),
    "25-thu-vien-unaccented-phrase-first": Case(
        {"A": "Thư viện Quốc gia", "B": "Thư gửi Viện Hán Nôm"}, ("thu vien",), order=("A", "B")
    ),
    "26-dai-viet-su-ky-top": Case(
        {"A": "Đại Việt sử ký toàn thư", "B": "Lịch sử Việt Nam", "C": "Đại cương sử học"},
        ("dai viet su ky",),
        top="A",
    ),
    "27-ho-chi-minh-toan-tap-top": Case(
        {"A": "Hồ Chí Minh toàn tập", "B": "Hồ Xuân Hương", "C": "Chí Phèo"},
        ("ho chi minh toan tap",),
        top="A",
    ),
    "28-tcvn3-mojibake-repaired": Case(
        {"A": "Đại Việt sử ký toàn thư"},
        ("Đại Việt sử ký",),
        match=("A",),
        raw={"A": ("§¹i ViÖt sö ký toµn th\xad", "TCVN3")},
    ),
    "29-tcvn3-author-repaired": Case(
        {"A": "@Nguyễn Du"}, ("nguyen du",), match=("A",), raw={"A": ("NguyÔn Du", "TCVN3")}
    ),
    "30-vni-mojibake-repaired": Case(
        {"A": "Truyện Kiều"}, ("Truyện Kiều",), match=("A",), raw={"A": ("Truyeän Kieàu", "VNI")}
    ),
    "31-foreign-text-not-repaired": Case(
        {key: text for key, (text, _) in LEGACY_FOREIGN.items()},
        ("Les Misérables", "Cien años de soledad", "Hôtel de Ville", "Über die Natur", "Ñandú"),
        match=tuple(LEGACY_FOREIGN),
        raw=LEGACY_FOREIGN,
        pairwise=True,
    ),
    "32-telex-nguyen-du-top": Case(
        {"A": "@Nguyễn Du", "B": "Du ký Nam Kỳ", "C": "@Nguyễn Tuân"}, ("nguyeenx du",), top="A"
    ),
    "33-vni-truyen-kieu": Case({"A": "Truyện Kiều"}, ("truye6n5 kie6u2",), match=("A",)),
    "34-marx-literal-first": Case(
        {"A": "@Marx, Karl", "B": "Mã Giám Sinh"},
        ("Marx",),
        order=("A", "B"),
        top="A",
        order_absent_ok=("B",),
    ),
    "35-data-literal-first": Case(
        {"A": "Data mining", "B": "Paris", "C": "Đá tạc"}, ("data",), top="A"
    ),
    "35-paris-literal-first": Case(
        {"A": "Data mining", "B": "Paris", "C": "Pa rí"}, ("paris",), top="B"
    ),
    "36-hmong-spellings": Case(
        {"A": "Người H'Mông"},
        ("H'Mông", "H’Mông", "HʼMông", "hmong", "Hmông", "H-Mông"),
        match=("A",),
        top="A",
    ),
    "37-hhen-nie": Case({"A": "@H'Hen Niê"}, ("hhen nie",), match=("A",)),
    "38-hmong-rpa-untouched": Case({"A": "Hmoob"}, ("hmoob",), match=("A",), top="A"),
    "39-tai-viet-script": Case({"A": "ꪼꪕꪒꪾ"}, ("ꪼꪕꪒꪾ",), match=("A",), top="A"),
    "40-no-stopwords": Case(
        {"A": "Của chồng công vợ", "B": "Chồng và vợ", "C": "Của cải"},
        ("Của chồng công vợ",),
        top="A",
    ),
    "41-vietnamese-alphabetical-order": Case(
        {
            "a": "An Nam chí lược",
            "b": "Ăn quả nhớ kẻ trồng cây",
            "c": "Âm nhạc",
            "d": "Bình Ngô đại cáo",
            "e": "Dân tộc học",
            "f": "Dương",
            "g": "Đại Việt sử ký",
            "h": "Điện Biên Phủ",
            "i": "Em",
            "j": "Êđê",
        },
        sort=tuple("abcdefghij"),
    ),
    "42-tone-order": Case(
        {"a": "ca", "b": "cà", "c": "cả", "d": "cã", "e": "cá", "f": "cạ"}, sort=tuple("abcdef")
    ),
}


def ingest(key: str, case: Case) -> dict[str, Any]:
    """The document the indexer would send: repaired, display text otherwise as written."""
    text = case.docs[key]
    if key in case.raw:
        raw, encoding = case.raw[key]
        repaired, found = repair(raw)
        assert (repaired, found) == (text.lstrip("@"), encoding), f"repair of {raw!r}"
        text = text[: len(text) - len(repaired)] + repaired
    doc: dict[str, Any] = {"title": "", "authors": []}
    if text.startswith("@"):
        doc["authors"] = [text[1:]]
    else:
        doc["title"] = text
    doc["title_sort"] = sort_key(doc["title"] or text.lstrip("@"))
    return doc


@pytest.fixture
async def case_index(
    engine: AsyncOpenSearch, request: pytest.FixtureRequest
) -> AsyncIterator[tuple[str, Case]]:
    case_id: str = request.param
    case = CASES[case_id]
    name = f"test-vi-{case_id[:20]}-{uuid.uuid4().hex[:8]}"
    await engine.indices.create(
        index=name,
        body={
            "settings": {
                "number_of_shards": 1,
                "number_of_replicas": 0,
                "analysis": analysis_settings(),
            },
            "mappings": {
                "properties": {
                    "title": text_field(autocomplete=True),
                    "authors": text_field(),
                    "title_sort": sort_field(),
                }
            },
        },
    )
    try:
        docs = {key: ingest(key, case) for key in case.docs}
        if not case.sort:
            docs |= {f"bg{i}": {"title": t, "authors": []} for i, t in enumerate(BACKGROUND)}
        for key, doc in docs.items():
            await engine.index(index=name, id=key, body=doc)
        await engine.indices.refresh(index=name)
        yield name, case
    finally:
        await engine.indices.delete(index=name, ignore_unavailable=True)


def for_query(case: Case, keys: tuple[str, ...], q: str) -> tuple[str, ...]:
    """The keys a query must find: all of them, or with `pairwise` the one at the query's place."""
    return (keys[case.queries.index(q)],) if case.pairwise and keys else keys


async def search(engine: AsyncOpenSearch, index: str, query: dict[str, Any]) -> list[dict]:
    result = await engine.search(index=index, body={"query": query, "size": 50})
    return result["hits"]["hits"]


@pytest.mark.parametrize("case_index", list(CASES), indirect=True)
async def test_case(engine: AsyncOpenSearch, case_index: tuple[str, Case]) -> None:
    index, case = case_index
    if case.unchanged:
        for text in case.docs.values():
            assert normalise(text) == text
    if case.sort:
        result = await engine.search(
            index=index, body={"query": {"match_all": {}}, "sort": ["title_sort"], "size": 50}
        )
        assert tuple(h["_id"] for h in result["hits"]["hits"]) == case.sort
    for key, (text, encoding) in case.raw.items():
        stored = (await engine.get(index=index, id=key))["_source"]
        shown = stored["title"] or stored["authors"][0]
        # What a reader sees: the repaired text, or foreign text exactly as sent.
        assert shown == case.docs[key].lstrip("@"), (text, encoding)
    for q in case.queries:
        hits = await search(engine, index, text_query(q, FIELDS))
        ids = [h["_id"] for h in hits]
        for key in for_query(case, case.match, q):
            assert key in ids, f"{q!r} should find {case.docs[key]!r}; got {ids}"
        ranked = [k for k in case.order if k in ids]
        missing = set(case.order) - set(ranked) - set(case.order_absent_ok)
        assert not missing, f"{q!r} should find {missing}; got {ids}"
        assert ranked == sorted(ranked, key=ids.index), f"{q!r}: want {case.order}, got {ids}"
        if len(ranked) > 1:
            first, second = (hits[ids.index(k)]["_score"] for k in ranked[:2])
            assert first > second, f"{q!r}: {ranked[0]} must score above {ranked[1]}"
        if case.top is not None:
            assert ids and ids[0] == case.top, f"{q!r}: top should be {case.top}; got {ids}"
        if case.equal:
            scores = {h["_id"]: h["_score"] for h in hits}
            assert scores[case.equal[0]] == pytest.approx(scores[case.equal[1]])
        if case.exact:
            exact = {
                "multi_match": {
                    "query": normalise(q),
                    "fields": list(FIELDS),
                    "operator": "and",
                }
            }
            exact_ids = [h["_id"] for h in await search(engine, index, exact)]
            for key in for_query(case, case.exact, q):
                assert key in exact_ids, f"{q!r} should match {key} exactly; got {exact_ids}"
