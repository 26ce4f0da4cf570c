"""A file from an old system with TCVN3 and VNI mojibake: repaired at load, each repair reported,
European-language records left exactly as written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient

from tests.catalogue import ApiClient, config_toml, libraries
from tests.marc_builders import book, write_marc

pytestmark = pytest.mark.engine

# (001, title as the old system exported it, author as exported, title a reader must see)
MOJIBAKE = [
    ("OLD-1", "§¹i ViÖt sö ký toµn th\xad", "Ng« SÜ Liªn", "Đại Việt sử ký toàn thư"),
    ("OLD-2", "TruyÖn KiÒu", "NguyÔn Du", "Truyện Kiều"),
    ("OLD-3", "Truyeän Kieàu", "Nguyeãn Du", "Truyện Kiều"),
]
EUROPEAN = [
    ("EU-1", "Les Misérables", "Hugo, Victor"),
    ("EU-2", "Cien años de soledad", "García Márquez, Gabriel"),
    ("EU-3", "Hôtel de Ville", "Ménard, Louis"),
    ("EU-4", "Über die Natur", "Goethe, Johann Wolfgang von"),
    ("EU-5", "Ñandú", "Pérez, José"),
]


@pytest.fixture(scope="module")
def loaded(
    tmp_path_factory: pytest.TempPathFactory, opensearch_url: str, index_prefix: str
) -> tuple[subprocess.CompletedProcess[str], Path, str]:
    folder = tmp_path_factory.mktemp("legacy")
    (folder / "mucluc.toml").write_text(config_toml("MNH"), encoding="utf-8")
    records = [book(i, t, author=a, year=1998) for i, t, a, _ in MOJIBAKE]
    records += [book(i, t, author=a, year=1990, publisher="Gallimard") for i, t, a in EUROPEAN]
    write_marc(folder / "old-system.mrc", records)
    prefix = f"{index_prefix}-legacy"
    env = {
        **os.environ,
        "MUCLUC_CONFIG": str(folder / "mucluc.toml"),
        "MUCLUC_OPENSEARCH_URL": opensearch_url,
        "MUCLUC_INDEX_PREFIX": prefix,
        "MUCLUC_HOME": str(folder / "home"),
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mucluc",
            "load",
            str(folder / "old-system.mrc"),
            "--library",
            "MNH",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result, folder, prefix


@pytest.fixture
async def api(loaded, api_client: ApiClient) -> AsyncIterator[TestClient]:  # type: ignore[no-untyped-def]
    _result, _folder, prefix = loaded
    async with api_client(prefix, libraries("MNH")) as client:
        yield client


def test_summary_counts_the_repaired_records(loaded) -> None:  # type: ignore[no-untyped-def]
    result, _folder, _prefix = loaded
    assert "8 loaded" in result.stdout
    assert "3 repaired" in result.stdout
    assert "3 records had legacy-encoded text repaired" in result.stdout


def test_report_lists_every_repair(loaded) -> None:  # type: ignore[no-untyped-def]
    _result, folder, _prefix = loaded
    (report,) = (folder / "home" / "reports").glob("*-load-MNH.json")
    repairs = json.loads(report.read_text(encoding="utf-8"))["repairs"]
    by_record = {(r["record"], r["field"]): r for r in repairs}
    for local_id, title, author, fixed in MOJIBAKE:
        entry = by_record[(f"MNH:{local_id}", "245$a")]
        assert (entry["before"], entry["after"]) == (title, fixed)
        assert entry["kind"] in {"TCVN3", "VNI"}
        assert by_record[(f"MNH:{local_id}", "100$a")]["before"] == author
    assert not [r for r in repairs if r["record"].startswith("MNH:EU-")]


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("Đại Việt sử ký", "Đại Việt sử ký toàn thư"),
        ("dai viet su ky", "Đại Việt sử ký toàn thư"),
        ("Truyện Kiều", "Truyện Kiều"),
        ("nguyen du", "Truyện Kiều"),
        ("ngo si lien", "Đại Việt sử ký toàn thư"),
    ],
)
async def test_repaired_records_are_found(api: TestClient, query: str, title: str) -> None:
    body = await (await api.get("/api/v1/search", params={"q": query})).json()
    assert body["hits"] and body["hits"][0]["title"] == title, body["hits"][:2]


@pytest.mark.parametrize(("local_id", "title", "author"), EUROPEAN, ids=[e[1] for e in EUROPEAN])
async def test_european_records_are_untouched(
    api: TestClient, local_id: str, title: str, author: str
) -> None:
    body = await (await api.get("/api/v1/search", params={"q": f'title:"{title}"'})).json()
    hit = body["hits"][0]
    assert (hit["title"], hit["authors"]) == (title, [author])
