"""The managed node: started by the test session, answering, on a real port."""

import pytest
from opensearchpy import AsyncOpenSearch

from indexer import node


@pytest.mark.engine
async def test_session_node_answers_with_the_pinned_version(
    engine: AsyncOpenSearch, opensearch_url: str
) -> None:
    info = await engine.info()
    assert info["version"]["number"] == node.OPENSEARCH_VERSION


def test_java_home_is_new_enough() -> None:
    assert node._java_major(node.find_java_home()) >= node.MINIMUM_JAVA
