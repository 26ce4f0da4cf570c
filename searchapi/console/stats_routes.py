"""Part B of the console (issue 14): statistics, status pages, "harvest now".

:func:`add_stats_routes` is the one call the app factory makes, after
:func:`searchapi.console.add_console_routes` (whose fixed pages must match before
``/console/{code}``).
"""

from __future__ import annotations

from aiohttp import web

from searchapi.console.stats import add_stats_api
from searchapi.console.stats_page import add_stats_pages
from searchapi.console.status import add_status_pages


def add_stats_routes(app: web.Application) -> None:
    add_stats_api(app)  # /api/v1/stats, /api/v1/stats/{section}
    add_stats_pages(app)  # /console/stats, /console/stats/{table}.csv|.xlsx
    add_status_pages(app)  # /console/{code}, POST /console/{code}/harvest
