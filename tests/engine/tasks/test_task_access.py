"""The cheaper entry points of the access rule give the answers of the full rule where they are used.

task_access decides task actions from the task and the user's groups; it must give the header,
may_open_task and supervises of access_to for every relation and every kind of task. access_to_new_case
must give access_to's whole answer for a case opened in the same transaction.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from engine.cases.break_glass import break_glass
from engine.cases.members import add_member
from engine.cases.models import Case
from engine.cases.need_to_know import access_to, access_to_new_case, may_open_task, task_access
from engine.cases.owner import set_owner
from engine.cases.service import open_case
from engine.config import Settings
from engine.process_models.service import deploy
from engine.tasks import service as tasks
from engine.tasks.models import Task
from engine.users.service import create_user

DATA = Path(__file__).resolve().parents[2] / "data"
NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)
GROUPS = {"owner": ["raadgiver-boern"], "member": ["raadgiver-voksen"], "assignee": ["modtagerteam"],
          "candidate": ["raadgiver-boern"], "knowledge": ["vidensperson"], "lead": ["teamleder"],
          "done": ["modtagerteam"], "admin": ["admin"], "stranger": ["raadgiver-voksen"],
          "glass": ["raadgiver-voksen"], "lead_candidate": ["teamleder", "raadgiver-boern"]}


def _answers(access, task) -> tuple[bool, bool, bool]:
    return access.header, may_open_task(access, task), access.supervises


def test_task_access_answers_as_access_to_for_every_relation_and_task(db_session):
    users = {who: create_user(db_session, f"t-{who}", f"t-{who}@example.invalid", groups)
             for who, groups in GROUPS.items()}
    deploy(db_session, (DATA / "matrix.bpmn").read_bytes(), actor=users["lead"])
    opened = open_case(db_session, "matrix", {}, users["done"], lambda: NOW)
    ready = tasks.complete(db_session, opened.tasks[0].id, {}, users["done"], lambda: NOW)
    held = next(t for t in ready if t.bpmn_id == "a")
    tasks.claim(db_session, held.id, users["assignee"], lambda: NOW)
    case_id = opened.case.id
    set_owner(db_session, case_id, "t-owner", users["lead"], lambda: NOW)
    add_member(db_session, case_id, "t-member", "caseworker", None, users["lead"], lambda: NOW)
    add_member(db_session, case_id, "t-knowledge", "knowledge_person", None, users["lead"], lambda: NOW)
    settings = Settings.from_env({"CASEPATH_ENV": "testing"})
    break_glass(db_session, case_id, users["glass"], "Akut fare for barnet, politiet ringer", settings=settings,
                clock=lambda: NOW)
    case = db_session.get(Case, case_id)
    rows = db_session.scalars(select(Task).where(Task.case_id == case_id)).all()
    assert {t.state for t in rows} == {"READY", "COMPLETED"} and len(rows) == 3
    later = NOW + timedelta(minutes=5)
    for who, user in users.items():
        full = access_to(db_session, case, user, later)
        for task in rows:
            assert _answers(task_access(db_session, user, task, case.owner_id, later), task) == _answers(full, task), \
                (who, task.bpmn_id)


def test_a_new_case_is_answered_as_access_to_would_read_it(db_session):
    groups = {"rec": ["modtagerteam"], "lead": ["teamleder"], "admin": ["admin", "modtagerteam"],
              "other": ["raadgiver-voksen"]}
    users = {who: create_user(db_session, f"n-{who}", f"n-{who}@example.invalid", keys) for who, keys in groups.items()}
    deploy(db_session, (DATA / "matrix.bpmn").read_bytes(), actor=users["lead"])
    for user in users.values():
        opened = open_case(db_session, "matrix", {}, user, lambda: NOW)
        assert access_to_new_case(user, opened.tasks) == access_to(db_session, opened.case, user, NOW)
