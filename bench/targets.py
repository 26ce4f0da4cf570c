"""The throughput issue's table (#16), every row from the results this run's benchmarks wrote.

Each row is a ratio the benchmark measured side by side in one run (``ingest``, ``harvest``,
``api_load``, ``scale_memory``); this module only gathers them under the issue's targets.
Run after them (``python -m bench`` runs it last): a results file written before this
``python -m bench`` started is not quoted as this run's, the row says so instead.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from typing import Any

from bench.common import RESULTS, table

#: Set by ``python -m bench`` when it starts (seconds since the epoch): results written before
#: it belong to an earlier run.
RUN_STARTED = "MUCLUC_BENCH_RUN_STARTED"
#: Peak memory counts as flat when the largest size's peak is within this factor of the
#: smallest size's (allocator and interpreter noise stay well inside it).
FLAT = 1.25

Row = tuple[str, str, str, bool]  # what, measured, target, met


def _results(name: str, started: float | None) -> dict[str, Any] | None:
    path = RESULTS / f"{name}.json"
    if not path.exists() or (started is not None and path.stat().st_mtime < started):
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def _cpu_bound(r: dict[str, Any]) -> str:
    """What the CPU account of the same run says the ratio can reach at most (results written
    before the account existed have none)."""
    if "ratio_bound_by_cpu" not in r:
        return ""
    return (f"; the load's CPU (engine + ours) on {r['cores']} cores caps it at "
            f"{r['ratio_bound_by_cpu']:.2f}, CPU of raw `_bulk` ÷ CPU of the load "
            f"{r['cpu_ratio']:.2f}")


def ingest_rows(r: dict[str, Any]) -> list[Row]:
    return [
        ("`mucluc load` with clustering ÷ raw `_bulk` of the same final documents",
         f"{r['ours_records_per_s']:,.0f} ÷ {r['baseline_records_per_s']:,.0f} records/s "
         f"= {r['ratio']:.2f} ({r['records']:,} records{_cpu_bound(r)})", "≥ 0.6",
         r["ratio"] >= 0.6),
        ("reload of an unchanged library ÷ first load",
         f"{r['reload_ratio']:.1f} × ({r['reload_rewritten']} rewritten)", "≥ 5 ×",
         r["reload_ratio"] >= 5 and r["reload_rewritten"] == 0),
    ]


def harvest_rows(r: dict[str, Any]) -> list[Row]:
    c = r["into_catalogue"]
    return [
        ("`mucluc harvest` (OAI-PMH) ÷ slower of (download, file load)",
         f"{c['ratio']:.2f} (harvest {c['harvest_seconds']:.1f} s, file load "
         f"{c['file_load_seconds']:.1f} s, download {c['download_seconds']:.2f} s)",
         "≥ 0.9", c["ratio"] >= 0.9),
        ("re-harvest of an unchanged library ÷ first harvest",
         f"{c['reharvest_ratio']:.1f} × ({c['reharvest_rewritten']} rewritten"
         + (", median of " + " / ".join(f"{s:.2f}" for s in c["reharvest_runs_seconds"]) + " s"
            if c.get("reharvest_runs_seconds") else "") + ")", "≥ 5 ×",
         c["reharvest_ratio"] >= 5 and c["reharvest_rewritten"] == 0),
    ]


def api_rows(r: dict[str, Any]) -> list[Row]:
    rows: list[Row] = []
    for level in r["levels"]:
        n = level["concurrency"]
        rounds = level.get("p50_added_ms_rounds")
        how = (f"median of the rounds' paired differences "
               f"{' / '.join(f'{d:+.1f}' for d in rounds)} ms" if rounds else
               f"{level['ours']['p50_ms']:.1f} vs {level['direct']['p50_ms']:.1f} ms")
        rows.append((f"API p50 − engine p50, {n} client(s)",
                     f"{level['p50_added_ms']:+.1f} ms ({how})", "≤ +2 ms",
                     level["p50_added_ms"] <= 2.0))
        if n >= 16:
            errors = level["ours"]["non_2xx"] + level["direct"]["non_2xx"]
            rows.append((f"API throughput ÷ engine's, {n} clients",
                         f"{level['ratio_throughput']:.2f}, {errors} errors", "≥ 0.95, 0 errors",
                         level["ratio_throughput"] >= 0.95 and errors == 0))
    return rows


def memory_rows(r: dict[str, Any]) -> list[Row]:
    rows: list[Row] = []
    names = {"map": "read + map + batch", "skip": "read + batch, decoding skipped (reload)"}
    for mode, name in names.items():
        sizes = sorted((m for m in r["rows"] if m["mode"] == mode), key=lambda m: m["records"])
        if len(sizes) < 2:
            continue
        growth = sizes[-1]["peak_kb"] / sizes[0]["peak_kb"]
        rows.append((f"peak memory of a load, {name}",
                     " / ".join(f"{m['peak_kb'] / 1024:.0f} MB at {m['records']:,}"
                                for m in sizes) + f" (× {growth:.2f})",
                     f"flat (≤ × {FLAT})", growth <= FLAT))
    return rows


SOURCES: dict[str, Callable[[dict[str, Any]], list[Row]]] = {
    "ingest": ingest_rows, "harvest": harvest_rows, "api_load": api_rows,
    "scale_memory": memory_rows,
}


def rows(started: float | None) -> list[list[str]]:
    out: list[list[str]] = []
    for name, make in SOURCES.items():
        results = _results(name, started)
        if results is None:
            out.append([f"({name})", f"not measured in this run: `python -m bench {name}`",
                        "", ""])
            continue
        out += [[what, measured, target, "met" if met else "**not met**"]
                for what, measured, target, met in make(results)]
    return out


def main() -> int:
    started_env = os.environ.get(RUN_STARTED)
    started = float(started_env) if started_env else None
    print(table(["#16 row", "measured in this run", "target", ""], rows(started)))
    if started is None:
        print(f"(quoted from the latest results in {RESULTS}, whenever they were written; "
              f"`python -m bench` sets {RUN_STARTED} so only this run's are quoted)")
    else:
        print(f"(results written since {time.strftime('%H:%M:%S', time.localtime(started))})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
