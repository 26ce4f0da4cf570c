"""Session set-ups begun in a background thread as soon as the collection shows they are needed.

Starting an OpenSearch node (or a three-node cluster) is mostly a JVM booting: tens of seconds
in which pytest, which runs the tests on one core, would otherwise only wait. A conftest makes
an :class:`EarlyStart` of the set-up's context manager, calls :meth:`EarlyStart.begin` from
``pytest_collection_finish`` when a collected test uses the fixture, and its session fixture
returns :meth:`EarlyStart.result`: the same set-up as before, begun earlier, while the first
tests (which need nothing running) run. Nothing is started for a run that needs none of it
(``make test-fast``, ``--collect-only``).

Callers may rely on: the set-up runs at most once; :meth:`result` waits for it and raises what
it raised; :meth:`close` leaves it exactly as its context manager does, and is safe to call
twice or when nothing was begun.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, ExitStack
from typing import Generic, TypeVar

import pytest

T = TypeVar("T")

_BOOTER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="early-start")
"""One background thread: set-ups are entered one after another in the order begun, so two
JVMs never boot at once on a small machine, and the first needed is begun (and ready) first."""


class EarlyStart(Generic[T]):
    """``make()``'s context manager, entered in the background thread; exited by :meth:`close`."""

    def __init__(self, make: Callable[[], AbstractContextManager[T]]) -> None:
        self._make = make
        self._stack = ExitStack()
        self._entered: Future[T] | None = None

    def begin(self) -> None:
        """Queue the set-up to be entered in the background (once)."""
        if self._entered is None:
            self._entered = _BOOTER.submit(lambda: self._stack.enter_context(self._make()))

    def result(self) -> T:
        """The set-up's value, begun now if it was not yet; what it raised, raised again."""
        self.begin()
        assert self._entered is not None
        return self._entered.result()

    def close(self) -> None:
        """Exit the set-up's context manager (after its start, if one is under way)."""
        if self._entered is not None:
            self._entered.exception()  # wait; a failed start has nothing to exit
        self._stack.close()


def needed(items: Iterable[pytest.Item], fixture: str) -> bool:
    """Whether a collected test uses ``fixture`` (directly or through another fixture)."""
    return any(fixture in getattr(item, "fixturenames", ()) for item in items)


def begin_when_needed(session: pytest.Session, fixture: str, start: EarlyStart[T]) -> None:
    """For ``pytest_collection_finish``: begin ``start`` when a test that will run uses
    ``fixture``."""
    if not session.config.option.collectonly and needed(session.items, fixture):
        start.begin()
