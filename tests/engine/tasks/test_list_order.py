"""The task lists give every page in list order (due date, none last, then creation, then id) and
the same total (with a page, or counted alone past the end), whichever index cuts the page: one
group's candidates come from ix_tasks_ready_holder_group (migration 0025), several groups' from
ix_tasks_ready_order."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import insert, select

from engine.cases import access
from engine.cases.models import Case
from engine.process_models.models import ProcessVersion
from engine.process_models.service import deploy
from engine.tasks import listing
from engine.tasks.models import Task
from engine.users.service import create_user

DIAGRAM = Path(__file__).resolve().parents[2] / "data" / "three_tasks.bpmn"
GROUPS = ("modtagerteam", "raadgiver-boern", "raadgiver-voksen")
START = datetime(2026, 11, 23, 8, tzinfo=UTC)


@pytest.fixture
def tasks(db_session):
    """60 READY tasks of three groups, a third with no due date, some sharing one, some held."""
    lead = create_user(db_session, "lead", "lead@example.invalid", ["teamleder", "modtagerteam"])
    deploy(db_session, DIAGRAM.read_bytes(), actor=lead, filename=DIAGRAM.name)
    version = db_session.scalar(select(ProcessVersion.id))
    rng, rows = random.Random(25), []
    for number in range(60):
        case_id = uuid.uuid4()
        db_session.execute(insert(Case), [{"id": case_id, "reference": f"2026-9{number:05d}", "status": "open",
                                           "process_version_id": version, "opened_at": START, "updated_at": START,
                                           "lock_version": 1}])
        due = None if number % 3 == 0 else START + timedelta(days=rng.randrange(4))  # ties on purpose
        rows.append({"id": uuid.uuid4(), "case_id": case_id, "process_version_id": version, "bpmn_id": "t1",
                     "name": "Første", "candidate_group": GROUPS[rng.randrange(3)], "state": "READY",
                     "assignee_id": lead.id if number % 4 == 0 else None,
                     "created_at": START + timedelta(minutes=rng.randrange(20)), "due_at": due})
    db_session.execute(insert(Task), rows)
    db_session.flush()
    return lead.id, rows


def _expected(rows, keep):
    chosen = [row for row in rows if keep(row)]
    return [row["id"] for row in sorted(chosen, key=lambda r: (r["due_at"] is None, r["due_at"] or START,
                                                               r["created_at"], str(r["id"])))]


@pytest.mark.parametrize("groups", [("modtagerteam",), ("modtagerteam", "raadgiver-voksen")])
def test_every_page_of_every_scope_is_in_list_order(db_session, tasks, groups):
    lead_id, rows = tasks
    user = SimpleNamespace(id=lead_id, group_keys=frozenset(groups), in_any=lambda *keys: True)
    scopes = {"candidate": lambda r: r["assignee_id"] is None and r["candidate_group"] in groups,
              "mine": lambda r: r["assignee_id"] == lead_id, "all": lambda r: True}
    for scope, keep in scopes.items():
        expected = _expected(rows, keep)
        assert listing.count_tasks(db_session, user, scope, listing.Filters()) == len(expected)
        pages = [listing.page_ids(db_session, user, scope, listing.Filters(), 7, offset) for offset in range(0, 63, 7)]
        assert [task_id for page in pages for task_id in page] == expected, scope
        for offset in (14, 63):  # a page with rows carries the count; past the end it is counted alone
            page = listing.list_views(db_session, user, scope, listing.Filters(), 7, offset)
            assert ([task.id for task in page.items], page.total) == (expected[offset:offset + 7], len(expected))


def test_access_log_ids_are_version_7_uuids_in_time_order(monkeypatch):
    clock = iter(range(1_700_000_000_000_000_000, 1_700_000_000_100_000_000, 1_000_000))  # 1 ms apart
    monkeypatch.setattr(access, "time_ns", lambda: next(clock))
    ids = [access.log_id() for _ in range(20)]
    assert all(i.version == 7 and i.variant == uuid.RFC_4122 for i in ids)
    assert ids == sorted(ids) == sorted(ids, key=str) and len(set(ids)) == 20


def test_a_lists_access_log_rows_get_time_ordered_ids(db_session):
    from engine.cases.access import CaseAccess

    user = create_user(db_session, "logger", "logger@example.invalid", ["modtagerteam"])
    deploy(db_session, (Path(__file__).resolve().parents[2] / "data" / "three_tasks.bpmn").read_bytes(), actor=None)
    version_id = db_session.scalar(select(ProcessVersion.id).where(ProcessVersion.key == "three_tasks"))
    cases = [{"id": uuid.uuid4(), "reference": f"2026-9{n:05d}", "process_version_id": version_id,
              "status": "open", "opened_at": datetime(2026, 11, 23, tzinfo=UTC),
              "updated_at": datetime(2026, 11, 23, tzinfo=UTC), "lock_version": 1} for n in range(3)]
    db_session.execute(insert(Case.__table__), cases)
    listing.log_listed(db_session, user, {case["id"]: "task" for case in cases})
    ids = db_session.scalars(select(CaseAccess.id).where(CaseAccess.user_id == user.id)).all()
    assert len(ids) == 3 and all(i.version == 7 for i in ids)
