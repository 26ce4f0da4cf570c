"""Shared benchmark plumbing: a real engine, results files, tables."""

from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import aiohttp

RESULTS = Path(__file__).resolve().parent / "results"
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@contextmanager
def engine_url() -> Iterator[str]:
    """MUCLUC_OPENSEARCH_URL when set, else a throwaway local node for this benchmark."""
    from indexer import node

    with node.engine_for("bench", heap=os.environ.get("MUCLUC_BENCH_HEAP", "1g")) as url:
        yield url


def write_results(name: str, results: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table (readable in a terminal and pasteable into notes)."""
    cells = [[str(h) for h in headers]] + [[_format(v) for v in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
        for row in cells
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def _format(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.3f}" if value < 10 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def latency_summary(values: list[float]) -> dict[str, float]:
    """p50, p90, min and max (ms) of request timings, and how many there were."""
    ordered = sorted(values)
    return {
        "p50_ms": statistics.median(ordered),
        "p90_ms": ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))],
        "min_ms": ordered[0],
        "max_ms": ordered[-1],
        "n": len(ordered),
    }


async def timed_get(http: aiohttp.ClientSession, url: str, **params: Any) -> float:
    """Milliseconds to GET ``url`` and read the whole answer (which must be a 200)."""
    started = time.perf_counter()
    async with http.get(url, params=params) as response:
        await response.read()
        assert response.status == 200, (url, response.status)
    return (time.perf_counter() - started) * 1000
