"""The one translation of opensearch-py's exceptions into :class:`EngineError`.

Every engine call of the store runs inside :func:`translated`; nothing else in the project
catches an opensearch-py exception. Callers may rely on:

- an unreachable engine (connection refused, timeout) → ``EngineError("OpenSearch is unreachable
  while …")`` with the default hint (start the node or set MUCLUC_OPENSEARCH_URL);
- a refused request → ``EngineError("OpenSearch refused …: <root-cause type>: <reason>")``;
- a query over the engine's clause limit → :class:`QueryTooComplex` (an EngineError), which the
  API answers with a 400 instead of a 503;
- a refusal for being busy for now (HTTP 429: a memory circuit breaker tripped, a thread pool's
  queue full; also when every shard of a search failed for that reason) → :class:`EngineBusy`
  (an EngineError): worth one more try after a short pause, which the store's reads make.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from opensearchpy.exceptions import ConnectionError as OSConnectionError
from opensearchpy.exceptions import ConnectionTimeout, OpenSearchException, TransportError

from mucluc.core.errors import EngineError

TOO_COMPLEX_MARKS = ("too_many", "maxClauseCount", "max_clause_count")
BUSY_MARKS = ("circuit_breaking_exception", "rejected_execution_exception")
"""Root causes of a refusal for the engine's load at the moment, not for the request."""


class QueryTooComplex(EngineError):
    """The engine refused a query for its size (its clause limit), not for being down."""

    hint = "shorten the query"


class EngineBusy(EngineError):
    """The engine is up but turned the request away for its load at this moment (HTTP 429)."""


def translate(exc: Exception, doing: str) -> EngineError:
    """Our error for an exception raised by opensearch-py while ``doing`` something."""
    if isinstance(exc, (OSConnectionError, ConnectionTimeout)):
        return EngineError(f"OpenSearch is unreachable while {doing}")
    if isinstance(exc, TransportError):
        reason = _reason(exc)
        if any(mark in str(exc) or mark in reason for mark in TOO_COMPLEX_MARKS):
            return QueryTooComplex(f"OpenSearch refused {doing}: {reason}")
        if exc.status_code == 429 or is_busy(exc.info):
            busy = EngineBusy(f"OpenSearch is too busy for {doing}: {reason}")
            busy.hint = ""
            return busy
        return _answered(f"OpenSearch refused {doing}: {reason}")
    if isinstance(exc, OpenSearchException):
        return _answered(f"OpenSearch failed while {doing}: {exc}")
    return _answered(f"unexpected failure while {doing}: {exc}")


def _answered(message: str) -> EngineError:
    """An error from an engine that is up: "start the node" would be the wrong advice."""
    error = EngineError(message)
    error.hint = ""  # MuclucError keeps the class hint when given an empty one
    return error


@contextmanager
def translated(doing: str) -> Iterator[None]:
    """Run an engine call; its opensearch-py exception leaves as our EngineError (cause kept)."""
    try:
        yield
    except OpenSearchException as exc:
        raise translate(exc, doing) from exc


def is_busy(error: object) -> bool:
    """Whether an engine error body (or one answer of a multi-search) is a refusal for load:
    its status 429, or a busy root cause (a search whose every shard failed names it only in
    the shards' failures)."""
    if not isinstance(error, dict):
        return False
    if error.get("status") == 429:
        return True
    return any(mark in str(error) for mark in BUSY_MARKS)


def _reason(exc: TransportError) -> str:
    info = exc.info if isinstance(exc.info, dict) else {}
    error = info.get("error")
    if isinstance(error, dict):
        return error_reason(error)
    return f"{exc.status_code} {exc.error}"[:300]


def error_reason(error: dict) -> str:
    """"<root-cause type>: <reason>" of an engine error object (a response's ``error``, or one
    multi-search answer's), at most 300 characters; whatever the body's shape."""
    roots = error.get("root_cause")
    causes = [root for root in roots if isinstance(root, dict)] if isinstance(roots, list) else []
    root = (causes or _shard_causes(error) or [error])[0]
    return f"{root.get('type', 'error')}: {root.get('reason', '')}"[:300]


def _shard_causes(error: dict) -> list[dict]:
    """The causes in a search's shard failures ("all shards failed" has no root cause of its
    own, so the log said only ``search_phase_execution_exception:``)."""
    failures = error.get("failed_shards")
    if not isinstance(failures, list):
        return []
    return [
        failure["reason"]
        for failure in failures
        if isinstance(failure, dict) and isinstance(failure.get("reason"), dict)
    ]
