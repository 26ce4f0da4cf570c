"""The scheduler's decisions, without an engine: when a source is due, what a run's end writes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harvesters.reports import RunReport
from indexer.scheduler import MAX_ATTEMPTS, RETRY_BASE, after_run, is_due, parse_stamp, stamp
from mucluc.core import schedule

AT = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
BEFORE, AFTER = stamp(AT - timedelta(minutes=1)), stamp(AT + timedelta(minutes=1))


@pytest.mark.parametrize(
    ("doc", "due"),
    [
        ({"state": "idle", "next_run": BEFORE}, True),
        ({"state": "idle", "next_run": AFTER}, False),
        ({"state": "idle", "next_run": None}, False),
        ({"state": "idle", "next_run": AFTER, "requested": BEFORE}, True),
        ({"state": "running", "expires": AFTER, "requested": BEFORE}, False),
        ({"state": "running", "expires": BEFORE}, True),
        ({"state": "running"}, True),
    ],
    ids=["past-next-run", "future-next-run", "on-demand-only", "harvest-now",
         "held-lease", "expired-lease", "lease-without-expiry"],
)
def test_is_due(doc: dict, due: bool) -> None:
    assert is_due(doc, AT) is due


def _report(status: str) -> RunReport:
    return RunReport(source="s", status=status, error="boom" if status == "failed" else "")


@pytest.mark.parametrize(
    ("attempt_before", "status", "attempt_after", "next_run"),
    [
        (0, "ok", 0, AT + timedelta(hours=6)),
        (2, "problems", 0, AT + timedelta(hours=6)),
        (0, "failed", 1, AT + RETRY_BASE),
        (1, "failed", 2, AT + 2 * RETRY_BASE),
        (MAX_ATTEMPTS - 1, "failed", 0, AT + timedelta(hours=6)),  # gave up: the regular run
    ],
    ids=["ok", "problems-reset-retries", "first-failure", "second-failure", "given-up"],
)
def test_after_run(
    attempt_before: int, status: str, attempt_after: int, next_run: datetime
) -> None:
    doc = {"state": "running", "holder": "w1", "attempt": attempt_before,
           "last_started": stamp(AT), "requested": BEFORE}  # fmt: skip
    ended = after_run(doc, _report(status), schedule.parse("every 6h"), AT)
    assert (ended["state"], ended["holder"], ended["requested"]) == ("idle", "", None)
    assert ended["attempt"] == attempt_after
    assert parse_stamp(ended["next_run"]) == next_run
    assert ended["last_status"] == status


@given(st.integers(0, MAX_ATTEMPTS + 2), st.sampled_from(["every 30m", "daily 02:30",
                                                          "weekly sun 23:59"]))
def test_a_retry_never_comes_after_the_next_regular_run(attempt: int, text: str) -> None:
    planned = schedule.parse(text)
    doc = {"attempt": attempt, "last_started": stamp(AT)}
    ended = after_run(doc, _report("failed"), planned, AT)
    assert AT < parse_stamp(ended["next_run"]) <= planned.next_after(AT)
    assert 0 <= ended["attempt"] < MAX_ATTEMPTS
