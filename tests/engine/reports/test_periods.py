"""The arithmetic the reports rest on: Danish dates of instants across summer time, and percentiles
of figures the database hands back as (value, count) pairs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from engine.reports.periods import LocalDays, Period, day_of, months, percentile, weeks, weighted_percentile

ZONE = ZoneInfo("Europe/Copenhagen")
DAYS = LocalDays("Europe/Copenhagen", 2024, 2027)


@given(st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 31)))
def test_day_numbers_are_danish_dates(moment):
    instant = moment.replace(tzinfo=UTC)
    assert day_of(DAYS.day_number(instant.timestamp())) == instant.astimezone(ZONE).date()


def test_a_deadline_at_midnight_belongs_to_the_day_before():
    end_of_31_march = datetime(2026, 3, 31, 22, 0, tzinfo=UTC)  # 00:00 on 1 April, summer time
    assert day_of(DAYS.final_day_number(end_of_31_march.timestamp())) == date(2026, 3, 31)


@given(st.lists(st.tuples(st.integers(-50, 50), st.integers(1, 6)), min_size=1, max_size=30),
       st.sampled_from([0.0, 0.1, 0.5, 0.9, 1.0]))
def test_weighted_percentile_is_the_percentile_of_the_expanded_values(pairs, share):
    merged: dict[float, int] = {}
    for value, n in pairs:
        merged[float(value)] = merged.get(float(value), 0) + n
    expanded = sorted(v for v, n in merged.items() for _ in range(n))
    assert weighted_percentile(sorted(merged.items()), share) == percentile(expanded, share)


def test_months_and_weeks_of_a_period():
    period = Period(date(2025, 12, 29), date(2026, 2, 2))
    assert months(period) == ["2025-12", "2026-01", "2026-02"]
    assert weeks(period)[0] == "2026-W01" and weeks(period)[-1] == "2026-W06"
    assert period.end - period.start == timedelta(days=36)
