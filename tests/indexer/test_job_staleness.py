"""A queued or running upload job that nothing saves any more is shown as failed (pure rule)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from indexer.console_records import STALE_SECONDS, as_seen

AT = datetime(2026, 12, 2, 12, 0, 0, tzinfo=UTC)
FRESH = "2026-12-02T11:59:00+00:00"  # 60 s before AT
OLD = "2026-12-02T11:50:00+00:00"  # 600 s before AT


@pytest.mark.parametrize(
    ("job", "state"),
    [
        ({"state": "running", "updated_at": FRESH}, "running"),
        ({"state": "queued", "updated_at": FRESH}, "queued"),
        ({"state": "running", "updated_at": OLD}, "failed"),
        ({"state": "queued", "updated_at": OLD}, "failed"),
        ({"state": "queued", "created_at": OLD}, "failed"),  # saved before heartbeats existed
        ({"state": "done", "updated_at": OLD}, "done"),
        ({"state": "failed", "updated_at": OLD, "error": {"code": "x"}}, "failed"),
        ({"state": "running", "updated_at": "not a date"}, "running"),
    ],
)
def test_stale_jobs_are_failed(job: dict, state: str) -> None:
    seen = as_seen(job, AT)
    assert seen["state"] == state
    if state == "failed" and job["state"] != "failed":
        assert seen["error"]["code"] == "interrupted"
        assert job["state"] != "failed"  # the stored document is not changed by reading


def test_the_threshold_leaves_room_for_several_heartbeats() -> None:
    from indexer.console_records import HEARTBEAT_SECONDS

    assert STALE_SECONDS >= 3 * HEARTBEAT_SECONDS
