"""The one translation of opensearch-py's exceptions into :class:`EngineError`.

Every engine call of the store runs inside :func:`translated`; nothing else in the project
catches an opensearch-py exception. Callers may rely on:

- an unreachable engine (connection refused, timeout) → ``EngineError("OpenSearch is unreachable
  while …")`` with the default hint (start the node or set MUCLUC_OPENSEARCH_URL);
- a refused request → ``EngineError("OpenSearch refused …: <root-cause type>: <reason>")``;
- a query over the engine's clause limit → :class:`QueryTooComplex` (an EngineError), which the
  API answers with a 400 instead of a 503.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from opensearchpy.exceptions import ConnectionError as OSConnectionError
from opensearchpy.exceptions import ConnectionTimeout, OpenSearchException, TransportError

from mucluc.core.errors import EngineError

TOO_COMPLEX_MARKS = ("too_many", "maxClauseCount", "max_clause_count")


class QueryTooComplex(EngineError):
    """The engine refused a query for its size (its clause limit), not for being down."""

    hint = "shorten the query"


def translate(exc: Exception, doing: str) -> EngineError:
    """Our error for an exception raised by opensearch-py while ``doing`` something."""
    if isinstance(exc, (OSConnectionError, ConnectionTimeout)):
        return EngineError(f"OpenSearch is unreachable while {doing}")
    if isinstance(exc, TransportError):
        reason = _reason(exc)
        if any(mark in str(exc) or mark in reason for mark in TOO_COMPLEX_MARKS):
            return QueryTooComplex(f"OpenSearch refused {doing}: {reason}")
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


def _reason(exc: TransportError) -> str:
    info = exc.info if isinstance(exc.info, dict) else {}
    error = info.get("error")
    if isinstance(error, dict):
        root = (error.get("root_cause") or [error])[0]
        return f"{root.get('type', 'error')}: {root.get('reason', '')}"[:300]
    return f"{exc.status_code} {exc.error}"[:300]
