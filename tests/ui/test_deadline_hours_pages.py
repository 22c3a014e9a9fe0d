"""A deadline counted in clock hours (the 24-hour assessment) shows the hours left on every page,
never "Under 1 arbejdsdag tilbage", which is the working-day wording."""

from __future__ import annotations

from datetime import timedelta

from engine.cases.opening import open_case
from tests.ui.helpers import deploy_test_diagram, login, make_user, text

T0 = "2026-11-23T10:00:00+01:00"


def test_the_24_hour_assessment_shows_the_hours_left_on_the_case_and_task_pages(client, db_session,
                                                                                 service_clock):
    service_clock.set(T0)
    deploy_test_diagram(db_session)
    reception = make_user(db_session, "h-reception", "modtagerteam")
    received = (service_clock() - timedelta(hours=2)).isoformat()
    opened = open_case(db_session, "underretning_boern", {"received_at": received, "source": "school"}, reception)
    [task] = [t for t in opened.tasks if t.due_rule == "assessment_24h"]
    login(client, "h-reception")
    for page in (text(client.get(f"/sager/{opened.case.id}")), text(client.get(f"/opgaver/{task.id}"))):
        assert "22 t tilbage" in page
        assert "Under 1 arbejdsdag tilbage" not in page
