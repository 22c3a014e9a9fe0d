"""Date helpers of the expression language.

Datetimes are always timezone-aware. Text without an offset and plain dates
are read as Danish local time (Europe/Copenhagen), because that is what team
leads mean when they write "2026-12-01". Calendar arithmetic (days, months)
is done on the Danish calendar, so "+1 day" keeps the local clock time across
daylight-saving changes; ``add_hours`` adds exact elapsed hours.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
UTC = dt.UTC

# Keep arithmetic far inside datetime's range (years 1..9999).
MAX_DAYS = 100_000
MAX_MONTHS = 3_000
MAX_HOURS = MAX_DAYS * 24
_MAX_TEXT = 40

DateLike = dt.date | dt.datetime | str


def _aware(value: dt.datetime) -> dt.datetime:
    """Attach Danish time to a naive datetime, normalising non-existent times."""
    if value.tzinfo is None or value.utcoffset() is None:
        return _local(value.replace(tzinfo=COPENHAGEN))
    return value


def _local(value: dt.datetime) -> dt.datetime:
    """Express an aware datetime in Danish time (round-trips via UTC to normalise)."""
    return value.astimezone(UTC).astimezone(COPENHAGEN)


def _text(value: str) -> str:
    text = value.strip()
    if len(text) > _MAX_TEXT:
        raise ValueError("text is too long to be a date")
    return text


def parse_date(value: DateLike) -> dt.date:
    """``date("2026-12-01")`` -> a date. A datetime gives its Danish calendar date."""
    if isinstance(value, dt.datetime):
        return _local(_aware(value)).date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(_text(value))
        except ValueError:
            raise ValueError(f"{value!r} is not an ISO 8601 date like 2026-12-01") from None
    raise TypeError(f"expected a date or text, got {type(value).__name__}")


def parse_datetime(value: DateLike) -> dt.datetime:
    """``datetime("2026-12-01T09:00:00+01:00")`` -> an aware datetime.

    Text without an offset is Danish local time; a plain date means midnight.
    """
    if isinstance(value, dt.datetime):
        return _aware(value)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(), COPENHAGEN)
    if isinstance(value, str):
        try:
            return _aware(dt.datetime.fromisoformat(_text(value)))
        except ValueError:
            raise ValueError(
                f"{value!r} is not an ISO 8601 date-time like 2026-12-01T09:00:00+01:00"
            ) from None
    raise TypeError(f"expected a datetime or text, got {type(value).__name__}")


def _coerce(value: DateLike) -> dt.date | dt.datetime:
    """Dates stay dates, datetimes become aware, text is parsed by its shape."""
    if isinstance(value, str):
        # "2026-12-01" is a date; anything longer carries a time of day.
        return parse_datetime(value) if len(value.strip()) > 10 else parse_date(value)
    if isinstance(value, dt.datetime):
        return _aware(value)
    if isinstance(value, dt.date):
        return value
    raise TypeError(f"expected a date, datetime or text, got {type(value).__name__}")


def _whole(n: Any, limit: int, what: str) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"number of {what} must be a whole number")
    if abs(n) > limit:
        raise ValueError(f"number of {what} must be at most {limit}")
    return n


def _shift_calendar(
    value: dt.date | dt.datetime, shift: Callable[[dt.date], dt.date]
) -> dt.date | dt.datetime:
    """Apply a calendar shift on the Danish wall clock, keeping the time of day."""
    if isinstance(value, dt.datetime):
        local = _local(value)
        moved = dt.datetime.combine(shift(local.date()), local.time(), COPENHAGEN)
        return _local(moved)
    return shift(value)


def add_days(value: DateLike, n: int) -> dt.date | dt.datetime:
    """``add_days("2026-12-01", 3)`` -> 2026-12-04 (calendar days, Danish time)."""
    days = _whole(n, MAX_DAYS, "days")
    return _shift_calendar(_coerce(value), lambda d: d + dt.timedelta(days=days))


def add_months(value: DateLike, n: int) -> dt.date | dt.datetime:
    """``add_months("2026-01-31", 1)`` -> 2026-02-28 (day clamped to month end)."""
    months = _whole(n, MAX_MONTHS, "months")

    def shift(d: dt.date) -> dt.date:
        index = d.year * 12 + (d.month - 1) + months
        year, month = divmod(index, 12)
        day = min(d.day, calendar.monthrange(year, month + 1)[1])
        return dt.date(year, month + 1, day)

    return _shift_calendar(_coerce(value), shift)


def add_hours(value: DateLike, n: int | float) -> dt.datetime:
    """``add_hours(now(), 24)`` -> exactly 24 elapsed hours later (Danish time)."""
    if isinstance(n, bool) or not isinstance(n, (int, float)):
        raise TypeError("number of hours must be a number")
    if not abs(n) <= MAX_HOURS:
        raise ValueError(f"number of hours must be at most {MAX_HOURS}")
    start = parse_datetime(value)
    return _local(start.astimezone(UTC) + dt.timedelta(hours=n))


def iso(value: DateLike) -> str:
    """``iso(now())`` -> "2026-12-01T08:00:00+00:00" (dates give "2026-12-01")."""
    return _coerce(value).isoformat()


def days_between(start: DateLike, end: DateLike) -> int:
    """``days_between("2026-12-01", "2026-12-24")`` -> 23 (Danish calendar days)."""
    return (parse_date(_coerce(end)) - parse_date(_coerce(start))).days


def make_date_functions(clock: Callable[[], dt.datetime]) -> dict[str, Callable[..., Any]]:
    """Date functions whose notion of "now" comes from ``clock``."""

    def now() -> dt.datetime:
        """Current time as an aware UTC datetime."""
        current = clock()
        if current.tzinfo is None or current.utcoffset() is None:
            raise ValueError("the clock returned a datetime without a timezone")
        return current.astimezone(UTC)

    def today() -> dt.date:
        """Today's date in Denmark (Europe/Copenhagen)."""
        return now().astimezone(COPENHAGEN).date()

    return {
        "now": now,
        "today": today,
        "date": parse_date,
        "datetime": parse_datetime,
        "add_days": add_days,
        "add_hours": add_hours,
        "add_months": add_months,
        "iso": iso,
        "days_between": days_between,
    }
