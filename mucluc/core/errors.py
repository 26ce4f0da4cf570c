"""The one exception tree of Mục lục.

Every error a user can meet derives from :class:`MuclucError`. Third-party errors (opensearch-py,
aiohttp, lxml, pymarc) are translated at the boundary with ``raise ... from exc`` so that nothing
from a library's own hierarchy leaks to a caller, a terminal or an HTTP response.

    MuclucError
    ├── ConfigError          bad or missing configuration, unknown library code
    ├── SourceError          a file, folder or remote source cannot be read
    │   └── HarvestError     a harvest protocol failed (OAI-PMH, SRU)
    ├── EngineError          OpenSearch is unreachable or refused a request
    │   └── NodeError        the managed local node cannot be fetched, installed or started
    ├── QueryError           a reader's query or cursor cannot be understood (a stable code)
    └── ApiError             a request to the HTTP API is invalid (carries its HTTP status)

Context travels as attributes (library, source; file, line and key of a configuration mistake)
as well as in the message, so reports and the API can show it without parsing text. One bad
input record is not an exception: it is a ``harvesters.records.RecordProblem`` in the batch,
reported with its reason while the batch goes on.
"""

from __future__ import annotations

from pathlib import Path


class MuclucError(Exception):
    """Base of every error Mục lục raises on purpose. ``str(err)`` is a one-line message."""

    hint: str = ""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        if hint:
            self.hint = hint

    def one_line(self) -> str:
        """The message a user sees: what went wrong, then what to do about it."""
        return f"{self.message} ({self.hint})" if self.hint else self.message


class ConfigError(MuclucError):
    """Configuration is missing, unreadable or inconsistent: a setting (its variable is named in
    the message) or the configuration file (``path``, ``line`` and ``key`` when known)."""

    def __init__(
        self,
        message: str,
        *,
        hint: str = "",
        path: Path | None = None,
        line: int | None = None,
        key: str = "",
    ) -> None:
        super().__init__(message, hint=hint)
        self.path = path
        self.line = line
        self.key = key


class SourceError(MuclucError):
    """A source of records (file, folder, remote service) cannot be read at all."""

    def __init__(
        self, message: str, *, source: str = "", library: str = "", hint: str = ""
    ) -> None:
        super().__init__(message, hint=hint)
        self.source = source
        self.library = library


class HarvestError(SourceError):
    """A harvesting protocol failed in a way the harvester could not recover from."""


class EngineError(MuclucError):
    """The search engine is unreachable or refused a request."""

    hint = "start the local node with `mucluc opensearch start`, or set MUCLUC_OPENSEARCH_URL"


class NodeError(EngineError):
    """The managed local OpenSearch node cannot be fetched, installed or started."""

    hint = ""


class QueryError(MuclucError):
    """A reader's query, cursor or search parameter cannot be understood.

    ``code`` is stable and machine-readable (``bad_query``, ``bad_cursor``, ``query_too_long``);
    the message says how to fix the input. The HTTP layer answers it with a 400 and the same code.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class ApiError(MuclucError):
    """A bad API request. ``status`` is the HTTP status, ``code`` a stable machine-readable code."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
