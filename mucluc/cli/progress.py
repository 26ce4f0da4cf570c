"""The one progress display of long runs (loads and harvests): rich bars on a terminal, a plain
line every ``LOG_EVERY`` seconds otherwise (cron, CI, a log file), both on stderr.

Progress is read from the run's :class:`harvesters.reports.RunReport`, the same object the report
is written from, so what the bar says and what the report says cannot disagree.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

from harvesters.reports import RunReport

LOG_EVERY = 10.0  # seconds between plain progress lines per task


class Progress:
    """Progress of named tasks (one per source, or one per load)."""

    def __init__(self, names: Sequence[str], *, verb: str = "harvesting") -> None:
        self.interactive = sys.stderr.isatty()
        self.names = list(names)
        self.verb = verb
        self.last: dict[str, float] = {}
        self.bars: Any = None
        self.tasks: dict[str, Any] = {}

    def __enter__(self) -> Progress:
        if self.interactive:
            from rich.console import Console
            from rich.progress import BarColumn, SpinnerColumn, TextColumn, TimeElapsedColumn
            from rich.progress import Progress as Bars

            self.bars = Bars(
                SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                TextColumn("{task.completed:,} records"), TextColumn("{task.fields[note]}"),
                TimeElapsedColumn(), console=Console(stderr=True), transient=False,
            )
            self.bars.start()
            for name in self.names:
                self.tasks[name] = self.bars.add_task(name, total=None, note="waiting",
                                                      start=False)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bars is not None:
            self.bars.stop()

    def start(self, name: str) -> None:
        if self.bars is not None:
            self.bars.start_task(self.tasks[name])
            self.bars.update(self.tasks[name], note=self.verb)
        else:
            self.last[name] = time.monotonic()
            print(f"{name}: {self.verb}", file=sys.stderr, flush=True)

    def update(self, name: str, report: RunReport, label: str = "") -> None:
        if self.bars is not None:
            self.bars.update(self.tasks[name], completed=report.read, note=label or self.verb)
            return
        moment = time.monotonic()
        if moment - self.last.get(name, 0.0) >= LOG_EVERY:
            self.last[name] = moment
            head = f"{name}: {label}; " if label else f"{name}: "
            print(f"{head}{report.read} in so far, {report.new} new, {report.updated} updated, "
                  f"{report.unchanged} unchanged, {report.deleted} deleted, "
                  f"{report.skipped} skipped", file=sys.stderr, flush=True)

    def callback(self, name: str) -> Callable[[RunReport], None]:
        """For :class:`indexer.load.Loader` (``progress=``): updates ``name`` after each batch."""
        return lambda report: self.update(name, report)

    def finish(self, name: str, report: RunReport) -> None:
        text = "FAILED" if report.status == "failed" else "done"
        if self.bars is not None:
            self.bars.update(self.tasks[name], total=report.read, completed=report.read,
                             note=text)
        else:
            print(f"{name}: {text}, {report.counts()}", file=sys.stderr, flush=True)
