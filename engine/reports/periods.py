"""Report periods in Danish time, and instants as epoch seconds read straight from SQL.

A period is a range of Danish dates (both included). Reports fetch instants as epoch seconds (one
float per row, no datetime objects), and place them in local days, ISO weeks and months here with
the zone's offsets, so summer time moves nothing.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Float, Integer, case, cast, func, literal
from sqlalchemy.sql import ColumnElement

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DAY = 86400.0
MAX_DAYS = 3 * 366  # a report covers at most three years


@dataclass(frozen=True)
class Period:
    """Danish dates `first` to `last`, both included; `start`/`end` are the UTC instants around them."""

    first: date
    last: date
    zone: str = "Europe/Copenhagen"

    @property
    def start(self) -> datetime:
        return local_midnight(self.first, self.zone)

    @property
    def end(self) -> datetime:
        return local_midnight(self.last + timedelta(days=1), self.zone)


def local_midnight(day: date, zone: str) -> datetime:
    """The start of a Danish day as a UTC instant."""
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(zone)).astimezone(UTC)


def epoch_of(column: Any, dialect: str) -> ColumnElement[float]:
    """Seconds since 1970 of a UTC timestamp column, in each database's words."""
    if dialect == "postgresql":
        return cast(func.extract("epoch", column), Float)
    return (func.julianday(column) - 2440587.5) * DAY


def whole(value: ColumnElement[float], dialect: str) -> ColumnElement[int]:
    """The whole number below a non-negative value (SQLite's CAST truncates, which is the same there)."""
    return cast(func.floor(value), Integer) if dialect == "postgresql" else cast(value, Integer)


def local_day_sql(column: Any, dialect: str, days: LocalDays, shift: float = 0.0) -> ColumnElement[int]:
    """The Danish date of a timestamp column as a day number, in SQL (`shift` seconds added first;
    -1 gives a deadline's final day). The zone's offsets are a CASE over its changes."""
    offset = case(*[(column >= datetime.fromtimestamp(at, UTC), literal(off)) for at, off
                    in reversed(list(zip(days.epochs, days.offsets, strict=True)))], else_=literal(days.offsets[0]))
    return whole((epoch_of(column, dialect) + offset + shift) / DAY, dialect)


def midnight_day_sql(column: Any, dialect: str) -> ColumnElement[int]:
    """The final day (as a day number) of a deadline counted in days: its due instant is a Danish
    midnight, 22:00 or 23:00 UTC the evening before, so three hours on it is always early on the next
    day in UTC (whatever the float error of the epoch); no zone lookup is needed."""
    return whole((epoch_of(column, dialect) + 10800.0) / DAY, dialect) - 1


def bucket_sql(column: Any, bounds: list[datetime], *, closed_right: bool) -> ColumnElement[int]:
    """The index of the range of `bounds` a timestamp lies in (-1 before the first): ranges are
    [b_i, b_i+1), or (b_i, b_i+1] with `closed_right` (deadline instants: the end of their final day)."""
    whens = [((column > bound) if closed_right else (column >= bound), literal(i))
             for i, bound in reversed(list(enumerate(bounds)))]
    return case(*whens, else_=literal(-1))


@lru_cache(maxsize=16)
def _transitions(zone: str, first_year: int, last_year: int) -> tuple[tuple[float, ...], tuple[int, ...]]:
    """The zone's UTC offset changes from `first_year` to `last_year`: (epochs, offsets after them)."""
    tz = ZoneInfo(zone)
    moment = datetime(first_year, 1, 1, tzinfo=UTC)
    stop = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    offset = int(moment.astimezone(tz).utcoffset().total_seconds())
    epochs, offsets = [moment.timestamp()], [offset]
    while moment < stop:
        moment += timedelta(hours=1)  # Danish offsets change on whole hours
        now = int(moment.astimezone(tz).utcoffset().total_seconds())
        if now != offset:
            epochs.append(moment.timestamp())
            offsets.append(now)
            offset = now
    return tuple(epochs), tuple(offsets)


class LocalDays:
    """Epoch seconds to Danish dates, with the offsets of the years around a period."""

    def __init__(self, zone: str, first_year: int, last_year: int) -> None:
        self.zone = zone
        self._epochs, self._offsets = _transitions(zone, first_year - 1, last_year + 1)

    @property
    def epochs(self) -> tuple[float, ...]:
        return self._epochs

    @property
    def offsets(self) -> tuple[int, ...]:
        return self._offsets

    def day_number(self, epoch: float) -> int:
        """The Danish date of an instant, as days since 1970-01-01."""
        index = max(bisect.bisect_right(self._epochs, epoch) - 1, 0)
        return int((epoch + self._offsets[index]) // DAY)

    def final_day_number(self, epoch: float) -> int:
        """The Danish date of the last moment before an instant (a deadline's final day)."""
        return self.day_number(epoch - 1e-3)


def day_of(number: int) -> date:
    """The date of a day number."""
    return date(1970, 1, 1) + timedelta(days=number)


def month_key(number: int) -> str:
    """`2026-03`, the month of a day number."""
    return day_of(number).strftime("%Y-%m")


def week_key(number: int) -> str:
    """`2026-W09`, the ISO week of a day number."""
    year, week, _ = day_of(number).isocalendar()
    return f"{year}-W{week:02d}"


def month_starts(period: Period) -> list[datetime]:
    """The UTC instants starting each month of the period (the first clipped to the period), and the
    period's end: bucket bounds for `bucket_sql`."""
    firsts = [date.fromisoformat(f"{m}-01") for m in months(period)]
    return [period.start, *[local_midnight(d, period.zone) for d in firsts[1:]], period.end]


def months(period: Period) -> list[str]:
    """Every month the period touches, in order."""
    found, day = [], period.first.replace(day=1)
    while day <= period.last:
        found.append(day.strftime("%Y-%m"))
        day = (day + timedelta(days=32)).replace(day=1)
    return found


def weeks(period: Period) -> list[str]:
    """Every ISO week the period touches, in order."""
    found, day = [], period.first - timedelta(days=period.first.weekday())
    while day <= period.last:
        year, week, _ = day.isocalendar()
        found.append(f"{year}-W{week:02d}")
        day += timedelta(days=7)
    return found


def _value_at(counted: list[tuple[float, int]], index: int) -> float:
    seen = 0
    for value, n in counted:
        seen += n
        if index < seen:
            return value
    return counted[-1][0]


def weighted_percentile(counted: list[tuple[float, int]], share: float) -> float | None:
    """`percentile` of the values each repeated its count times (pairs sorted by value): figures
    aggregated in SQL arrive as (value, count)."""
    total = sum(n for _value, n in counted)
    if not total:
        return None
    position = (total - 1) * share
    low = int(position)
    low_value, high_value = _value_at(counted, low), _value_at(counted, min(low + 1, total - 1))
    return low_value + (high_value - low_value) * (position - low)


def percentile(sorted_values: list[float], share: float) -> float | None:
    """The `share` percentile (0-1) of sorted values, interpolated linearly; None for none."""
    if not sorted_values:
        return None
    position = (len(sorted_values) - 1) * share
    low = int(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)
