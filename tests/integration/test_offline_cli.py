"""`mucluc export offline` as the van's librarian runs it, against the real engine.

The catalogue is loaded with the real loader; the command reads it back through the store.
Which books are exported (`--library`, `--kind`), what the summary line says, and the one-line
errors for a bad library code and a folder that holds something else.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from opensearchpy import AsyncOpenSearch

from tests.catalogue import Catalogue, catalogue, config_toml
from tests.integration.test_cli import NO_ENGINE, assert_one_line_error, mucluc
from tests.marc_builders import book

pytestmark = pytest.mark.engine

CODES = ("DBI", "TGI", "THCS")


@pytest.fixture(scope="module")
async def van_catalogue(
    engine: AsyncOpenSearch, index_prefix: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Catalogue]:
    books = {
        "DBI": [book("D1", "Truyện Kiều", author="Nguyễn Du", call_number="895.922 NG-D"),
                book("D2", "Lịch sử Điện Biên", author="Lò Văn Mười")],
        "TGI": [book("T1", "Truyện Kiều", author="Nguyễn Du", copies=2)],
        "THCS": [book("S1", "Tiếng Việt 5, tập một", author="Nguyễn Minh Thuyết", copies=30)],
    }
    async with catalogue(
        engine, f"{index_prefix}-offline-cli", CODES, books, tmp_path_factory.mktemp("marc")
    ) as built:
        await engine.indices.refresh(index=f"{built.prefix}-*")
        yield built


@pytest.fixture
def env(tmp_path: Path, van_catalogue: Catalogue, opensearch_url: str) -> dict[str, str]:
    (tmp_path / "mucluc.toml").write_text(config_toml(*CODES), encoding="utf-8")
    return {
        "MUCLUC_CONFIG": str(tmp_path / "mucluc.toml"),
        "MUCLUC_OPENSEARCH_URL": opensearch_url,
        "MUCLUC_INDEX_PREFIX": van_catalogue.prefix,
        "MUCLUC_HOME": str(tmp_path / "home"),
    }


def exported_titles(out: Path) -> dict[str, list[str]]:
    """Title → the codes of the libraries holding it, read from the written site."""
    catalogue_js = (out / "catalogue.js").read_text(encoding="utf-8")
    (meta,) = json.loads("[" + re.search(r"\((.*)\);", catalogue_js, re.S).group(1) + "]")
    codes = [code for code, _name, _kind in meta["libraries"]]
    titles: dict[str, list[str]] = {}
    for path in sorted(out.glob("rec-*.js")):
        text = path.read_text(encoding="utf-8")
        _number, rows = json.loads("[" + re.search(r"\((.*)\);", text, re.S).group(1) + "]")
        for row in rows:
            titles[row[1]] = [codes[h[0]] for h in row[9]]
    return titles


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ((), {"Truyện Kiều": ["DBI", "TGI"], "Lịch sử Điện Biên": ["DBI"],
              "Tiếng Việt 5, tập một": ["THCS"]}),
        (("--library", "TGI"), {"Truyện Kiều": ["DBI", "TGI"]}),
        (("--library", "TGI", "--library", "THCS"),
         {"Truyện Kiều": ["DBI", "TGI"], "Tiếng Việt 5, tập một": ["THCS"]}),
        (("--kind", "school"), {"Tiếng Việt 5, tập một": ["THCS"]}),
    ],
    ids=["everything", "one-library-keeps-all-holdings", "two-libraries", "kind-school"],
)
def test_export_selects_books_held_by_the_chosen_libraries(
    env: dict[str, str], tmp_path: Path, options: tuple[str, ...], expected: dict
) -> None:
    out = tmp_path / "van"
    result = mucluc("export", "offline", "--out", str(out), *options, env=env)
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(
        rf"Wrote {len(expected)} books of \d libraries to .*: \d+ files, [\d.]+ MB "
        r"\([\d.]+ MB compressed\) in [\d.]+ s\n",
        result.stdout,
    ), result.stdout
    titles = {title.rstrip(" /."): held for title, held in exported_titles(out).items()}
    assert titles == expected
    assert (out / "index.html").exists() and (out / "sw.js").exists()


def test_unknown_library_is_a_one_line_usage_error(env: dict[str, str], tmp_path: Path) -> None:
    result = mucluc("export", "offline", "--out", str(tmp_path / "van"), "--library", "NOPE",
                    env=env)
    assert_one_line_error(result, 2, "NOPE", "DBI")


def test_a_folder_holding_other_files_is_refused(env: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "a.jpg").write_bytes(b"\xff\xd8")
    result = mucluc("export", "offline", "--out", str(tmp_path / "photos"), env=env)
    assert_one_line_error(result, 1, "not empty")
    assert (tmp_path / "photos" / "a.jpg").exists()


def test_engine_down_is_a_one_line_error(env: dict[str, str], tmp_path: Path) -> None:
    result = mucluc("export", "offline", "--out", str(tmp_path / "van"),
                    env={**env, "MUCLUC_OPENSEARCH_URL": NO_ENGINE})
    assert result.returncode == 1, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
