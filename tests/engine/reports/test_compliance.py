"""Deadline compliance against hand-computed figures: Easter, summer time, months, suppression."""

from __future__ import annotations

from datetime import date

import pytest

from engine.deadlines.calendar import DanishCalendar
from engine.reports.compliance import deadline_compliance
from engine.reports.periods import Period
from engine.reports.scope import Scope
from engine.tasks.models import CANCELLED
from tests.engine.reports.factory import Rows, at

CAL = DanishCalendar()
NOW = "2026-06-30T12:00:00+02:00"


def scope(min_cell: int = 1, first=date(2026, 1, 1), last=date(2026, 6, 30)) -> Scope:
    return Scope(Period(first, last), at(NOW), "rapport_test", None, min_cell)


def rule(report: dict, key: str) -> dict:
    return next(r for r in report["rules"] if r["rule"] == key)


def month(figures: dict, key: str) -> dict:
    return next(m for m in figures["months"] if m["month"] == key)


@pytest.fixture
def easter(db_session):
    """Receipt within 6 working days of Wednesday 1 April 2026: Maundy Thursday, Good Friday, the weekend
    and Easter Monday do not count, so the 6th working day is Tuesday 14 April (due at its end, 22:00 UTC
    in summer time)."""
    due = "2026-04-14T22:00:00+00:00"
    assert CAL.add_working_days(at("2026-04-01T10:00:00+02:00"), 6) == at(due)
    rows = Rows(db_session)
    for done in ("2026-04-09T11:00:00+02:00",  # 3 working days used (Apr 7, 8, 9)
                 "2026-04-14T15:00:00+02:00",  # the last day: 6, on time
                 "2026-04-15T09:00:00+02:00"):  # the day after: 7, late
        case = rows.case("2026-04-01T10:00:00+02:00")
        rows.task(case, "Task_kvittering", "2026-04-01T10:00:00+02:00", due=due, rule="receipt_6_workdays", done=done)
    case = rows.case("2026-04-01T10:00:00+02:00")  # not done at all: missed (still open past due)
    rows.task(case, "Task_kvittering", "2026-04-01T10:00:00+02:00", due=due, rule="receipt_6_workdays")
    case = rows.case("2026-04-01T10:00:00+02:00")  # cancelled (case closed): no deadline, as on the case page
    rows.task(case, "Task_kvittering", "2026-04-01T10:00:00+02:00", due=due, rule="receipt_6_workdays",
              done="2026-04-02T10:00:00+02:00", state=CANCELLED)
    return rows


def test_working_days_across_easter(db_session, easter):
    figures = rule(deadline_compliance(db_session, scope(), CAL), "receipt_6_workdays")
    counts = (figures["total"], figures["on_time"], figures["late"], figures["missed"], figures["open"])
    assert counts == (4, 2, 1, 1, 0)
    assert figures["share_met"] == pytest.approx(2 / 4)
    assert figures["used_unit"] == "working_days"
    assert figures["median_used"] == 6.0  # of 3, 6, 7
    assert figures["p90_used"] == pytest.approx(6.8)  # 6 + 0.8 * (7 - 6)
    assert month(figures, "2026-04")["total"] == 4
    assert month(figures, "2026-03")["total"] == 0


def test_24_hours_across_the_summer_time_change(db_session):
    """From Saturday 28 March 2026 12:00 (CET) the 24 hours end Sunday 13:00 CEST (11:00 UTC): the clock
    jumped an hour that night, but 24 real hours still pass."""
    rows = Rows(db_session)
    due = "2026-03-29T11:00:00+00:00"
    assert CAL.add_hours(at("2026-03-28T12:00:00+01:00"), 24) == at(due)
    for done in ("2026-03-29T12:30:00+02:00", "2026-03-29T13:30:00+02:00"):
        case = rows.case("2026-03-28T12:00:00+01:00")
        rows.task(case, "Task_vurdering_24t", "2026-03-28T12:00:00+01:00", due=due, rule="assessment_24h", done=done)
    figures = rule(deadline_compliance(db_session, scope(), CAL), "assessment_24h")
    assert (figures["on_time"], figures["late"]) == (1, 1)
    assert figures["used_unit"] == "hours"
    assert figures["median_used"] == 24.0  # 23.5 and 24.5 real hours
    assert month(figures, "2026-03")["on_time"] == 1


def test_months_and_a_deadline_on_the_last_day_of_a_month(db_session):
    rows = Rows(db_session)
    case = rows.case("2026-01-15T09:00:00+01:00")
    # 4 months from 15 January end with 15 May (22:00 UTC); done 1 May: 106 days after 15 January.
    rows.task(case, "Task_undersoegelse", "2026-01-15T09:00:00+01:00", due="2026-05-15T22:00:00+00:00",
              rule="child_investigation_4_months", done="2026-05-01T10:00:00+02:00")
    # A 7-day deadline whose last day is 31 March belongs to March, though it runs out at 00:00 on 1 April.
    case = rows.case("2026-03-24T09:00:00+01:00")
    rows.task(case, "Task_udvalg", "2026-03-24T09:00:00+01:00", due="2026-03-31T22:00:00+00:00",
              rule="committee_7_days")
    report = deadline_compliance(db_session, scope(), CAL)
    months = rule(report, "child_investigation_4_months")
    assert (months["on_time"], months["median_used"], months["used_unit"]) == (1, 106.0, "days")
    assert month(months, "2026-05")["on_time"] == 1
    committee = rule(report, "committee_7_days")
    assert month(committee, "2026-03")["missed"] == 1 and month(committee, "2026-04")["total"] == 0
    assert committee["share_met"] == 0.0


def test_open_deadlines_and_the_period(db_session):
    rows = Rows(db_session)
    case = rows.case("2026-06-29T09:00:00+02:00")
    rows.task(case, "Task_kvittering", "2026-06-29T09:00:00+02:00", due="2026-07-07T22:00:00+00:00",
              rule="receipt_6_workdays")
    # Due after the period: not in it; in a period that reaches it, still open (not yet due at NOW).
    assert rule(deadline_compliance(db_session, scope(), CAL), "receipt_6_workdays")["total"] == 0
    later = deadline_compliance(db_session, scope(last=date(2026, 7, 31)), CAL)
    figures = rule(later, "receipt_6_workdays")
    assert (figures["total"], figures["open"], figures["share_met"]) == (1, 1, None)


def test_small_cells_are_suppressed(db_session, easter):
    figures = rule(deadline_compliance(db_session, scope(min_cell=5), CAL), "receipt_6_workdays")
    assert figures["total"] == "<5" and figures["on_time"] == "<5" and figures["open"] == 0
    assert figures["share_met"] is None and figures["median_used"] is None and figures["p90_used"] is None
    assert rule(deadline_compliance(db_session, scope(min_cell=4), CAL), "receipt_6_workdays")["total"] == 4
