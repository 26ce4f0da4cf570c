"""Who is asking, and may they: the access interface every console page and API route uses.

- :func:`principal` reads ``Authorization: Bearer <key>`` (scripts) or the session cookie (the
  web console) and answers the :class:`Principal`, or None. A revoked key is None at once: the
  key's record is read from the engine on every request.
- :func:`require` raises 401 (no or bad key: JSON under ``/api/``, a redirect to the sign-in
  page for HTML pages) or 403 (another library's, or an administrator's, business).
- :func:`csrf_field` / :func:`check_csrf`: a one-time token in every form; a form without it,
  with one forged or made for another session, or sent twice, is refused (403).
- :func:`audit` writes who did what (the key id, never the key) to the audit log.

Requests that present a bad key or fail to sign in are counted per client
(:class:`~searchapi.console.sessions.Failures`): slowed down, then refused with a 429.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote

from aiohttp import web

from indexer.accounts import Accounts, KeyRecord
from indexer.console_records import write_audit
from indexer.store import Store
from mucluc.core.errors import ApiError, MuclucError
from searchapi.clients import client_address
from searchapi.console.sessions import (
    ANONYMOUS,
    COOKIE,
    bearer,
    make_form_token,
    read_form_token,
    read_session,
)
from searchapi.console.state import console
from searchapi.state import STORE

CSRF_FIELD = "csrf"
_UNSET = object()


@dataclass(frozen=True)
class Principal:
    """Who a request acts as: the key's id (public), its role and, for a librarian, the one
    library it belongs to (None for an administrator)."""

    key_id: str
    role: Literal["admin", "librarian"]
    library: str | None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


_PRINCIPAL: web.RequestKey[object] = web.RequestKey("console_principal", object)
_SUBJECT: web.RequestKey[str] = web.RequestKey("console_subject", str)
_SECRET: web.RequestKey[bytes] = web.RequestKey("console_secret", bytes)

#: The command line acting on the administrator's behalf (``mucluc access grant`` …).
COMMAND_LINE = Principal("command-line", "admin", None)


class PageError(MuclucError):
    """A console page's refusal, rendered as an HTML page (not the API's JSON)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


def is_api(request: web.Request) -> bool:
    return request.path.startswith("/api/")


def accounts(request: web.Request) -> Accounts:
    return console(request).accounts(request.app)


def known_principal(request: web.Request) -> Principal | None:
    """The principal :func:`principal` already found for this request (None if not asked)."""
    found = request.get(_PRINCIPAL)
    return found if isinstance(found, Principal) else None


def _principal_of(record: KeyRecord) -> Principal:
    return Principal(record.key_id, record.role, record.library)


async def principal(request: web.Request) -> Principal | None:
    """The principal of ``request``, from its Bearer key or else its session cookie; None when
    it has neither or they are not valid (forged, expired, revoked). Computed once a request."""
    known = request.get(_PRINCIPAL, _UNSET)
    if known is not _UNSET:
        return known  # type: ignore[return-value]
    found: Principal | None = None
    secret = await accounts(request).secret()
    request[_SECRET] = secret
    request[_SUBJECT] = ANONYMOUS
    header = request.headers.get("Authorization")
    if header is not None:
        key = bearer(header)
        record = await accounts(request).verify(key) if key else None
        found = _principal_of(record) if record else None
        if found is None:
            await _failed(request)
    elif COOKIE in request.cookies:
        session = read_session(secret, request.cookies[COOKIE])
        if session is not None:
            record = await accounts(request).key(session.key_id)
            if record is not None and record.active:
                found = _principal_of(record)
                request[_SUBJECT] = session.nonce
    request[_PRINCIPAL] = found
    return found


async def _failed(request: web.Request) -> None:
    """Count a failed credential for this client; slow its answer, or refuse it (429)."""
    failures = console(request).failures
    client = client_address(request)
    if failures.blocked(client):
        raise ApiError(429, "too_many_failures",
                       "Too many failed sign-ins from this address; try again later.")
    delay = failures.fail(client)
    if delay:
        await asyncio.sleep(delay)


def may_act_for(p: Principal, library: str) -> bool:
    """An administrator acts for any library; a librarian only for their own."""
    return p.role == "admin" or (p.library is not None and p.library == library)


async def require(
    request: web.Request, *, library: str | None = None, admin: bool = False
) -> Principal:
    """The request's principal, allowed to act for ``library`` (and an administrator when
    ``admin``); otherwise 401 or 403 in the form the caller's page needs."""
    found = await principal(request)
    if found is None:
        if is_api(request):
            raise ApiError(401, "unauthorized",
                           "A valid key is needed: send 'Authorization: Bearer <key>'.")
        target = request.path_qs if request.method == "GET" else "/console/"
        raise web.HTTPSeeOther(f"/console/sign-in?next={quote(target, safe='')}")
    if (admin and not found.is_admin) or (library is not None and not may_act_for(found, library)):
        what = "an administrator" if admin else f"library {library}"
        message = f"This key may not act for {what}."
        if is_api(request):
            raise ApiError(403, "forbidden", message)
        raise PageError(403, "forbidden", message)
    return found


def csrf_field(request: web.Request) -> str:
    """The hidden input carrying a fresh one-time form token for this request's session.

    Call it after :func:`principal` or :func:`require` ran for the request (the console's
    middleware runs :func:`principal` before every ``/console/`` handler)."""
    secret = request.get(_SECRET)
    if secret is None:
        raise RuntimeError("csrf_field needs `await principal(request)` first")
    token = make_form_token(secret, request.get(_SUBJECT, ANONYMOUS))
    return f'<input type="hidden" name="{CSRF_FIELD}" value="{token}">'


async def check_csrf(request: web.Request, form: Any) -> None:
    """Refuse (403) a form whose token is missing, forged, stale, made for another session, or
    already used once; also a form posted from another site (its ``Origin``)."""
    origin = request.headers.get("Origin")
    if origin and origin != "null" and origin.split("://", 1)[-1] != request.host:
        _refuse(request, "The form was sent from another site.")
    await principal(request)
    token = form.get(CSRF_FIELD) if form is not None else None
    nonce = None
    if isinstance(token, str):
        nonce = read_form_token(request[_SECRET], request.get(_SUBJECT, ANONYMOUS), token)
    if nonce is None:
        _refuse(request, "The form has expired or was not made for this session; reload the "
                         "page and send it again.")
    elif not await accounts(request).use_once(nonce):
        _refuse(request, "This form was already sent once; reload the page to send it again.")


def _refuse(request: web.Request, message: str) -> None:
    if is_api(request):
        raise ApiError(403, "bad_form_token", message)
    raise PageError(403, "bad_form_token", message)


async def audit(
    request_or_store: web.Request | Store,
    principal: Principal | None,
    action: str,
    target: str,
    detail: dict[str, Any],
) -> None:
    """Record that ``principal`` (its key id; None: the command line) did ``action`` to
    ``target``. ``detail`` must never hold a key: only ids, counts, names."""
    store = (request_or_store.app[STORE] if isinstance(request_or_store, web.Request)
             else request_or_store)
    who = principal or COMMAND_LINE
    library = detail.get("library") or who.library
    await write_audit(store, {"key_id": who.key_id, "role": who.role, "library": library,
                              "action": action, "target": target, "detail": detail})
