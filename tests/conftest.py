"""Test-session fixtures: one real, throwaway OpenSearch node for the whole session.

The node gets a random port and a temporary directory and is stopped at the end. Setting
MUCLUC_OPENSEARCH_URL makes the tests use that cluster instead (indices are prefixed per session,
so a shared cluster is not disturbed).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from opensearchpy import AsyncOpenSearch

# Property tests: bounded in `make test`; `make fuzz` (pytest --hypothesis-profile=fuzz) runs
# many more examples. The deadline is a hang detector (an input that loops), far above the real
# cost of one example, not a performance assertion.
settings.register_profile(
    "default",
    max_examples=300,
    deadline=5000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "fuzz",
    max_examples=20_000,
    deadline=5000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("default")

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The read-only real-world data beside the repository (never copied into it)."""
    if not SHARED_DATA.exists():
        pytest.fail(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def opensearch_url() -> Iterator[str]:
    """URL of a real OpenSearch node for this test session."""
    from indexer import node

    with node.engine_for("test", heap=os.environ.get("MUCLUC_TEST_HEAP", "768m")) as url:
        yield url


@pytest.fixture(scope="session")
def index_prefix() -> str:
    """An index prefix unique to this session."""
    return f"mucluc-test-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="session")
async def engine(opensearch_url: str) -> AsyncIterator[AsyncOpenSearch]:
    client = AsyncOpenSearch(hosts=[opensearch_url], timeout=60)
    yield client
    await client.close()
