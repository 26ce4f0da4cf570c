"""The store's pure parts: error translation, names, and the one derived-fields function."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from opensearchpy.exceptions import ConnectionError as OSConnectionError
from opensearchpy.exceptions import ConnectionTimeout, NotFoundError, RequestError, TransportError

from harvesters.records import SourceRecord
from indexer.node import free_port
from indexer.source_documents import record_document
from indexer.store import Store
from indexer.store.derived import derived
from indexer.store.errors import (
    EngineBusy,
    QueryTooComplex,
    error_reason,
    is_busy,
    translate,
    translated,
)
from indexer.store.names import alias, record_id, target, versioned_name
from mucluc.core.errors import EngineError
from tests.marc_builders import book


def refusal(kind: str, reason: str, status: int = 400) -> RequestError:
    info = {"error": {"root_cause": [{"type": kind, "reason": reason}], "type": kind}}
    return RequestError(status, kind, info)


def all_shards_failed(status: int, kind: str, reason: str) -> TransportError:
    """A search whose every shard failed: no root cause of its own, the cause per shard."""
    error = {"root_cause": [], "type": "search_phase_execution_exception",
             "reason": "all shards failed", "failed_shards": [
                 {"shard": 0, "reason": {"type": kind, "reason": reason}}]}  # fmt: skip
    return TransportError(status, "search_phase_execution_exception", {"error": error})


@pytest.mark.parametrize(
    ("exc", "kind", "message"),
    [
        (OSConnectionError("N/A", "refused", OSError()), EngineError,
         "OpenSearch is unreachable while searching"),
        (ConnectionTimeout("TIMEOUT", "slow", OSError()), EngineError,
         "OpenSearch is unreachable while searching"),
        (refusal("parsing_exception", "unknown query [x]"), EngineError,
         "OpenSearch refused searching: parsing_exception: unknown query [x]"),
        (refusal("too_many_nested_clauses", "Query contains too many nested clauses"),
         QueryTooComplex, "OpenSearch refused searching: too_many_nested_clauses: Query"),
        (refusal("illegal_argument_exception", "maxClauseCount is set to 64"), QueryTooComplex,
         "OpenSearch refused searching: illegal_argument_exception: maxClauseCount"),
        (NotFoundError(404, "index_not_found_exception", "no such index"), EngineError,
         "OpenSearch refused searching: 404 index_not_found_exception"),
        (refusal("circuit_breaking_exception", "[parent] Data too large", 429), EngineBusy,
         "OpenSearch is too busy for searching: circuit_breaking_exception: [parent] Data"),
        (refusal("es_rejected_execution_exception", "rejected execution", 429), EngineBusy,
         "OpenSearch is too busy for searching: es_rejected_execution_exception: rejected"),
        (all_shards_failed(503, "circuit_breaking_exception", "[request] Data too large"),
         EngineBusy, "OpenSearch is too busy for searching: circuit_breaking_exception: [req"),
        (all_shards_failed(503, "no_shard_available_action_exception", "No shard available"),
         EngineError, "OpenSearch refused searching: no_shard_available_action_exception: No"),
    ],
    ids=["refused-connection", "timeout", "bad-query", "nested-clauses", "max-clause-count",
         "no-index", "breaker-429", "queue-full-429", "shards-tripped", "shards-unassigned"],
)
def test_engine_errors_translate_to_ours(exc: Exception, kind: type, message: str) -> None:
    translated_error = translate(exc, "searching")
    assert type(translated_error) is kind
    assert translated_error.message.startswith(message)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner,
                                                                max_size=4),
    max_leaves=12,
)
ERROR_KEYS = st.sampled_from(["root_cause", "failed_shards", "type", "reason", "status"])


@given(st.dictionaries(ERROR_KEYS | st.text(max_size=8), JSON, max_size=5))
def test_any_error_body_reads_as_a_short_reason_and_a_busy_verdict(error: dict) -> None:
    reason = error_reason(error)
    assert isinstance(reason, str) and len(reason) <= 300
    assert isinstance(is_busy(error), bool)


@given(st.sampled_from(["circuit_breaking_exception", "es_rejected_execution_exception"]),
       st.text(max_size=40), st.booleans())
def test_a_busy_cause_is_busy_wherever_the_engine_names_it(
    kind: str, reason: str, in_shards: bool
) -> None:
    cause = {"type": kind, "reason": reason}
    error = ({"root_cause": [], "failed_shards": [{"shard": 0, "reason": cause}]} if in_shards
             else {"root_cause": [cause]})
    assert is_busy({"error": error}) and is_busy(error)
    assert error_reason(error) == f"{kind}: {reason}"[:300]


def test_unreachable_keeps_the_start_the_node_hint_and_refusals_drop_it() -> None:
    assert "mucluc opensearch start" in translate(OSConnectionError("N/A", "x", OSError()),
                                                  "x").hint
    assert translate(refusal("parsing_exception", "bad"), "x").hint == ""


def test_translated_keeps_the_cause() -> None:
    cause = refusal("parsing_exception", "bad")
    with pytest.raises(EngineError) as raised, translated("reading"):
        raise cause
    assert raised.value.__cause__ is cause


@pytest.mark.parametrize(
    ("name", "expected"),
    [("union", "cat-union"), ("records", "cat-records"), ("cat-union-2026", "cat-union-2026")],
)
def test_kinds_name_their_alias_and_concrete_indices_stay(name: str, expected: str) -> None:
    assert target("cat", name) == expected


def test_versioned_names_belong_to_their_alias() -> None:
    assert versioned_name("cat", "union").startswith(alias("cat", "union") + "-")
    assert record_id("DBI", "001") == "DBI:001"


def test_a_stored_record_carries_exactly_the_derived_fields_reindex_recomputes() -> None:
    record = book("D1", "Truyện Kiều", author="Nguyễn Du", year=2015, isbn="9786046912347")
    item = SourceRecord(library="DBI", source="test", local_id="D1", record=record)
    document = record_document(item, "2026-01-01T00:00:00+00:00")
    assert {name: document[name] for name in derived(record)} == derived(record)  # type: ignore[literal-required]
    assert document["keys"]  # a real book has candidate keys


async def test_an_unreachable_engine_is_an_engine_error() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(EngineError, match="does not answer"):
        async with Store.open(url, "nothing", retries=0, timeout=2):
            pass
    async with Store.open(url, "nothing", check=False, retries=0, timeout=2) as store:
        with pytest.raises(EngineError, match="unreachable while searching"):
            await store.search("union", {"query": {"match_all": {}}})
