"""A source's ``schedule`` in ``mucluc.toml``: when it is harvested by itself.

    schedule = "every 6h"           # every 30m, 2h, 1d … after the last run started
    schedule = "daily 02:30"        # every day at 02:30, Vietnam time (UTC+7)
    schedule = "weekly mon 03:00"   # one day a week (mon tue wed thu fri sat sun)

Clock times are Vietnam time (UTC+7 all year: the country has no summer time), since the
libraries' systems and their librarians live by it. A source without ``schedule`` is harvested
only on demand (``mucluc harvest``, or "harvest now" in the console). What callers may rely on:
:func:`parse` accepts exactly these forms (anything else is a ValueError with the reason), and
:meth:`Schedule.next_after` is always strictly later than the time it is given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

VIETNAM = timezone(timedelta(hours=7), "ICT")
UNITS = {"m": 60, "h": 3600, "d": 86400}
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MIN_INTERVAL = 300  # seconds: harvesting a library's system more often is unkind to it
_EVERY = re.compile(r"^every\s+(\d{1,4})\s*([mhd])$")
_DAILY = re.compile(r"^daily\s+(\d{1,2}):(\d{2})$")
_WEEKLY = re.compile(r"^weekly\s+([a-z]{3})\s+(\d{1,2}):(\d{2})$")


@dataclass(frozen=True)
class Schedule:
    """``interval`` seconds after each start, or a clock ``minute`` of the day (0–1439) on every
    day (``weekday`` None) or one weekday (0 = Monday)."""

    text: str
    interval: int = 0
    minute: int = 0
    weekday: int | None = None

    @property
    def period(self) -> timedelta:
        """The longest gap between two runs."""
        if self.interval:
            return timedelta(seconds=self.interval)
        return timedelta(days=7 if self.weekday is not None else 1)

    def next_after(self, moment: datetime) -> datetime:
        """The first run time strictly after ``moment`` (an aware datetime), in UTC."""
        if moment.tzinfo is None:
            raise ValueError("the moment must carry its time zone")
        if self.interval:
            return (moment + timedelta(seconds=self.interval)).astimezone(UTC)
        local = moment.astimezone(VIETNAM)
        candidate = local.replace(hour=self.minute // 60, minute=self.minute % 60, second=0,
                                  microsecond=0)  # fmt: skip
        while candidate <= local or (
            self.weekday is not None and candidate.weekday() != self.weekday
        ):
            candidate += timedelta(days=1)
        return candidate.astimezone(UTC)

    def first_run(self, now: datetime) -> datetime:
        """When a source never run before is first due: at once for an interval, else at the
        next clock time."""
        return now.astimezone(UTC) if self.interval else self.next_after(now)


def parse(text: str) -> Schedule:
    """The schedule ``text`` describes; ValueError saying what is wrong otherwise."""
    cleaned = " ".join(text.strip().lower().split())
    if match := _EVERY.match(cleaned):
        seconds = int(match.group(1)) * UNITS[match.group(2)]
        if seconds < MIN_INTERVAL:
            raise ValueError(f"{text!r} is too often: at least every {MIN_INTERVAL // 60}m")
        return Schedule(cleaned, interval=seconds)
    if match := _DAILY.match(cleaned):
        return Schedule(cleaned, minute=_minute(text, match.group(1), match.group(2)))
    if match := _WEEKLY.match(cleaned):
        day = match.group(1)
        if day not in DAYS:
            raise ValueError(f"{text!r}: {day!r} is not one of {', '.join(DAYS)}")
        minute = _minute(text, match.group(2), match.group(3))
        return Schedule(cleaned, minute=minute, weekday=DAYS.index(day))
    raise ValueError(
        f"{text!r} is not a schedule: write \"every 6h\", \"daily 02:30\" or "
        "\"weekly mon 03:00\""
    )


def _minute(text: str, hour: str, minute: str) -> int:
    h, m = int(hour), int(minute)
    if not (0 <= h <= 23 and 0 <= m <= 59):
        raise ValueError(f"{text!r}: {hour}:{minute} is not a time of day (00:00 to 23:59)")
    return h * 60 + m
