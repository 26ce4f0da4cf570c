"""Test-session fixtures: one real, throwaway OpenSearch node for the whole session.

The node gets a random port and a temporary directory and is stopped at the end. Setting
MUCLUC_OPENSEARCH_URL makes the tests use that cluster instead (indices are prefixed per session,
so a shared cluster is not disturbed).

Markers say what a test needs running; `make test-fast` leaves those tests out. A test carries a
marker exactly when it uses one of that marker's fixtures (directly or through another fixture):
collection fails otherwise, so a new engine test cannot slip into the fast run, and a marked
test that needs nothing cannot hide from it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from opensearchpy import AsyncOpenSearch

from tests.early import EarlyStart, begin_when_needed

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

#: marker → the fixtures that make a test need it (declared in pyproject.toml's `markers`).
MARKER_FIXTURES: dict[str, frozenset[str]] = {
    "engine": frozenset({"opensearch_url", "engine"}),
    "peers": frozenset({"ztest", "zebra", "z3950", "yaz_client"}),
    "browser": frozenset({"browser"}),
    "cluster": frozenset({"three_nodes", "cluster"}),
}


def marker_mismatches(item: pytest.Item) -> list[str]:
    """What is wrong with ``item``'s markers, one sentence per marker (empty when right)."""
    used = set(getattr(item, "fixturenames", ()))
    wrong = []
    for marker, fixtures in MARKER_FIXTURES.items():
        needs = sorted(used & fixtures)
        marked = item.get_closest_marker(marker) is not None
        if needs and not marked:
            wrong.append(f"uses {', '.join(needs)} but lacks @pytest.mark.{marker}")
        elif marked and not needs:
            wrong.append(f"is marked {marker} but uses none of {', '.join(sorted(fixtures))}")
    return wrong


#: Fixtures whose set-up is an engine's start (tests/early.py begins it in the background).
ENGINE_FIXTURES = frozenset({"opensearch_url", "three_nodes"})


def engine_modules_last(items: list[pytest.Item]) -> list[pytest.Item]:
    """``items`` with the modules needing no engine first, each group in collection order.

    The session's node (then the three-node cluster) boots in the background from the end of
    the collection: the tests that need nothing running cover that boot instead of the first
    engine test waiting for it. A module moves whole (module fixtures stay set up once) and the
    order within a module never changes."""
    needs_engine = {
        item.module for item in items
        if ENGINE_FIXTURES & set(getattr(item, "fixturenames", ())) and hasattr(item, "module")
    }
    return sorted(items, key=lambda item: getattr(item, "module", None) in needs_engine)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    problems = [f"{item.nodeid} {text}" for item in items for text in marker_mismatches(item)]
    if problems:
        raise pytest.UsageError("markers do not match fixtures:\n  " + "\n  ".join(problems))
    items[:] = engine_modules_last(items)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The read-only real-world data beside the repository (never copied into it)."""
    if not SHARED_DATA.exists():
        pytest.fail(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA


def _session_node() -> AbstractContextManager[str]:
    from indexer import node

    return node.engine_for("test", heap=os.environ.get("MUCLUC_TEST_HEAP", "768m"))


SESSION_NODE = EarlyStart(_session_node)
"""The session's node, begun in the background once the collection shows an engine test."""


@pytest.hookimpl(tryfirst=True)  # before the cluster's (tests/integration/cluster): needed first
def pytest_collection_finish(session: pytest.Session) -> None:
    begin_when_needed(session, "opensearch_url", SESSION_NODE)


def pytest_sessionfinish(session: pytest.Session) -> None:
    SESSION_NODE.close()  # also when no test asked for it after all (-x, interrupted)


@pytest.fixture(scope="session")
def opensearch_url() -> Iterator[str]:
    """URL of a real OpenSearch node for this test session."""
    try:
        yield SESSION_NODE.result()
    finally:
        SESSION_NODE.close()


@pytest.fixture(scope="session")
def index_prefix() -> str:
    """An index prefix unique to this session."""
    return f"mucluc-test-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="session")
async def engine(opensearch_url: str) -> AsyncIterator[AsyncOpenSearch]:
    client = AsyncOpenSearch(hosts=[opensearch_url], timeout=60)
    yield client
    await client.close()
