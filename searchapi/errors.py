"""One JSON error shape for every failure: ``{"error": {"code", "message"}}``, never a traceback."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from mucluc.core.errors import ApiError, EngineError, QueryError

log = logging.getLogger("mucluc.api")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def error_response(
    status: int, code: str, message: str, *, headers: dict[str, str] | None = None
) -> web.Response:
    return web.json_response(
        {"error": {"code": code, "message": message}}, status=status, headers=headers
    )


async def guarded(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The handler's answer, or its failure as the one JSON error shape (a redirect, raised as
    an HTTP exception below 400, is raised on)."""
    try:
        return await handler(request)
    except ApiError as exc:
        return error_response(exc.status, exc.code, exc.message)
    except QueryError as exc:  # the reader's query or cursor: their input, so a 400
        return error_response(400, exc.code, exc.message)
    except EngineError as exc:
        log.warning("engine unavailable: %s", exc.message)
        return error_response(
            503,
            "engine_unavailable",
            "The catalogue's search engine is not answering; please try again shortly.",
            headers={"Retry-After": "5"},
        )
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        code = exc.reason.lower().replace(" ", "_")
        return error_response(exc.status, code, exc.reason, headers=None)
    except Exception:
        log.exception("unexpected error on %s", request.path)
        return error_response(500, "internal_error", "Something went wrong on our side.")
