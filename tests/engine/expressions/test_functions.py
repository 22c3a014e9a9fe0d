"""The default function whitelist, with a controllable clock."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from engine.expressions import DEFAULT_FUNCTIONS, ExpressionError, evaluate, make_functions

CPH = ZoneInfo("Europe/Copenhagen")
# 23:30 UTC on New Year's Eve is already New Year's Day in Copenhagen.
FIXED = dt.datetime(2025, 12, 31, 23, 30, tzinfo=dt.UTC)
FUNCS = make_functions(lambda: FIXED)


def ev(source: str, **data: object) -> object:
    return evaluate(source, data, FUNCS)


def test_default_whitelist_is_exactly_documented() -> None:
    basic = "len str int float bool abs min max round sum"
    dates = "now today date datetime add_days add_hours add_months iso days_between"
    deadlines = "deadline"
    assert set(DEFAULT_FUNCTIONS) == set(f"{basic} {dates} {deadlines}".split())


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('len("abc")', 3),
        ('len({"a": 1})', 1),
        ("str(42)", "42"),
        ("str(None)", "None"),
        ('int(" 42 ")', 42),
        ("int(3.9)", 3),
        ('float("2.5")', 2.5),
        ('bool("")', False),
        ("bool([0])", True),
        ("abs(-3)", 3),
        ("min(3, 1, 2)", 1),
        ("min([3, 1, 2])", 1),
        ("max(3, 1, 2)", 3),
        ('max(["b", "a"])', "b"),
        ("round(2.567, 2)", 2.57),
        ("round(2.5)", 2),
        ("sum([1, 2, 3.5])", 6.5),
        ("sum([])", 0),
    ],
)
def test_basic_functions(source: str, expected: object) -> None:
    assert ev(source) == expected


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("len(5)", "len(): needs text, a list or a dictionary, not int"),
        ('int("1" * 60)', "int(): cannot convert '111111111111111111111111111111111111111"),
        ('float("inf")', "number too large"),
        ('float("abc")', "float(): cannot convert 'abc' to a number"),
        ('abs("a")', "abs(): needs a number, not str"),
        ("min([])", "min(): needs at least one value"),
        ('sum(["a"])', "sum(): needs a number, not str"),
        ('sum("abc")', "sum(): needs a list of numbers, not str"),
        ("round(1, 99)", "round(): digits must be between -18 and 18"),
        ("sum([10**18, 10**18])", "number too large"),
        ('int("9" * 30)', "number too large"),
    ],
)
def test_basic_function_errors(source: str, message: str) -> None:
    with pytest.raises(ExpressionError) as info:
        ev(source)
    assert info.value.message.startswith(message)


def test_now_uses_the_injected_clock() -> None:
    assert ev("now()") == FIXED
    assert ev("iso(now())") == "2025-12-31T23:30:00+00:00"


def test_now_converts_the_clock_to_utc() -> None:
    funcs = make_functions(lambda: dt.datetime(2026, 6, 1, 12, 0, tzinfo=CPH))
    assert evaluate("iso(now())", {}, funcs) == "2026-06-01T10:00:00+00:00"


def test_naive_clock_is_rejected() -> None:
    funcs = make_functions(lambda: dt.datetime(2026, 1, 1))
    with pytest.raises(ExpressionError, match="without a timezone"):
        evaluate("now()", {}, funcs)


def test_today_is_the_danish_date() -> None:
    assert ev("today()") == dt.date(2026, 1, 1)
    assert ev("str(today())") == "2026-01-01"


def test_parse_date_and_datetime() -> None:
    assert ev('date("2026-12-01")') == dt.date(2026, 12, 1)
    assert ev('datetime("2026-12-01T09:00:00+01:00")') == dt.datetime(2026, 12, 1, 8, tzinfo=dt.UTC)
    assert ev('datetime("2026-12-01T09:00:00Z")') == dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)
    # Without an offset, text means Danish local time.
    assert ev('iso(datetime("2026-07-01T09:00:00"))') == "2026-07-01T09:00:00+02:00"
    assert ev('iso(datetime("2026-12-01"))') == "2026-12-01T00:00:00+01:00"
    assert ev('date(datetime("2026-12-01T23:30:00Z"))') == dt.date(2026, 12, 2)


def test_parse_errors() -> None:
    with pytest.raises(ExpressionError, match="not an ISO 8601 date"):
        ev('date("01/12/2026")')
    with pytest.raises(ExpressionError, match="not an ISO 8601 date-time"):
        ev('datetime("tomorrow")')
    with pytest.raises(ExpressionError, match="expected a date"):
        ev("date(5)")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('iso(add_days("2026-12-01", 3))', "2026-12-04"),
        ('iso(add_days("2026-01-01", -1))', "2025-12-31"),
        # Calendar days keep the Danish clock time across the DST change (29 March 2026).
        ('iso(add_days("2026-03-28T09:00:00+01:00", 1))', "2026-03-29T09:00:00+02:00"),
        ('iso(add_hours("2026-03-28T09:00:00+01:00", 24))', "2026-03-29T10:00:00+02:00"),
        ('iso(add_hours("2026-12-01T09:00:00Z", 1.5))', "2026-12-01T11:30:00+01:00"),
        ('iso(add_hours("2026-12-01", 1))', "2026-12-01T01:00:00+01:00"),
        ('iso(add_months("2026-01-31", 1))', "2026-02-28"),
        ('iso(add_months("2028-01-31", 1))', "2028-02-29"),
        ('iso(add_months("2026-03-31", -1))', "2026-02-28"),
        ('iso(add_months("2026-11-15", 3))', "2027-02-15"),
        ('iso(add_months("2026-01-31T10:00:00+01:00", 1))', "2026-02-28T10:00:00+01:00"),
        ('iso(add_months(date("2026-05-31"), 12))', "2027-05-31"),
        ('iso("2026-12-01T09:00:00Z")', "2026-12-01T09:00:00+00:00"),
        ('days_between("2026-12-01", "2026-12-24")', 23),
        ('days_between("2026-12-24", "2026-12-01")', -23),
        ('days_between("2026-12-01T23:30:00Z", "2026-12-02")', 0),
        ("days_between(now(), today())", 0),
        ('add_days(today(), 7) == date("2026-01-08")', True),
        ('now() < datetime("2026-01-01T00:00:00Z")', True),
    ],
)
def test_date_helpers(source: str, expected: object) -> None:
    assert ev(source) == expected


@pytest.mark.parametrize(
    "source",
    [
        'add_days("2026-01-01", 1.5)',
        'add_days("2026-01-01", True)',
        'add_days("2026-01-01", 10**6)',
        'add_months("2026-01-01", 10**6)',
        'add_hours("2026-01-01", 10**12)',
        'add_hours("2026-01-01", "1")',
        'add_days("9999-12-31", 1)',
        "add_days(5, 1)",
        'iso("x" * 100)',
    ],
)
def test_date_helper_errors(source: str) -> None:
    with pytest.raises(ExpressionError):
        ev(source)


def test_naive_datetime_in_task_data_is_danish_time() -> None:
    data = {"received": dt.datetime(2026, 1, 1, 12, 0)}  # naive datetime in task data
    assert evaluate("iso(add_days(received, 1))", data, FUNCS) == "2026-01-02T12:00:00+01:00"
