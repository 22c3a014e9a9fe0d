"""Team leads choose which group works a lane; tasks created afterwards go to that group."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.cases.service import open_case
from engine.errors import InvalidInput, PermissionDenied
from engine.process_models.lanes import lane_groups, set_lane_group
from engine.process_models.service import deploy
from engine.tasks import service as tasks
from engine.tasks.models import READY, Task
from engine.users.service import create_user
from tests.engine.process_models.test_migration import V1


def _ready(session, case) -> dict[str, str]:
    rows = session.scalars(select(Task).where(Task.case_id == case.id, Task.state == READY))
    return {row.bpmn_id: row.candidate_group for row in rows}


def test_a_lane_moved_to_another_group_gives_new_tasks_to_it(db_session):
    lead = create_user(db_session, "lead", "lead@example.invalid", ["teamleder", "modtagerteam", "vidensperson"])
    deploy(db_session, V1, actor=lead)
    case = open_case(db_session, "review", {}, lead).case
    assert _ready(db_session, case) == {"register": "modtagerteam"}
    assert set_lane_group(db_session, " Teamleder ", "vidensperson", lead)["Teamleder"] == "vidensperson"
    assert _ready(db_session, case) == {"register": "modtagerteam"}  # a waiting task keeps its group
    register = db_session.scalars(select(Task).where(Task.case_id == case.id)).one()
    tasks.complete(db_session, register.id, {"amount": 50}, lead)
    assert _ready(db_session, case) == {"approve": "vidensperson"}
    assert lane_groups(db_session)["Modtagerteam"] == "modtagerteam"  # the others are untouched


def test_only_team_leads_change_lanes_and_only_to_groups_that_exist(db_session):
    lead = create_user(db_session, "lead", "lead@example.invalid", ["teamleder"])
    worker = create_user(db_session, "w", "w@example.invalid", ["raadgiver-boern"])
    with pytest.raises(PermissionDenied):
        set_lane_group(db_session, "Teamleder", "raadgiver-boern", worker)
    with pytest.raises(InvalidInput, match="no group"):
        set_lane_group(db_session, "Teamleder", "bagere", lead)
    with pytest.raises(InvalidInput, match="1-255"):
        set_lane_group(db_session, "   ", "teamleder", lead)
    assert lane_groups(db_session)["Teamleder"] == "teamleder"
