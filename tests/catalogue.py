"""The one way tests build a catalogue on the real engine and serve it through the real API.

Every library a test uses is declared once, in `LIBRARIES`; a catalogue picks its libraries by
code. `Loader` and `create_app` are each constructed in exactly one place below, so a change to
either constructor is one edit for the whole suite. The fixtures built on these helpers live in
``tests/integration/conftest.py``; the browser tests and ``bench/widget_latency.py`` call the
helpers directly because they serve over real TCP ports.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pymarc
from aiohttp import web
from aiohttp.test_utils import TestClient
from opensearchpy import AsyncOpenSearch

from harvesters.files import read_path
from indexer.load import Loader, LoadSummary
from indexer.store import Store
from mucluc.core.library import Library
from searchapi.app import create_app
from tests.marc_builders import write_marc

LIBRARIES: dict[str, Library] = {
    library.code: library
    for library in (
        Library("DBI", "Thư viện tỉnh Điện Biên", "provincial"),
        Library("TGI", "Thư viện huyện Tuần Giáo", "district", "DBI"),
        Library("MCH", "Thư viện huyện Mường Chà", "district", "DBI"),
        Library("MNH", "Thư viện huyện Mường Nhé", "district"),
        Library("THCS", "Thư viện trường THCS Mường Thanh", "school", "DBI"),
        Library("THPT-PHT", "Thư viện Trường THPT Phan Đình Giót", "school", "DBI"),
    )
}

#: The `api_client` fixture: ``async with api_client(prefix, libraries, **options) as client``.
ApiClient = Callable[..., AbstractAsyncContextManager[TestClient]]


def libraries(*codes: str) -> dict[str, Library]:
    """The declared libraries with these codes, in the order given."""
    return {code: LIBRARIES[code] for code in codes}


def config_toml(*codes: str) -> str:
    """A ``mucluc.toml`` declaring these libraries, for tests that run the command line."""
    text = ""
    for library in libraries(*codes).values():
        text += f'[[library]]\ncode = "{library.code}"\nname = "{library.name}"\n'
        text += f'kind = "{library.kind}"\n'
        if library.parent:
            text += f'parent = "{library.parent}"\n'
    return text


def make_loader(
    engine: AsyncOpenSearch, prefix: str, libs: Mapping[str, Library], **options: Any
) -> Loader:
    """The suite's only `Loader` construction (``options`` go to the constructor)."""
    return Loader(Store(engine, prefix), libs, **options)


def api_app(
    opensearch_url: str, prefix: str, libs: Mapping[str, Library], **options: Any
) -> web.Application:
    """The suite's only `create_app` call: the real API over the catalogue ``prefix``."""
    return create_app(opensearch_url, prefix, libs, **options)


@dataclass
class Catalogue:
    """A catalogue on the real engine: its index prefix, its libraries and the loader into it."""

    engine: AsyncOpenSearch
    prefix: str
    libraries: dict[str, Library]
    loader: Loader
    summaries: dict[str, LoadSummary] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)

    async def load_marc(
        self, books: Mapping[str, Sequence[pymarc.Record]], folder: Path
    ) -> dict[str, LoadSummary]:
        """Write each library's records to ``folder/<code>.mrc`` (ISO 2709) and load that file as
        `mucluc load` does.

        The summaries and the files are kept on the catalogue (by library code); the summaries
        are returned.
        """
        folder.mkdir(parents=True, exist_ok=True)
        loaded = {}
        for code, records in books.items():
            path = self.files[code] = folder / f"{code.lower()}.mrc"
            write_marc(path, records)
            loaded[code] = await self.loader.load(read_path(path, library=code))
        self.summaries.update(loaded)
        return loaded


async def open_catalogue(
    engine: AsyncOpenSearch, prefix: str, codes: Sequence[str], **loader_options: Any
) -> Catalogue:
    """An empty catalogue (any earlier one under ``prefix`` dropped) with its indices created."""
    store = Store(engine, prefix)
    await store.drop_all()
    await store.ensure_indices()
    libs = libraries(*codes)
    return Catalogue(engine, prefix, libs, make_loader(engine, prefix, libs, **loader_options))


@asynccontextmanager
async def catalogue(
    engine: AsyncOpenSearch,
    prefix: str,
    codes: Sequence[str],
    books: Mapping[str, Sequence[pymarc.Record]] | None = None,
    folder: Path | None = None,
    **loader_options: Any,
) -> AsyncIterator[Catalogue]:
    """A catalogue loaded from ``books`` (written under ``folder``), dropped on exit.

    Every record must load: a skipped record fails the test that built the catalogue.
    """
    built = await open_catalogue(engine, prefix, codes, **loader_options)
    try:
        if books:
            if folder is None:
                raise ValueError("books are written to a folder: give one")
            for code, summary in (await built.load_marc(books, folder)).items():
                assert summary.skipped == 0, (code, summary.problems)
        yield built
    finally:
        await Store(engine, prefix).drop_all()
