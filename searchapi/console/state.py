"""The console's state on the application: limits, the sign-in throttle, the accounts and the
upload jobs running in this process. Made once by ``add_console_routes`` (before the app
starts: aiohttp freezes its state then), filled lazily once the store is open."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from indexer.accounts import Accounts
from indexer.store import Store
from searchapi.console.sessions import Failures
from searchapi.state import STORE

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_RECORDS = 100_000
MAX_PARSE_SECONDS = 300.0
MAX_TRANSFER_SECONDS = 900.0
MAX_RUNNING_JOBS = 2
#: An XLSX is a ZIP: refused when it would inflate beyond this, or by more than this ratio.
MAX_UNZIPPED_BYTES = 400 * 1024 * 1024
MAX_ZIP_RATIO = 200


@dataclass
class Limits:
    """What one upload may be: bytes sent, seconds to send them (the API's request time limit
    does not apply to uploads), records in it, seconds to read it; and how many uploads run at
    once in one serving process."""

    upload_bytes: int = MAX_UPLOAD_BYTES
    records: int = MAX_RECORDS
    parse_seconds: float = MAX_PARSE_SECONDS
    transfer_seconds: float = MAX_TRANSFER_SECONDS
    running_jobs: int = MAX_RUNNING_JOBS
    unzipped_bytes: int = MAX_UNZIPPED_BYTES
    zip_ratio: int = MAX_ZIP_RATIO


class Runner:
    """The upload jobs of one serving process: bounded concurrency, cancelled on shutdown."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._slots: asyncio.Semaphore | None = None
        self.tasks: set[asyncio.Task[None]] = set()

    def slots(self) -> asyncio.Semaphore:
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.limits.running_jobs)
        return self._slots

    def spawn(self, coroutine: Any) -> None:
        task = asyncio.ensure_future(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def drain(self) -> None:
        """Wait for the running jobs (tests, and a graceful shutdown)."""
        while self.tasks:
            await asyncio.gather(*list(self.tasks), return_exceptions=True)

    async def cancel(self) -> None:
        for task in list(self.tasks):
            task.cancel()
        await asyncio.gather(*list(self.tasks), return_exceptions=True)


@dataclass
class ConsoleState:
    limits: Limits = field(default_factory=Limits)
    failures: Failures = field(default_factory=Failures)
    _accounts: Accounts | None = None
    _store: Store | None = None
    _runner: Runner | None = None

    def runner(self) -> Runner:
        """The upload jobs of this serving process."""
        if self._runner is None:
            self._runner = Runner(self.limits)
        return self._runner

    def accounts(self, app: web.Application) -> Accounts:
        """The accounts of the app's store (made on first use, after the store opened)."""
        store = app[STORE]
        if self._accounts is None or self._store is not store:
            self._accounts, self._store = Accounts(store), store
        return self._accounts


CONSOLE: web.AppKey[ConsoleState] = web.AppKey("console", ConsoleState)


def console(request: web.Request) -> ConsoleState:
    return request.app[CONSOLE]
