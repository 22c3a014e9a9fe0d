"""A completion reads without a lock and writes only what it read: what happens when someone changed
the case or the task in between, on both databases, made to happen at exactly that moment.

The other change is committed by a second session while the completion is between its read and its
writes (inside the form check). SQLite runs the completion's read in a read snapshot, as a request
does (engine.db.READS_FIRST), so the other session can commit meanwhile.
"""

from __future__ import annotations

import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.cases.events import list_events
from engine.cases.service import open_case
from engine.db import READS_FIRST, make_session_factory
from engine.errors import Conflict
from engine.process_models.service import deploy
from engine.tasks import completion, service
from engine.tasks.models import COMPLETED, READY, Task
from engine.users.service import create_user
from tests import pgserver
from tests.conftest import BACKENDS, create_database

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture(params=BACKENDS)
def factory(request, tmp_path):
    name = f"cp_{uuid.uuid4().hex[:10]}"
    db = create_database(request.param, tmp_path, name)
    yield make_session_factory(db.engine)
    db.engine.dispose()
    if request.param == "postgresql":
        pgserver.drop_database(pgserver.postgres_url(), name)


@pytest.fixture
def world(factory):
    with factory() as session:
        lead = create_user(session, "lead", "lead@example.invalid", ["teamleder", "modtagerteam"])
        rec = create_user(session, "rec", "rec@example.invalid", ["modtagerteam"])
        create_user(session, "worker", "worker@example.invalid", ["raadgiver-boern"])
        deploy(session, (DATA / "matrix.bpmn").read_bytes(), actor=lead)
        deploy(session, (DATA / "review.bpmn").read_bytes(), actor=lead)
    return factory, lead.id, rec.id


def _user(session, user_id):
    from engine.users.models import User

    return session.get(User, user_id)


def _meanwhile(monkeypatch, change) -> None:
    """Run `change` (in its own session, committed) once, between the completion's read and its writes."""
    original, done = completion.validated, []

    def validated(*args, **kwargs):
        if not done:
            done.append(True)
            thread = threading.Thread(target=change)  # its own connection, as another process would
            thread.start()
            thread.join(timeout=30)
        return original(*args, **kwargs)

    monkeypatch.setattr(completion, "validated", validated)


def _reading(session):
    session.connection(execution_options={READS_FIRST: True})  # as a request's session begins
    return session


def test_the_loser_of_two_completions_gets_409_and_nothing_is_written_twice(world, monkeypatch):
    factory, lead_id, rec_id = world
    with factory() as session:
        task_id = open_case(session, "review", {}, _user(session, rec_id)).tasks[0].id

    def winner():
        with factory() as other:
            service.complete(other, task_id, {"amount": 50}, _user(other, lead_id))

    _meanwhile(monkeypatch, winner)
    with factory() as session, pytest.raises(Conflict):
        service.complete(_reading(session), task_id, {"amount": 1}, _user(session, rec_id))
    with factory() as session:
        task = session.get(Task, task_id)
        assert task.state == COMPLETED and task.ended_by_id == lead_id
        kinds = [e.kind for e in list_events(session, task.case_id)]
        assert kinds.count("task_completed") == 1
        ready = session.scalars(select(Task.bpmn_id).where(Task.case_id == task.case_id, Task.state == READY)).all()
        assert ready == ["approve"]


def test_a_claim_in_between_is_a_409_for_the_completion(world, monkeypatch):
    factory, lead_id, rec_id = world
    with factory() as session:
        task_id = open_case(session, "review", {}, _user(session, rec_id)).tasks[0].id

    def claimed():
        with factory() as other:
            service.claim(other, task_id, _user(other, lead_id))

    _meanwhile(monkeypatch, claimed)
    with factory() as session, pytest.raises(Conflict, match="someone else holds"):
        service.complete(_reading(session), task_id, {"amount": 1}, _user(session, rec_id))
    with factory() as session:
        assert session.get(Task, task_id).state == READY


def test_another_change_of_the_case_in_between_is_taken_into_account(world, monkeypatch):
    """The other branch completed meanwhile: the completion starts again, locked, on the new state."""
    factory, lead_id, rec_id = world
    with factory() as session:
        opened = open_case(session, "matrix", {}, _user(session, rec_id))
        ready = service.complete(session, opened.tasks[0].id, {}, _user(session, rec_id))
        first, second = (next(t.id for t in ready if t.bpmn_id == b) for b in ("a", "b"))

    def other_branch():
        from engine.users.service import get_user

        with factory() as other:
            service.complete(other, second, {}, get_user(other, "worker"))

    _meanwhile(monkeypatch, other_branch)
    with factory() as session:
        assert service.complete(_reading(session), first, {}, _user(session, lead_id)) == []
    with factory() as session:
        case_id = session.get(Task, first).case_id
        kinds = [e.kind for e in list_events(session, case_id)]
        assert kinds.count("task_completed") == 3 and kinds[-1] == "case_closed"
