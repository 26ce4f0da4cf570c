"""The #16 table: each row's verdict follows the measured ratio, and old results are not quoted."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from bench import targets


def _level(n: int, added: float, ratio: float, errors: int = 0) -> dict:
    return {"concurrency": n, "p50_added_ms": added, "ratio_throughput": ratio,
            "ours": {"p50_ms": 10 + added, "non_2xx": errors},
            "direct": {"p50_ms": 10.0, "non_2xx": 0}}


INGEST = {"records": 20000, "ours_records_per_s": 806.0, "baseline_records_per_s": 4006.0,
          "ratio": 0.2012, "reload_ratio": 17.0, "reload_rewritten": 0}

HARVEST = {"into_catalogue": {"ratio": 0.88, "harvest_seconds": 10.0, "file_load_seconds": 8.8,
                              "download_seconds": 0.04, "reharvest_ratio": 6.1,
                              "reharvest_rewritten": 0}}


@pytest.mark.parametrize(("row", "met"), [
    (targets.ingest_rows(INGEST)[0], False),
    (targets.ingest_rows({**INGEST, "ratio": 0.61})[0], True),
    (targets.ingest_rows(INGEST)[1], True),
    (targets.ingest_rows({**INGEST, "reload_rewritten": 3})[1], False),
    (targets.harvest_rows(HARVEST)[0], False),
    (targets.harvest_rows(HARVEST)[1], True),
    (targets.harvest_rows({"into_catalogue": {**HARVEST["into_catalogue"],
                                              "reharvest_ratio": 4.9}})[1], False),
    (targets.api_rows({"levels": [_level(1, 2.0, 0.85)]})[0], True),
    (targets.api_rows({"levels": [_level(16, 2.1, 0.96)]})[0], False),
    (targets.api_rows({"levels": [_level(16, 1.0, 0.96)]})[1], True),
    (targets.api_rows({"levels": [_level(64, 1.0, 0.96, errors=1)]})[1], False),
    (targets.memory_rows({"rows": [{"mode": "skip", "records": 10_000, "peak_kb": 75_000},
                                   {"mode": "skip", "records": 1_000_000,
                                    "peak_kb": 182_000}]})[0], False),
    (targets.memory_rows({"rows": [{"mode": "map", "records": 100_000, "peak_kb": 154_000},
                                   {"mode": "map", "records": 10_000, "peak_kb": 136_000}]})[0],
     True),
])
def test_verdict_follows_the_measurement(row: targets.Row, met: bool) -> None:
    assert row[3] is met


def test_the_load_row_quotes_the_cpu_bound_when_the_run_measured_it() -> None:
    assert "caps" not in targets.ingest_rows(INGEST)[0][1]
    measured = targets.ingest_rows({**INGEST, "cores": 2, "ratio_bound_by_cpu": 0.384,
                                    "cpu_ratio": 0.291})[0][1]
    assert "on 2 cores caps it at 0.38" in measured
    assert "CPU of the load 0.29" in measured


def test_the_added_latency_is_quoted_with_the_rounds_it_is_the_median_of() -> None:
    level = {**_level(16, 11.0, 0.89), "p50_added_ms_rounds": [18.9, -2.8, 11.0]}
    assert targets.api_rows({"levels": [level]})[0][1] == (
        "+11.0 ms (median of the rounds' paired differences +18.9 / -2.8 / +11.0 ms)")


def test_one_client_has_no_throughput_row() -> None:
    assert [r[0] for r in targets.api_rows({"levels": [_level(1, 1.0, 0.9)]})] == [
        "API p50 − engine p50, 1 client(s)"]


def test_results_older_than_the_run_are_not_quoted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(targets, "RESULTS", tmp_path)
    (tmp_path / "ingest.json").write_text(json.dumps(INGEST), encoding="utf-8")
    old = time.time() - 3600
    os.utime(tmp_path / "ingest.json", (old, old))
    assert "not measured in this run" in targets.rows(time.time() - 60)[0][1]
    assert "806 ÷ 4,006" in targets.rows(old - 1)[0][1]
