"""Pieces shared by commands: running async bodies, the configuration path, progress, reports."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from indexer.load import LoadSummary
from indexer.node import default_home


def run(coroutine: Coroutine[Any, Any, int]) -> int:
    """Run an async command body."""
    return asyncio.run(coroutine)


def config_path(args: argparse.Namespace) -> Path | None:
    return Path(args.config) if args.config else None


def reports_directory() -> Path:
    directory = default_home() / "reports"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def progress_printer(label: str) -> Callable[[LoadSummary], None]:
    """Progress for long runs: a live line on a terminal, a log line every 10 s otherwise."""
    interactive = sys.stderr.isatty()
    last = [0.0]

    def show(summary: LoadSummary) -> None:
        now = time.monotonic()
        text = f"{label}: {summary.read} read, {summary.loaded} loaded, {summary.skipped} skipped"
        if interactive:
            print(f"\r{text}", end="", file=sys.stderr, flush=True)
        elif now - last[0] >= 10:
            print(text, file=sys.stderr, flush=True)
            last[0] = now

    return show


def end_progress() -> None:
    if sys.stderr.isatty():
        print(file=sys.stderr)


def write_report(name: str, library: str, source: str, summary: LoadSummary) -> Path:
    """A JSON report of one run: counts, every problem with its reason, every repair."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = reports_directory() / f"{stamp}-{name}-{library}.json"
    report = {
        "library": library,
        "source": source,
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "read": summary.read,
        "new": summary.new,
        "updated": summary.updated,
        "unchanged": summary.unchanged,
        "deleted": summary.deleted,
        "skipped": summary.skipped,
        "seconds": round(summary.seconds, 2),
        "problems": [
            {
                "source": p.source,
                "record_id": p.record_id,
                "offset": p.offset,
                "reason": p.reason,
            }
            for p in summary.problems
        ],
        "repairs": [
            {
                "record": record,
                "field": r.field,
                "before": r.before,
                "after": r.after,
                "kind": r.kind,
            }
            for record, r in summary.repairs
        ],
    }
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return path
