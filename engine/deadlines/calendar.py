"""The Danish legal-time calendar: clock hours, calendar days, calendar months and working days.

Conventions:

* The start day is never counted.
* A deadline in days, working days or months ends at the END of its final day in local time
  (Europe/Copenhagen). That end is represented as an exclusive instant: local midnight at the
  start of the day after the final day, returned as an aware UTC datetime. A deadline is overdue
  from that instant on (``now >= due``).
* A deadline in hours is exactly ``n`` real hours later (UTC arithmetic, so summer-time changes
  neither add nor remove hours).
* Inputs are aware datetimes (any time zone) or plain dates, meaning the start of that local day.
  Naive datetimes are rejected: guessing their zone is how deadlines silently drift by an hour.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import math
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
from dateutil.easter import easter

UNITS = ("hours", "days", "working_days", "months")
DEFAULT_EXTRA_CLOSED: tuple[tuple[int, int], ...] = ((6, 5), (12, 24), (12, 31))

# Store Bededag (4th Friday after Easter) was abolished as a public holiday from 2024.
_STORE_BEDEDAG_ABOLISHED = 2024
_EXTRA_NAMES = {(6, 5): "Grundlovsdag", (12, 24): "Juleaftensdag", (12, 31): "Nytårsaftensdag"}
_GENERIC_EXTRA_NAME = "Lukkedag"
_MM_DD = re.compile(r"(\d{2})-(\d{2})")


@lru_cache(maxsize=256)
def _public_holidays(year: int) -> Mapping[date, str]:
    """Danish public holidays of one year with Danish names; cached because lookups are per day."""
    found = dict(holidays.country_holidays("DK", years=year, language="da").items())
    if year >= _STORE_BEDEDAG_ABOLISHED:
        # Defensive: the package omits it for 2024+ today, but the law, not the package, decides.
        found.pop(easter(year) + timedelta(days=26), None)
    return MappingProxyType(found)


def _check_month_day(month: int, day: int) -> tuple[int, int]:
    # 2000 is a leap year, so 29 February is accepted (it simply never matches in other years).
    if not 1 <= month <= 12:
        raise ValueError(f"invalid month {month} in extra closed day {month:02d}-{day:02d}")
    if not 1 <= day <= _stdlib_calendar.monthrange(2000, month)[1]:
        raise ValueError(f"invalid day {day} for month {month} in extra closed day {month:02d}-{day:02d}")
    return month, day


def parse_extra_closed(text: str) -> tuple[tuple[int, int], ...]:
    """Parse a setting like ``"06-05,12-24,12-31"`` (MM-DD, comma separated) into (month, day) pairs.

    Whitespace around items is ignored, an empty (or blank) string means no extra closed days and
    duplicates are dropped keeping the first occurrence. Raises ValueError naming the bad item.
    """
    if not text.strip():
        return ()
    result: list[tuple[int, int]] = []
    for raw in text.split(","):
        item = raw.strip()
        match = _MM_DD.fullmatch(item)
        if match is None:
            raise ValueError(f"extra closed day {item!r} is not of the form MM-DD (e.g. 06-05,12-24)")
        pair = _check_month_day(int(match.group(1)), int(match.group(2)))
        if pair not in result:
            result.append(pair)
    return tuple(result)


def _check_count(n: int) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"expected an integer count, got {n!r}")
    if n < 0:
        raise ValueError(f"a deadline count must be >= 0, got {n}")
    return n


class DanishCalendar:
    """Working days and statutory deadline arithmetic for Danish social-services law."""

    def __init__(
        self, extra_closed: Iterable[tuple[int, int]] = DEFAULT_EXTRA_CLOSED, timezone: str = "Europe/Copenhagen"
    ) -> None:
        """`extra_closed`: (month, day) pairs closed every year on top of public holidays."""
        self.extra_closed = frozenset(_check_month_day(int(m), int(d)) for m, d in extra_closed)
        try:
            self.zone = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {timezone!r}") from exc

    # -- days ---------------------------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        """Monday-Friday that is neither a public holiday nor a configured extra closed day.

        `day` is a date, or an aware datetime meaning its local date.
        """
        day = self._local_date(day)
        return (
            day.weekday() < 5
            and (day.month, day.day) not in self.extra_closed
            and day not in _public_holidays(day.year)
        )

    def holiday_name(self, day: date) -> str | None:
        """Danish name of the holiday/closed day on `day`, or None (ordinary weekends included)."""
        day = self._local_date(day)
        name = _public_holidays(day.year).get(day)
        if name is not None:
            return name
        if (day.month, day.day) in self.extra_closed:
            return _EXTRA_NAMES.get((day.month, day.day), _GENERIC_EXTRA_NAME)
        return None

    # -- deadlines ----------------------------------------------------------------------------

    def add_hours(self, start: datetime | date, n: int | float) -> datetime:
        """Exactly `n` real hours after `start` (n = 0 gives `start` itself, in UTC)."""
        if isinstance(n, bool) or not isinstance(n, int | float):
            raise TypeError(f"expected a number of hours, got {n!r}")
        if not math.isfinite(n) or n < 0:
            raise ValueError(f"a number of hours must be finite and >= 0, got {n}")
        return self._instant(start) + timedelta(hours=n)

    def add_days(self, start: datetime | date, n: int) -> datetime:
        """End of the calendar day `n` days after the local start date (n = 0: end of start day)."""
        return self.end_of_day(self._local_date(start) + timedelta(days=_check_count(n)))

    def add_working_days(self, start: datetime | date, n: int) -> datetime:
        """End of the `n`-th working day after the local start date; the start day is never counted.

        n = 0 gives the end of the start day, whatever kind of day it is.
        """
        remaining = _check_count(n)
        day = self._local_date(start)
        while remaining:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return self.end_of_day(day)

    def add_months(self, start: datetime | date, n: int) -> datetime:
        """End of the day `n` calendar months after the local start date, clamped to the month end.

        31 January + 1 month ends with 28/29 February.
        """
        local = self._local_date(start)
        year, month0 = divmod(local.year * 12 + local.month - 1 + _check_count(n), 12)
        last = _stdlib_calendar.monthrange(year, month0 + 1)[1]
        return self.end_of_day(date(year, month0 + 1, min(local.day, last)))

    def due(self, start: datetime | date, amount: int, unit: str) -> datetime:
        """Deadline `amount` `unit`s after `start`; `unit` is one of UNITS."""
        if unit == "hours":
            return self.add_hours(start, amount)
        if unit == "days":
            return self.add_days(start, amount)
        if unit == "working_days":
            return self.add_working_days(start, amount)
        if unit == "months":
            return self.add_months(start, amount)
        raise ValueError(f"unknown deadline unit {unit!r}; expected one of {', '.join(UNITS)}")

    def working_days_between(self, start: datetime | date, end: datetime | date) -> int:
        """Number of working days d with  local_date(start) < d <= final_day(end).

        final_day(end) is the local date of the last instant strictly before `end`, i.e. the last
        day that has begun before `end`. For a deadline instant (midnight after its final day) that
        is exactly the final day, so ``working_days_between(s, add_working_days(s, n)) == n``.
        Returns 0 when final_day(end) <= local_date(start).
        """
        day = self._local_date(start)
        final = self._local_date(self._instant(end) - timedelta(microseconds=1))
        count = 0
        while day < final:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count

    def is_at_risk(self, now: datetime, due_at: datetime) -> bool:
        """Not yet overdue, but less than one working day is left (the end of the next working
        day after today's date lies beyond `due_at`)."""
        return self._instant(now) < self._instant(due_at) and self.add_working_days(now, 1) > self._instant(due_at)

    def is_overdue(self, now: datetime, due_at: datetime) -> bool:
        """The deadline instant has been reached (deadline instants are exclusive ends)."""
        return self._instant(now) >= self._instant(due_at)

    # -- conversions --------------------------------------------------------------------------

    def end_of_day(self, day: date) -> datetime:
        """The exclusive end of local `day`: local midnight starting the next day, in UTC."""
        # fold=0: if midnight were skipped or repeated in some zone, take the earliest reading;
        # Copenhagen changes at 02:00/03:00, so midnight is always unambiguous there.
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.zone).astimezone(UTC)

    def _instant(self, value: datetime | date) -> datetime:
        """`value` as an aware UTC datetime; a plain date means the start of that local day."""
        if isinstance(value, datetime):
            if value.tzinfo is None or value.utcoffset() is None:
                raise ValueError(f"naive datetime {value.isoformat()} given; deadlines need an aware datetime")
            return value.astimezone(UTC)
        if isinstance(value, date):
            return datetime.combine(value, time(0), tzinfo=self.zone).astimezone(UTC)
        raise TypeError(f"expected a datetime or date, got {type(value).__name__}")

    def _local_date(self, value: datetime | date) -> date:
        # A datetime is a date subclass: never truncate it with .date() in its own zone.
        if isinstance(value, datetime):
            return self._instant(value).astimezone(self.zone).date()
        if not isinstance(value, date):
            raise TypeError(f"expected a datetime or date, got {type(value).__name__}")
        return value
