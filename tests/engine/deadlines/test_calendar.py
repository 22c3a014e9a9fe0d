"""Hand-checked Danish legal-time cases.

Every expected value below was worked out by hand against a printed calendar (weekday of the
start, holidays skipped, start day not counted), never with the code under test. Expected
values are written as the exclusive end instant in Copenhagen local time with its offset:
"due 2026-12-02T00:00+01:00" means "the deadline is the whole of Tuesday 1 December 2026".
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from engine.deadlines import DEFAULT_EXTRA_CLOSED, UNITS, DanishCalendar, parse_extra_closed

NO_EXTRAS: tuple[tuple[int, int], ...] = ()

# (start, amount, unit, expected due, extra closed days or None for the default)
CASES = [
    # The brief's example: Mon 23 Nov -> Tue 24 (1) ... Fri 27 (4), Mon 30 (5), Tue 1 Dec (6).
    ("2026-11-23T10:00+01:00", 6, "working_days", "2026-12-02T00:00+01:00", None),
    # Same instant seen from New York the evening before (23 Nov 01:30 in Copenhagen).
    ("2026-11-22T19:30-05:00", 6, "working_days", "2026-12-02T00:00+01:00", None),
    # Easter 2026 (Maundy Thu 2 Apr, Good Fri 3 Apr, Easter Mon 6 Apr); summer time from 29 Mar.
    # Fri 27 Mar afternoon receipt: Mon 30 (1), Tue 31 (2), Wed 1 (3), Tue 7 (4), Wed 8 (5), Thu 9 (6).
    ("2026-03-27T14:30+01:00", 6, "working_days", "2026-04-10T00:00+02:00", None),
    ("2026-03-31T09:00+02:00", 3, "working_days", "2026-04-09T00:00+02:00", None),
    ("2026-04-01T16:00+02:00", 1, "working_days", "2026-04-08T00:00+02:00", None),
    ("2026-04-03T10:00+02:00", 1, "working_days", "2026-04-08T00:00+02:00", None),  # from Good Friday
    ("2026-04-05T12:00+02:00", 0, "working_days", "2026-04-06T00:00+02:00", None),  # n=0: end of start day
    # Easter 2027 (Maundy Thu 25 Mar, Good Fri 26, Easter Sun 28 = summer-time change, Easter Mon 29).
    ("2027-03-24T09:00+01:00", 3, "working_days", "2027-04-02T00:00+02:00", None),
    # Fri 19 Mar: Mon 22 (1), Tue 23 (2), Wed 24 (3), Tue 30 (4), Wed 31 (5), Thu 1 Apr (6).
    ("2027-03-19T15:00+01:00", 6, "working_days", "2027-04-02T00:00+02:00", None),
    # Ascension: Thu 14 May 2026 -> Fri 15 May; Thu 6 May 2027 -> Fri 7 (1), Mon 10 (2).
    ("2026-05-13T12:00+02:00", 1, "working_days", "2026-05-16T00:00+02:00", None),
    ("2027-05-05T12:00+02:00", 2, "working_days", "2027-05-11T00:00+02:00", None),
    # Whit Monday: 25 May 2026 -> Tue 26; 17 May 2027 -> Tue 18.
    ("2026-05-22T15:00+02:00", 1, "working_days", "2026-05-27T00:00+02:00", None),
    ("2027-05-14T15:00+02:00", 1, "working_days", "2027-05-19T00:00+02:00", None),
    # Grundlovsdag Fri 5 June 2026 is closed by default (-> Mon 8 June), a working day without extras.
    ("2026-06-04T10:00+02:00", 1, "working_days", "2026-06-09T00:00+02:00", None),
    ("2026-06-04T10:00+02:00", 1, "working_days", "2026-06-06T00:00+02:00", NO_EXTRAS),
    # Store Bededag would have been Fri 1 May 2026: abolished, so an ordinary working day.
    ("2026-04-30T10:00+02:00", 1, "working_days", "2026-05-02T00:00+02:00", None),
    # Christmas/New Year 2026: 24 (extra), 25, 26 (Sat), 31 (extra), 1 Jan closed.
    # Wed 23 Dec: Mon 28 (1), 29 (2), 30 (3), Mon 4 Jan (4), Tue 5 (5), Wed 6 (6).
    ("2026-12-23T11:00+01:00", 6, "working_days", "2027-01-07T00:00+01:00", None),
    # 22 Dec 23:30 UTC is already Wed 23 Dec in Copenhagen.
    ("2026-12-22T23:30+00:00", 6, "working_days", "2027-01-07T00:00+01:00", None),
    # Without extras: Thu 24 (1), Mon 28 (2), 29 (3), 30 (4), Thu 31 (5), Mon 4 Jan (6).
    ("2026-12-23T11:00+01:00", 6, "working_days", "2027-01-05T00:00+01:00", NO_EXTRAS),
    ("2026-12-23T11:00+01:00", 1, "working_days", "2026-12-29T00:00+01:00", None),
    ("2026-12-23T11:00+01:00", 1, "working_days", "2026-12-25T00:00+01:00", NO_EXTRAS),
    ("2026-12-30T09:00+01:00", 1, "working_days", "2027-01-05T00:00+01:00", None),
    # Thu 23 Dec 2027: Fri 24 closed, weekend, Mon 27 (1).
    ("2027-12-23T09:00+01:00", 1, "working_days", "2027-12-28T00:00+01:00", None),
    # From a Saturday (24 Oct 2026, the day before the autumn change): Mon 26 Oct.
    ("2026-10-24T10:00+02:00", 1, "working_days", "2026-10-27T00:00+01:00", None),
    # Leap year: Mon 28 Feb 2028 -> Tue 29 Feb (1), Wed 1 Mar (2).
    ("2028-02-28T10:00+01:00", 2, "working_days", "2028-03-02T00:00+01:00", None),
    # Calendar days.
    ("2026-12-23T11:00+01:00", 3, "days", "2026-12-27T00:00+01:00", None),
    ("2026-03-28T10:00+01:00", 1, "days", "2026-03-30T00:00+02:00", None),  # across spring change
    ("2026-10-24T10:00+02:00", 1, "days", "2026-10-26T00:00+01:00", None),  # across autumn change
    ("2027-03-27T08:00+01:00", 1, "days", "2027-03-29T00:00+02:00", None),
    ("2027-10-30T23:30+02:00", 1, "days", "2027-11-01T00:00+01:00", None),
    ("2028-02-28T10:00+01:00", 1, "days", "2028-03-01T00:00+01:00", None),  # final day 29 Feb
    ("2026-01-15T10:00+01:00", 30, "days", "2026-02-15T00:00+01:00", None),
    # Clock hours: exact real hours.
    ("2026-03-28T10:00+01:00", 24, "hours", "2026-03-29T11:00+02:00", None),
    ("2026-10-24T10:00+02:00", 24, "hours", "2026-10-25T09:00+01:00", None),
    ("2027-03-28T01:30+01:00", 2, "hours", "2027-03-28T04:30+02:00", None),
    ("2027-10-30T12:00+02:00", 48, "hours", "2027-11-01T11:00+01:00", None),
    ("2026-11-23T10:00+01:00", 0, "hours", "2026-11-23T10:00+01:00", None),
    # Calendar months, clamped to the month end.
    ("2026-01-31T10:00+01:00", 1, "months", "2026-03-01T00:00+01:00", None),  # final 28 Feb 2026
    ("2028-01-31T10:00+01:00", 1, "months", "2028-03-01T00:00+01:00", None),  # final 29 Feb 2028
    ("2028-02-29T10:00+01:00", 12, "months", "2029-03-01T00:00+01:00", None),  # final 28 Feb 2029
    ("2026-08-31T10:00+02:00", 1, "months", "2026-10-01T00:00+02:00", None),  # final 30 Sep
    ("2026-11-30T10:00+01:00", 3, "months", "2027-03-01T00:00+01:00", None),  # final 28 Feb 2027
    ("2026-10-15T10:00+02:00", 1, "months", "2026-11-16T00:00+01:00", None),  # across autumn change
    ("2027-03-15T10:00+01:00", 1, "months", "2027-04-16T00:00+02:00", None),  # across spring change
    ("2026-10-15T10:00+02:00", 0, "months", "2026-10-16T00:00+02:00", None),
]


@pytest.mark.parametrize(("start", "amount", "unit", "expected", "extras"), CASES)
def test_hand_checked_deadlines(start, amount, unit, expected, extras):
    cal = DanishCalendar() if extras is None else DanishCalendar(extra_closed=extras)
    result = cal.due(datetime.fromisoformat(start), amount, unit)
    assert result == datetime.fromisoformat(expected)
    assert result.tzinfo is UTC


def test_example_in_utc():
    result = DanishCalendar().add_working_days(datetime.fromisoformat("2026-11-23T10:00+01:00"), 6)
    assert result == datetime(2026, 12, 1, 23, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "working", "name"),
    [
        (date(2026, 4, 2), False, "Skærtorsdag"),
        (date(2026, 4, 3), False, "Langfredag"),
        (date(2026, 4, 6), False, "Anden påskedag"),
        (date(2027, 3, 25), False, "Skærtorsdag"),
        (date(2027, 3, 29), False, "Anden påskedag"),
        (date(2026, 5, 14), False, "Kristi himmelfartsdag"),
        (date(2026, 5, 25), False, "Anden pinsedag"),
        (date(2026, 6, 5), False, "Grundlovsdag"),
        (date(2026, 12, 24), False, "Juleaftensdag"),
        (date(2026, 12, 25), False, "Juledag"),
        (date(2026, 12, 31), False, "Nytårsaftensdag"),
        (date(2027, 1, 1), False, "Nytårsdag"),
        (date(2028, 6, 5), False, "Anden pinsedag"),  # Whit Monday 2028 falls on Grundlovsdag
        (date(2023, 5, 5), False, "Store bededag"),  # still a holiday before the abolition
        (date(2024, 4, 26), True, None),  # would-be Store Bededag 2024
        (date(2026, 5, 1), True, None),  # would-be Store Bededag 2026 (and 1 May is no holiday)
        (date(2027, 4, 23), True, None),  # would-be Store Bededag 2027
        (date(2026, 5, 15), True, None),  # Friday after Ascension
        (date(2026, 11, 28), False, None),  # plain Saturday
        (date(2028, 2, 29), True, None),
    ],
)
def test_working_days_and_names(day, working, name):
    cal = DanishCalendar()
    assert cal.is_working_day(day) is working
    assert cal.holiday_name(day) == name


def test_extras_are_configurable():
    plain = DanishCalendar(extra_closed=NO_EXTRAS)
    assert plain.is_working_day(date(2026, 12, 24))  # a Thursday
    assert plain.holiday_name(date(2026, 12, 24)) is None
    custom = DanishCalendar(extra_closed=[(5, 1)])
    assert not custom.is_working_day(date(2026, 5, 1))
    assert custom.holiday_name(date(2026, 5, 1)) == "Lukkedag"
    assert custom.is_working_day(date(2026, 12, 24))


def test_aware_datetime_means_its_copenhagen_date():
    cal = DanishCalendar()
    # 23:30 UTC on 23 Dec is 00:30 on Juleaftensdag in Copenhagen.
    assert not cal.is_working_day(datetime(2026, 12, 23, 23, 30, tzinfo=UTC))
    assert cal.is_working_day(datetime(2026, 12, 23, 22, 30, tzinfo=UTC))


def test_dates_are_start_of_local_day():
    cal = DanishCalendar()
    assert cal.add_working_days(date(2026, 11, 23), 6) == datetime.fromisoformat("2026-12-02T00:00+01:00")
    assert cal.add_hours(date(2026, 3, 29), 3) == datetime.fromisoformat("2026-03-29T04:00+02:00")


def test_fractional_hours():
    start = datetime.fromisoformat("2026-11-23T10:00+01:00")
    assert DanishCalendar().add_hours(start, 1.5) == datetime.fromisoformat("2026-11-23T11:30+01:00")


def test_working_days_between():
    cal = DanishCalendar()
    start = datetime.fromisoformat("2026-12-23T11:00+01:00")
    assert cal.working_days_between(start, datetime.fromisoformat("2027-01-07T00:00+01:00")) == 6
    # An end in the middle of Wed 6 Jan still counts that day (it has begun).
    assert cal.working_days_between(start, datetime.fromisoformat("2027-01-06T09:00+01:00")) == 6
    assert cal.working_days_between(start, datetime.fromisoformat("2027-01-06T00:00+01:00")) == 5
    assert cal.working_days_between(start, start) == 0
    assert cal.working_days_between(start, start - timedelta(days=10)) == 0


def test_at_risk_and_overdue():
    cal = DanishCalendar()
    due = datetime.fromisoformat("2026-12-02T00:00+01:00")  # end of Tue 1 Dec
    monday = datetime.fromisoformat("2026-11-30T10:00+01:00")
    tuesday = datetime.fromisoformat("2026-12-01T09:00+01:00")
    assert not cal.is_at_risk(monday, due)  # one full working day (Tuesday) left
    assert cal.is_at_risk(tuesday, due)
    assert not cal.is_overdue(tuesday, due)
    assert cal.is_overdue(due, due)
    assert not cal.is_at_risk(due, due)
    # Friday before a weekend with a calendar-day deadline ending Saturday: at risk.
    friday = datetime.fromisoformat("2026-11-27T16:00+01:00")
    assert cal.is_at_risk(friday, datetime.fromisoformat("2026-11-29T00:00+01:00"))
    assert not cal.is_at_risk(friday, datetime.fromisoformat("2026-12-01T00:00+01:00"))  # end of Mon 30


@pytest.mark.parametrize("unit", UNITS)
def test_naive_datetimes_are_rejected(unit):
    with pytest.raises(ValueError, match="naive"):
        DanishCalendar().due(datetime(2026, 11, 23, 10), 1, unit)


def test_naive_rejected_everywhere():
    cal = DanishCalendar()
    aware = datetime(2026, 1, 1, tzinfo=UTC)
    naive = datetime(2026, 1, 1)
    for call in (
        lambda: cal.is_working_day(naive),
        lambda: cal.is_overdue(naive, aware),
        lambda: cal.is_at_risk(aware, naive),
        lambda: cal.working_days_between(aware, naive),
    ):
        with pytest.raises(ValueError):
            call()


@pytest.mark.parametrize("unit", UNITS)
def test_negative_counts_are_rejected(unit):
    with pytest.raises(ValueError):
        DanishCalendar().due(datetime(2026, 1, 1, tzinfo=UTC), -1, unit)


def test_bad_arguments():
    cal = DanishCalendar()
    start = datetime(2026, 1, 1, tzinfo=timezone(timedelta(hours=2)))
    with pytest.raises(ValueError, match="unknown deadline unit"):
        cal.due(start, 1, "weeks")
    with pytest.raises(TypeError):
        cal.add_working_days(start, 1.5)
    with pytest.raises(ValueError):
        cal.add_hours(start, float("nan"))
    with pytest.raises(TypeError):
        cal.add_days("2026-01-01", 1)
    with pytest.raises(ValueError, match="time zone"):
        DanishCalendar(timezone="Europe/Atlantis")
    with pytest.raises(ValueError):
        DanishCalendar(extra_closed=[(2, 30)])


def test_parse_extra_closed():
    assert parse_extra_closed("06-05,12-24,12-31") == DEFAULT_EXTRA_CLOSED
    assert parse_extra_closed(" 06-05 , 12-24,12-31 ") == DEFAULT_EXTRA_CLOSED
    assert parse_extra_closed("") == ()
    assert parse_extra_closed("   ") == ()
    assert parse_extra_closed("02-29") == ((2, 29),)
    assert parse_extra_closed("12-24,12-24") == ((12, 24),)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("13-01", "month"),
        ("02-30", "day"),
        ("00-10", "month"),
        ("04-31", "day"),
        ("x", "MM-DD"),
        ("6-5", "MM-DD"),
        ("06/05", "MM-DD"),
        ("06-05,", "MM-DD"),
        ("06-05;12-24", "MM-DD"),
    ],
)
def test_parse_extra_closed_rejects(text, message):
    with pytest.raises(ValueError, match=message):
        parse_extra_closed(text)
