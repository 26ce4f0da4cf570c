"""Statistics for the plan's indicators: ``GET /api/v1/stats`` (+ sub-resources) and the data
behind the console's statistics page.

Who sees what (every route needs a key or a signed-in session):

- the province administrator sees everything: every library's holdings, quality and growth,
  searches per library website, and may narrow any of it to one library (``?library=CODE``);
- a librarian sees the province's totals and each kind's, their own library's row (never
  another library's), growth of their own library, the province's searches per day and their
  own website's; zero-result queries and the top lists are province-level aggregates for
  everyone (acquisition hints are useful to every library, and no list names a reader).

Holdings are read from the whole catalogue (a full read of the raw store), so one computation is
kept per worker for ``HOLDINGS_TTL`` seconds; search counters are read from the ``stats`` index
at each call (aggregations: cheap).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from indexer import statistics
from mucluc.core.errors import ApiError
from searchapi.console.access import PageError, Principal, is_api, require
from searchapi.state import LIBRARIES, STORE

HOLDINGS_TTL = 60.0
MAX_DAYS = 400
MAX_SIZE = 200
SECTIONS = ("holdings", "growth", "quality", "searches", "zero-results", "top")


@dataclass(frozen=True)
class Scope:
    """What one request may see: ``library`` None is the whole province (administrators)."""

    admin: bool
    library: str | None
    own: str | None  # the librarian's library; None for an administrator


async def scope_of(request: web.Request) -> Scope:
    """The viewer's scope: 401 without a key, 403 for another library's business."""
    wanted = request.query.get("library", "").strip() or None
    if wanted is not None and wanted not in request.app[LIBRARIES]:
        refusal = ApiError if is_api(request) else PageError
        raise refusal(404, "unknown_library", f"No library has the code {wanted!r}.")
    who: Principal = await require(request, library=wanted)
    if who.role == "admin":
        return Scope(admin=True, library=wanted, own=None)
    return Scope(admin=False, library=who.library, own=who.library)


def _int(request: web.Request, name: str, default: int, high: int) -> int:
    raw = request.query.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= high:
        raise ApiError(400, f"bad_{name}", f"`{name}` must be a whole number from 1 to {high}.")
    return int(raw)


class _Cache:
    """One holdings computation per worker, shared by concurrent requests, kept HOLDINGS_TTL."""

    def __init__(self) -> None:
        self.at = -HOLDINGS_TTL
        self.value: statistics.Holdings | None = None
        self.lock = asyncio.Lock()

    async def holdings(self, app: web.Application) -> statistics.Holdings:
        async with self.lock:
            if self.value is None or time.monotonic() - self.at > HOLDINGS_TTL:
                self.value = await statistics.holdings(app[STORE], app[LIBRARIES])
                self.at = time.monotonic()
            return self.value

    def forget(self) -> None:
        self.value = None


CACHE: web.AppKey[_Cache] = web.AppKey("stats_cache", _Cache)


def forget_holdings(app: web.Application) -> None:
    """The catalogue changed (a harvest ended): the next holdings are computed afresh."""
    if CACHE in app:
        app[CACHE].forget()


def _visible_holdings(data: dict[str, Any], scope: Scope) -> dict[str, Any]:
    if scope.library is not None:
        data["libraries"] = [row for row in data["libraries"] if row["code"] == scope.library]
    return data


async def section(request: web.Request, name: str, scope: Scope) -> dict[str, Any]:
    """One sub-resource's JSON for ``scope``."""
    app = request.app
    store = app[STORE]
    days = _int(request, "days", 30, MAX_DAYS)
    size = _int(request, "size", 50, MAX_SIZE)
    if name in ("holdings", "quality"):
        held = (await app[CACHE].holdings(app)).as_dict(app[LIBRARIES])
        held = _visible_holdings(held, scope)
        if name == "quality":
            keep = ("records", "isbn", "subject", "call_number", "isbn_share",
                    "subject_share", "call_number_share")  # fmt: skip
            return {
                "province": {k: held["province"][k] for k in keep},
                "kinds": [{"kind": r["kind"], **{k: r[k] for k in keep}} for r in held["kinds"]],
                "libraries": [{"code": r["code"], "name": r["name"], **{k: r[k] for k in keep}}
                              for r in held["libraries"]],
            }  # fmt: skip
        return held
    if name == "growth":
        return {"library": scope.library,
                "months": await statistics.growth(store, app[LIBRARIES], library=scope.library)}
    if name == "searches":
        found = await statistics.searches(store, days=days)
        if scope.library is not None:
            own = await statistics.searches(store, days=days, site=scope.library)
            found["site"] = {"site": scope.library, "total": own["total"], "days": own["days"]}
            found["sites"] = [row for row in found["sites"] if row["site"] == scope.library]
        return found
    if name == "zero-results":
        return {"days": days, "queries": await statistics.ranked(store, "zero", days=days,
                                                                 size=size)}
    if name == "top":
        return {
            "days": days,
            "queries": await statistics.ranked(store, "query", days=days, size=size),
            "titles": await statistics.ranked(store, "title", days=days, size=size),
            "subjects": await statistics.ranked(store, "subject", days=days, size=size),
        }
    raise ApiError(404, "not_found", "No such statistics.")


async def everything(request: web.Request, scope: Scope) -> dict[str, Any]:
    """Every section, in the shape the page and the tables read."""
    held = await section(request, "holdings", scope)
    top = await section(request, "top", scope)
    return {
        "scope": {"library": scope.library, "admin": scope.admin},
        "holdings": held,
        "growth": (await section(request, "growth", scope))["months"],
        "searches": await section(request, "searches", scope),
        "zero_results": (await section(request, "zero-results", scope))["queries"],
        "top_queries": top["queries"],
        "top_titles": top["titles"],
        "top_subjects": top["subjects"],
    }


async def stats_index(request: web.Request) -> web.Response:
    """``GET /api/v1/stats``: every indicator at once (the sub-resources give one each)."""
    scope = await scope_of(request)
    return web.json_response(await everything(request, scope))


async def stats_section(request: web.Request) -> web.Response:
    """``GET /api/v1/stats/{section}``."""
    name = request.match_info["section"]
    if name not in SECTIONS:
        raise ApiError(404, "not_found", f"Statistics are: {', '.join(SECTIONS)}.")
    scope = await scope_of(request)
    return web.json_response(await section(request, name, scope))


def add_stats_api(app: web.Application) -> None:
    app[CACHE] = _Cache()
    app.router.add_get("/api/v1/stats", stats_index)
    app.router.add_get("/api/v1/stats/{section}", stats_section)
