"""Flow and workload figures against hand-computed expectations; the overdue list follows the rule."""

from __future__ import annotations

from datetime import date

import pytest

from engine.reports.flow import case_flow
from engine.reports.periods import Period
from engine.reports.scope import Scope
from engine.reports.workload import workload
from engine.users.service import create_user
from tests.engine.reports.factory import Rows, at

NOW = "2026-03-31T12:00:00+02:00"


def scope(min_cell: int = 1, group: str | None = None) -> Scope:
    return Scope(Period(date(2026, 3, 1), date(2026, 3, 31)), at(NOW), "rapport_test", group, min_cell)


@pytest.fixture
def flow_rows(db_session):
    """Three cases referred Monday 2 March 2026 09:00 (CET): assigned after 1, 2 and 4 days; the first two
    had a conversation after 3 and 5 days; the first involved the security consultant after 10 days
    (through the shared risk assessment's task) and got a measure (after 12 days), the third after 6
    days by the case's own record (a disclosure to a consultant). One more case in week 11
    from the police, closed with a reason."""
    rows = Rows(db_session)
    cases = [rows.case("2026-03-02T09:00:00+01:00", source="school") for _ in range(3)]
    for case, days in zip(cases, (1, 2, 4), strict=True):
        rows.owner_set(case, f"2026-03-{2 + days:02d}T09:00:00+01:00")
    rows.task(cases[0], "Task_boernesamtale", "2026-03-03T09:00:00+01:00", done="2026-03-05T09:00:00+01:00")
    rows.task(cases[1], "Task_boernesamtale", "2026-03-03T09:00:00+01:00", done="2026-03-07T09:00:00+01:00")
    rows.task(cases[0], "Task_risiko_del_sikkerhedskonsulent_boern", "2026-03-05T09:00:00+01:00",
              done="2026-03-12T09:00:00+01:00")
    rows.task(cases[1], "Task_risiko_del_sikkerhedskonsulent_boern", "2026-03-05T09:00:00+01:00")  # not done
    rows.task(cases[0], "Task_akut", "2026-03-05T09:00:00+01:00", done="2026-03-14T09:00:00+01:00")
    # The case's own record of the consultant (a disclosure to one): the third case after 6 days; the
    # first case's later record does not move its involvement after 10 days.
    rows.event(cases[2], "security_consultant_involved", "2026-03-08T09:00:00+01:00")
    rows.event(cases[0], "security_consultant_involved", "2026-03-14T09:00:00+01:00")
    rows.task(cases[2], "Task_screening", "2026-03-06T09:00:00+01:00")
    rows.case("2026-03-09T10:00:00+01:00", source="police", closed="2026-03-20T10:00:00+01:00", reason="no_concern")
    return rows


def test_flow_figures(db_session, flow_rows):
    report = case_flow(db_session, scope())
    weeks = {w["week"]: w for w in report["new_cases"]["weeks"]}
    assert report["new_cases"]["sources"] == ["police", "school"]
    assert weeks["2026-W10"]["counts"] == {"police": 0, "school": 3} and weeks["2026-W11"]["total"] == 1
    assert list(weeks) == ["2026-W09", "2026-W10", "2026-W11", "2026-W12", "2026-W13", "2026-W14"]
    times = {m["milestone"]: m for m in report["milestones"]}
    assert (times["assignment"]["reached"], times["assignment"]["median_days"]) == (3, 2.0)
    assert times["assignment"]["p90_days"] == pytest.approx(3.6)  # 2 + 0.8 * (4 - 2)
    assert (times["first_conversation"]["reached"], times["first_conversation"]["median_days"]) == (2, 4.0)
    assert (times["consultant"]["reached"], times["consultant"]["median_days"]) == (2, 8.0)
    assert (times["first_measure"]["reached"], times["first_measure"]["median_days"]) == (1, 12.0)
    assert times["consultant"]["cases"] == 4
    stages = {s["element"]: s["cases"] for s in report["open_by_stage"]}
    assert stages == {"Task_risiko_del_sikkerhedskonsulent_boern": 1, "Task_screening": 1}
    assert [(r["reason"], r["cases"]) for r in report["closing_reasons"]] == [("no_concern", 1)]


def test_flow_suppresses_small_cells(db_session, flow_rows):
    report = case_flow(db_session, scope(min_cell=5))
    times = {m["milestone"]: m for m in report["milestones"]}
    assert times["assignment"]["reached"] == "<5" and times["assignment"]["median_days"] is None
    assert report["closing_reasons"][0]["cases"] == "<5"
    assert {w["week"]: w["total"] for w in report["new_cases"]["weeks"]}["2026-W12"] == 0


def test_workload_and_the_overdue_list(db_session):
    rows = Rows(db_session)
    anna = create_user(db_session, "anna-r", "anna@example.invalid", ["raadgiver-boern"])
    lead = create_user(db_session, "lead-r", "lead@example.invalid", ["teamleder"])
    admin = create_user(db_session, "admin-r", "admin@example.invalid", ["admin"])
    for number in range(2):
        case = rows.case("2026-03-02T09:00:00+01:00", owner=anna)
        rows.task(case, "Task_screening", "2026-03-02T09:00:00+01:00", assignee=anna,
                  due=f"2026-03-{10 + 30 * number:02d}T23:00:00+00:00" if number == 0 else "2026-04-30T22:00:00+00:00")
    waiting = rows.case("2026-03-02T09:00:00+01:00")
    rows.task(waiting, "Task_fordel_sag", "2026-03-02T09:00:00+01:00", group="teamleder")
    report = workload(db_session, scope(), lead)
    owners = {o["username"]: o for o in report["owners"]}
    anna = owners["anna-r"]
    assert (anna["open_cases"], anna["open_tasks"], anna["overdue_tasks"]) == (2, 2, 1)
    groups = {g["group"]: g for g in report["groups"]}
    assert (groups["raadgiver-boern"]["open_tasks"], groups["teamleder"]["open_cases"]) == (2, 1)
    assert [(o["task"], o["holder"]) for o in report["overdue_now"]] == [("Task_screening", "anna-r")]
    assert workload(db_session, scope(), admin)["overdue_now"] is None  # administrators: no case references
    assert {o["username"] for o in workload(db_session, scope(group="teamleder"), lead)["owners"]} == set()
