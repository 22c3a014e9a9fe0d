"""Property tests for the Danish legal-time calendar.

The working-day oracle here is built straight from the `holidays` package (plus the default
extras and the Store Bededag abolition), independently of `DanishCalendar.is_working_day`.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta, timezone
from functools import cache
from zoneinfo import ZoneInfo

import holidays
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.deadlines import DEFAULT_EXTRA_CLOSED, DanishCalendar

CPH = ZoneInfo("Europe/Copenhagen")
CAL = DanishCalendar()
EPSILON = timedelta(microseconds=1)

fixed_offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
zones = st.one_of(
    st.just(CPH),
    st.just(UTC),
    st.sampled_from([ZoneInfo("America/New_York"), ZoneInfo("Asia/Tokyo"), ZoneInfo("Pacific/Kiritimati")]),
    fixed_offsets,
)
starts = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31), timezones=zones)
counts = st.integers(min_value=0, max_value=400)
props = settings(deadline=None, max_examples=200)


@cache
def _closed(year: int) -> frozenset[date]:
    found = holidays.country_holidays("DK", years=year)
    return frozenset(d for d, name in found.items() if not (year >= 2024 and "Prayer" in name))


def oracle_working(day: date) -> bool:
    return day.weekday() < 5 and (day.month, day.day) not in DEFAULT_EXTRA_CLOSED and day not in _closed(day.year)


def local_date(moment: datetime) -> date:
    return moment.astimezone(CPH).date()


def final_day(due: datetime) -> date:
    """The last day covered by an end-of-day deadline instant."""
    return local_date(due - EPSILON)


def is_utc(moment: datetime) -> bool:
    return moment.tzinfo is UTC


@props
@given(starts, counts)
def test_working_days_end_at_local_midnight_after_a_working_day(start, n):
    due = CAL.add_working_days(start, n)
    assert is_utc(due)
    local = due.astimezone(CPH)
    assert (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0)
    assert final_day(due) == local.date() - timedelta(days=1)
    if n >= 1:
        assert oracle_working(final_day(due))
    else:
        assert final_day(due) == local_date(start)


@props
@given(starts, counts)
def test_exactly_n_working_days_after_the_start_date(start, n):
    due = CAL.add_working_days(start, n)
    first, last = local_date(start), final_day(due)
    span = [first + timedelta(days=i) for i in range(1, (last - first).days + 1)]
    assert sum(oracle_working(d) for d in span) == n
    assert CAL.working_days_between(start, due) == n


@props
@given(starts, counts, counts)
def test_working_days_monotonic(start, n, m):
    if n == m:
        assert CAL.add_working_days(start, n) == CAL.add_working_days(start, m)
    elif n < m:
        assert CAL.add_working_days(start, n) < CAL.add_working_days(start, m)
    else:
        assert CAL.add_working_days(start, n) > CAL.add_working_days(start, m)


@props
@given(starts, counts, counts)
def test_working_days_compose(start, a, b):
    # The start day is never counted, so continuing from ANY moment of the first deadline's final
    # day (its last instant, or that day as a date) adds exactly the remaining working days.
    first = CAL.add_working_days(start, a)
    total = CAL.add_working_days(start, a + b)
    assert CAL.add_working_days(first - EPSILON, b) == total
    assert CAL.add_working_days(final_day(first), b) == total


@props
@given(starts, counts)
def test_days_final_day(start, n):
    due = CAL.add_days(start, n)
    assert is_utc(due)
    assert due.astimezone(CPH).time() == datetime.min.time()
    assert final_day(due) == local_date(start) + timedelta(days=n)


@props
@given(starts, st.one_of(counts, st.floats(min_value=0, max_value=10_000, allow_nan=False)))
def test_hours_are_exact(start, n):
    due = CAL.add_hours(start, n)
    assert is_utc(due)
    assert due - start == timedelta(hours=n)


@props
@given(starts, st.integers(min_value=0, max_value=240))
def test_months_clamp_to_month_end(start, n):
    due = CAL.add_months(start, n)
    assert is_utc(due)
    assert due.astimezone(CPH).time() == datetime.min.time()
    begin, last = local_date(start), final_day(due)
    months = begin.year * 12 + begin.month - 1 + n
    assert (last.year, last.month) == (months // 12, months % 12 + 1)
    assert last.day == min(begin.day, calendar.monthrange(last.year, last.month)[1])


@props
@given(starts, starts)
def test_risk_and_overdue_consistent(now, due_at):
    overdue = CAL.is_overdue(now, due_at)
    at_risk = CAL.is_at_risk(now, due_at)
    assert overdue == (now >= due_at)
    assert not (overdue and at_risk)
    assert at_risk == (now < due_at and CAL.add_working_days(now, 1) > due_at)


@props
@given(starts, counts)
def test_risk_along_a_working_day_deadline(start, n):
    due = CAL.add_working_days(start, n)
    # At the start only a same-day deadline (n = 0) has less than a working day left.
    assert CAL.is_at_risk(start, due) == (n == 0)
    # On the final day it is at risk until the deadline instant, then overdue.
    assert CAL.is_at_risk(due - EPSILON, due)
    assert not CAL.is_overdue(due - EPSILON, due)
    assert CAL.is_overdue(due, due)
    assert not CAL.is_at_risk(due, due)


@props
@given(starts, counts)
def test_due_dispatch_matches_methods(start, n):
    assert CAL.due(start, n, "hours") == CAL.add_hours(start, n)
    assert CAL.due(start, n, "days") == CAL.add_days(start, n)
    assert CAL.due(start, n, "working_days") == CAL.add_working_days(start, n)
    assert CAL.due(start, n, "months") == CAL.add_months(start, n)
