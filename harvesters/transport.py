"""HTTP GET for protocol clients: bounded retries, Retry-After, size and time limits.

OAI-PMH and SRU servers in district libraries sit behind slow links and restart at night. One GET
here retries timeouts, dropped connections, truncated bodies and 5xx answers with exponential
backoff, honours ``503`` + ``Retry-After`` (the OAI-PMH flow-control signal), and gives up after
``RetryPolicy.attempts`` with a :class:`~mucluc.core.errors.HarvestError` that names the source.
aiohttp's exceptions never leave this module.

Credentials in a base URL (``https://user:pass@host/oai``) are moved into an Authorization header
and every URL that reaches a log line or an error message goes through :func:`redact` first.
"""

from __future__ import annotations

import asyncio
import base64
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Self

import aiohttp
from yarl import URL

from harvesters.xml_safety import MalformedXML, ParsedXML, parse_untrusted
from mucluc.core import settings
from mucluc.core.errors import HarvestError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    """How hard one request tries. Every loop is bounded by these numbers."""

    attempts: int = 5
    backoff: float = 2.0  # first wait in seconds; doubles each retry
    max_backoff: float = 60.0
    max_retry_after: float = 300.0  # a longer Retry-After is cut to this
    timeout: float = 120.0  # whole request, seconds
    max_bytes: int = 64 * 1024 * 1024


def configured_policy() -> RetryPolicy:
    """The policy of a client given none: the defaults, with MUCLUC_HARVEST_RETRY_SECONDS as the
    first wait (a longer value is cut to ``max_backoff``, which every later wait stays under)."""
    default = RetryPolicy()
    return replace(default, backoff=min(settings.harvest_retry_seconds(), default.max_backoff))


class RetryableResponse(HarvestError):
    """A response worth another try (truncated body, 5xx). Raised and caught inside
    :func:`get_with_retries` only; its message is the bare reason (the final error adds where)."""

    def __init__(self, message: str, *, source: str = "", library: str = "",
                 retry_after: float | None = None) -> None:
        super().__init__(message, source=source, library=library)
        self.retry_after = retry_after


def basic_auth(login: str, password: str) -> str:
    """The ``Authorization`` header value for HTTP basic auth (UTF-8, as RFC 7617 allows)."""
    token = base64.b64encode(f"{login}:{password}".encode()).decode("ascii")
    return f"Basic {token}"


def split_credentials(url: str) -> tuple[str, str | None]:
    """``https://u:p@host/x`` → (``https://host/x``, its Authorization header); others unchanged.
    """
    parsed = URL(url)
    if parsed.user is None:
        return url, None
    return str(parsed.with_user(None)), basic_auth(parsed.user, parsed.password or "")


def redact(url: str | URL) -> str:
    """The URL with any user and password replaced, safe for logs and error messages."""
    parsed = URL(str(url))
    if parsed.user is None and parsed.password is None:
        return str(parsed)
    return str(parsed.with_user("***").with_password(None) if parsed.password is None
               else parsed.with_user("***").with_password("***"))


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


async def _read_limited(response: aiohttp.ClientResponse, limit: int, where: str,
                        *, source: str, library: str) -> bytes:
    declared = response.content_length
    if declared is not None and declared > limit:
        raise HarvestError(
            f"{where}: response of {declared} bytes is over the limit of {limit} bytes",
            source=source, library=library,
        )
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.content.iter_chunked(65536):
        size += len(chunk)
        if size > limit:
            raise HarvestError(
                f"{where}: response is over the limit of {limit} bytes", source=source,
                library=library,
            )
        chunks.append(chunk)
    return b"".join(chunks)


async def get_with_retries(
    session: aiohttp.ClientSession,
    url: str,
    params: Mapping[str, str],
    *,
    policy: RetryPolicy,
    source: str,
    library: str = "",
    authorization: str | None = None,
    check: Callable[[bytes], Awaitable[None] | None] | None = None,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> bytes:
    """GET ``url`` with ``params``; the body bytes, after bounded retries.

    ``check`` may inspect the body and raise :class:`RetryableResponse` (e.g. the XML is
    truncated) to have it fetched again under the same policy.
    """
    where = f"{source}: GET {redact(url)}"
    last: Exception | None = None
    delay = policy.backoff
    for attempt in range(1, policy.attempts + 1):
        wait: float | None = None
        try:
            async with session.get(
                url, params=dict(params),
                headers={"Authorization": authorization} if authorization else None,
                timeout=aiohttp.ClientTimeout(total=policy.timeout),
            ) as response:
                if response.status == 503 or response.status >= 500 or response.status == 429:
                    wait = _retry_after(response.headers.get("Retry-After"))
                    raise RetryableResponse(
                        f"HTTP {response.status}", source=source, library=library,
                        retry_after=wait,
                    )
                if response.status >= 400:
                    raise HarvestError(
                        f"{where}: HTTP {response.status} {response.reason or ''}".rstrip(),
                        source=source, library=library,
                    )
                body = await _read_limited(response, policy.max_bytes, where, source=source,
                                           library=library)
            if check is not None:
                result = check(body)
                if result is not None:
                    await result
            return body
        except RetryableResponse as exc:
            last, wait = exc, exc.retry_after
        except (aiohttp.ClientError, TimeoutError) as exc:
            last = exc
        if attempt == policy.attempts:
            break
        pause = min(wait, policy.max_retry_after) if wait is not None else delay
        log.warning("%s: attempt %d failed (%s); retrying in %.1fs", where, attempt,
                    _describe(last), pause)
        await sleep(pause)
        delay = min(delay * 2, policy.max_backoff)
    raise HarvestError(
        f"{where}: gave up after {policy.attempts} attempts: {_describe(last)}",
        source=source, library=library,
    ) from last


def _describe(exc: BaseException | None) -> str:
    if exc is None:
        return "unknown error"
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, RetryableResponse):
        return exc.message
    # aiohttp messages may repeat the URL; keep them but never with credentials (we strip
    # credentials from the URL before the request, so the message cannot contain them).
    return f"{type(exc).__name__}: {exc}"


async def get_xml(
    session: aiohttp.ClientSession,
    url: str,
    params: Mapping[str, str],
    *,
    policy: RetryPolicy,
    source: str,
    library: str = "",
    authorization: str | None = None,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> ParsedXML:
    """GET and parse safely (:func:`~harvesters.xml_safety.parse_untrusted`), retrying bodies
    that are not well-formed: a truncated answer is most often a connection the server cut.

    The parse runs in a worker thread (lxml releases the interpreter lock while it parses: a
    harvest's other pages and engine calls go on meanwhile)."""
    parsed: ParsedXML | None = None

    async def check(body: bytes) -> None:
        nonlocal parsed
        try:
            parsed = await asyncio.to_thread(parse_untrusted, body, source=source,
                                             library=library, max_bytes=policy.max_bytes)
        except MalformedXML as exc:
            raise RetryableResponse(f"not well-formed XML: {exc.__cause__ or exc.message}",
                                    source=source, library=library) from exc

    await get_with_retries(session, url, params, policy=policy, source=source, library=library,
                           authorization=authorization, check=check, sleep=sleep)
    assert parsed is not None
    return parsed


class ProtocolClient:
    """What the OAI-PMH and SRU clients share: the base URL with its credentials moved into a
    header, the retry policy, and an aiohttp session (given, or opened on first use and closed
    with the client). Subclasses set ``PROTOCOL`` and call :meth:`get`."""

    PROTOCOL = "HTTP"

    def __init__(
        self,
        base_url: str,
        *,
        source: str,
        library: str = "",
        session: aiohttp.ClientSession | None = None,
        auth: tuple[str, str] | None = None,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.base_url, url_auth = split_credentials(base_url)
        self._authorization = basic_auth(*auth) if auth else url_auth
        self.source = source
        self.library = library
        self.policy = policy or configured_policy()
        self._session = session
        self._own_session = session is None
        self._sleep = sleep

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._own_session and self._session is not None:
            await self._session.close()
            self._session = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({redact(self.base_url)!r}, source={self.source!r})"

    async def get(self, params: Mapping[str, str]) -> ParsedXML:
        """One GET of the base URL with ``params``, retried per the policy, parsed safely."""
        if self._session is None:
            self._session = aiohttp.ClientSession(
                headers={"User-Agent": f"mucluc-harvester (+{self.PROTOCOL})"}
            )
        return await get_xml(
            self._session, self.base_url, params, policy=self.policy, source=self.source,
            library=self.library, authorization=self._authorization, sleep=self._sleep,
        )
