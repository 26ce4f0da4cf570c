"""Sources' ``schedule``: parsed, checked in ``mucluc.toml`` with file/line/key, next run times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mucluc.core import schedule
from mucluc.core.config import load_config
from mucluc.core.errors import ConfigError

T0 = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)  # 08:00 in Vietnam, a Wednesday


@pytest.mark.parametrize(
    ("text", "now", "expected"),
    [
        ("every 6h", T0, T0 + timedelta(hours=6)),
        ("every 30m", T0, T0 + timedelta(minutes=30)),
        ("Every  2D", T0, T0 + timedelta(days=2)),
        ("daily 02:30", T0, datetime(2026, 12, 2, 19, 30, tzinfo=UTC)),  # 02:30 next day, UTC+7
        ("daily 09:15", T0, datetime(2026, 12, 2, 2, 15, tzinfo=UTC)),  # later the same day
        ("daily 08:00", T0, datetime(2026, 12, 3, 1, 0, tzinfo=UTC)),  # now: strictly after
        ("weekly mon 03:00", T0, datetime(2026, 12, 6, 20, 0, tzinfo=UTC)),  # Mon 03:00 ICT
        ("weekly wed 09:00", T0, datetime(2026, 12, 2, 2, 0, tzinfo=UTC)),
    ],
    ids=["6h", "30m", "2d-cased", "daily-tomorrow", "daily-today", "daily-now",
         "weekly-monday", "weekly-today"],
)
def test_next_run(text: str, now: datetime, expected: datetime) -> None:
    assert schedule.parse(text).next_after(now) == expected


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("hourly", "is not a schedule"),
        ("every 1m", "too often"),
        ("every 6 hours", "is not a schedule"),
        ("daily 24:00", "not a time of day"),
        ("daily 7:60", "not a time of day"),
        ("weekly fri", "is not a schedule"),
        ("weekly thr 03:00", "is not one of"),
        ("", "is not a schedule"),
    ],
    ids=["hourly", "1m", "words", "24h", "60min", "no-time", "bad-day", "empty"],
)
def test_bad_schedules_say_why(text: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        schedule.parse(text)


SCHEDULES = st.one_of(
    st.builds(lambda n, u: f"every {n}{u}", st.integers(5, 9999), st.sampled_from("mhd")),
    st.builds(lambda h, m: f"daily {h:02d}:{m:02d}", st.integers(0, 23), st.integers(0, 59)),
    st.builds(lambda d, h, m: f"weekly {d} {h}:{m:02d}", st.sampled_from(schedule.DAYS),
              st.integers(0, 23), st.integers(0, 59)),
)
MOMENTS = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1),
                       timezones=st.just(UTC))


@given(SCHEDULES, MOMENTS)
def test_the_next_run_is_later_and_within_one_period(text: str, now: datetime) -> None:
    parsed = schedule.parse(text)
    later = parsed.next_after(now)
    assert now < later <= now + parsed.period
    assert parsed.first_run(now) >= now


@given(st.text(max_size=40))
def test_any_text_parses_or_is_a_value_error(text: str) -> None:
    try:
        parsed = schedule.parse(text)
    except ValueError:
        return
    assert parsed.next_after(T0) > T0


DBI = '[[library]]\ncode = "DBI"\nname = "Thư viện tỉnh"\nkind = "provincial"\n'
OAI = '\n  [[library.sources]]\nprotocol = "oai-pmh"\nurl = "https://opac.vn/oai"\n'


@pytest.mark.parametrize(
    ("line", "words"),
    [('schedule = "hourly"', "is not a schedule"), ('schedule = "every 1m"', "too often"),
     ('schedule = "daily 25:00"', "not a time of day"), ("schedule = 6", "is not a string")],
    ids=["words", "too-often", "bad-time", "number"],
)  # fmt: skip
def test_a_bad_schedule_names_file_line_and_key(tmp_path: Path, line: str, words: str) -> None:
    path = tmp_path / "mucluc.toml"
    path.write_text(DBI + OAI + line + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert (caught.value.path, caught.value.line, caught.value.key) == (path, 9, "schedule")
    assert words in caught.value.message


@pytest.mark.parametrize("protocol", ["oai-pmh", "sru", "files"])
def test_every_protocol_takes_a_schedule(tmp_path: Path, protocol: str) -> None:
    where = 'path = "inbox"' if protocol == "files" else 'url = "https://opac.vn/x"'
    path = tmp_path / "mucluc.toml"
    path.write_text(DBI + f'\n  [[library.sources]]\nprotocol = "{protocol}"\n{where}\n'
                    'schedule = "daily 02:30"\n', encoding="utf-8")  # fmt: skip
    (spec,) = load_config(path).library("DBI").sources
    assert schedule.parse(spec["schedule"]).minute == 150
