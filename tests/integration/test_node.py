"""The managed node: started by the test session, answering, on a real port."""

import pytest
from opensearchpy import AsyncOpenSearch

from indexer import distribution


@pytest.mark.engine
async def test_session_node_answers_with_the_pinned_version(
    engine: AsyncOpenSearch, opensearch_url: str
) -> None:
    info = await engine.info()
    assert info["version"]["number"] == distribution.OPENSEARCH_VERSION


def test_java_home_is_new_enough() -> None:
    assert distribution.java_major(distribution.find_java_home()) >= distribution.MINIMUM_JAVA
