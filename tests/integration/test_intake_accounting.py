"""Every file in ../shared/data loaded on its own against the real node: the report balances
(records in = new + updated + unchanged + deleted + skipped + merged), it counts exactly the
items the reader delivered, every record the reader could read is in the raw store, and nothing
raises, whatever the file is (MARC, MARCXML, CSV, JSON, notes)."""

from __future__ import annotations

from pathlib import Path

import pytest
from opensearchpy import AsyncOpenSearch

from harvesters.files import read_guarded
from harvesters.records import Notice, RecordProblem, SourceRecord
from tests.conftest import SHARED_DATA
from tests.integration.intake_helpers import configure, load, stored

pytestmark = pytest.mark.engine

FILES = sorted(p for p in SHARED_DATA.rglob("*") if p.is_file()) if SHARED_DATA.exists() else []


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(SHARED_DATA)))
async def test_every_shared_file_is_accounted_for(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, opensearch_url: str,
    index_prefix: str, engine: AsyncOpenSearch
) -> None:
    prefix = f"{index_prefix}-acc"
    config = configure(tmp_path, monkeypatch, opensearch_url, prefix)
    items = list(read_guarded(path.absolute(), library="ACC"))
    readable = {i.local_id for i in items if isinstance(i, SourceRecord)}
    came_in = sum(1 for i in items if isinstance(i, SourceRecord | RecordProblem)
                  or (isinstance(i, Notice) and i.kind == "merged"))

    report = await load(config, "ACC", path, withdraw=False)

    assert report.balanced, report.balance()
    assert report.read == came_in
    assert report.loaded + report.skipped + report.merged == came_in
    assert len(report.files) >= 1  # read, empty or unreadable: the file is always listed
    missing = readable - set(await stored(engine, prefix, "ACC", only_ids=True))
    refused = {p.record_id for p in report.problems}
    assert not missing - refused, f"read but neither stored nor reported: {missing - refused}"
