"""Fixtures of the integration tests: catalogues on the real engine and the real API over them.

- `api_catalogue`: the API tests' catalogue (``api_catalogue.py``), loaded once per session.
- `catalogue`: the catalogue the `api` fixture serves; `api_catalogue` unless a module defines
  its own `catalogue` fixture (built with ``tests.catalogue.catalogue``).
- `api_client`: ``async with api_client(prefix, libraries, **create_app_options) as client`` for
  tests that need other app options, another catalogue or an engine URL of their own.
- `api`: a test client of the real API over `catalogue`.

Every test using these carries ``@pytest.mark.engine`` (the root conftest checks it).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from opensearchpy import AsyncOpenSearch

from mucluc.core.library import Library
from tests.catalogue import ApiClient, Catalogue, api_app
from tests.catalogue import catalogue as build_catalogue
from tests.integration import api_catalogue as api_books


@pytest.fixture(scope="session")
async def api_catalogue(
    engine: AsyncOpenSearch, index_prefix: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Catalogue]:
    """Read-only for the tests that share it: none of them may load or delete records."""
    async with build_catalogue(
        engine,
        f"{index_prefix}-api",
        api_books.CODES,
        api_books.books(),
        tmp_path_factory.mktemp("api"),
    ) as built:
        yield built


@pytest.fixture(scope="session")
def api_prefix(api_catalogue: Catalogue) -> str:
    """The index prefix of `api_catalogue`, for tests that read the engine directly."""
    return api_catalogue.prefix


@pytest.fixture(scope="session")
def catalogue(api_catalogue: Catalogue) -> Catalogue:
    return api_catalogue


@pytest.fixture(scope="session")
def api_client(opensearch_url: str) -> ApiClient:
    @asynccontextmanager
    async def serve(
        prefix: str,
        libraries: Mapping[str, Library],
        *,
        engine_url: str | None = None,
        **options: Any,
    ) -> AsyncIterator[TestClient]:
        app = api_app(engine_url or opensearch_url, prefix, libraries, **options)
        async with TestClient(TestServer(app)) as client:
            yield client

    return serve


@pytest.fixture
async def api(catalogue: Catalogue, api_client: ApiClient) -> AsyncIterator[TestClient]:
    async with api_client(catalogue.prefix, catalogue.libraries) as client:
        yield client
