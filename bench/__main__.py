"""``python -m bench [NAME ...]``: run benchmarks (all of them by default) and print their tables.

Each benchmark is a module ``bench/<name>.py`` with ``main() -> int``; results are written as
JSON under ``bench/results/``.
"""

from __future__ import annotations

import importlib
import os
import sys
import time

from bench.targets import RUN_STARTED

BENCHMARKS = (
    "ingest", "relevance", "dedup", "harvest", "api_load", "widget_latency", "record_page",
    "soak", "oai_provider", "sru", "works", "works_engine", "zero_downtime", "stats", "offline",
    "scale", "scale_memory", "ingest_cpu", "targets",
)


def main(argv: list[str]) -> int:
    names = argv or list(BENCHMARKS)
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
        return 2
    status = 0
    os.environ.setdefault(RUN_STARTED, str(time.time()))  # `targets` quotes only this run's
    for name in names:
        try:
            module = importlib.import_module(f"bench.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"bench.{name}":
                print(f"\n== {name}: not available in this checkout ==")
                continue
            raise
        print(f"\n== {name} ==", flush=True)
        started = time.perf_counter()
        status |= int(module.main() or 0)
        print(f"({name} took {time.perf_counter() - started:.0f} s)", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
