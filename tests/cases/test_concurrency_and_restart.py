"""Real commits on a fresh database: concurrent completions, and state surviving a restart."""

from __future__ import annotations

import threading
import uuid
from pathlib import Path

import pytest

from engine.config import Settings
from engine.db import make_session_factory
from engine.users.service import create_token, create_user
from tests import pgserver
from tests.conftest import BACKENDS, create_database
from webui import create_app

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(params=BACKENDS)
def fresh(request, tmp_path):
    name = f"cp_{uuid.uuid4().hex[:10]}"
    db = create_database(request.param, tmp_path, name)
    yield db
    db.engine.dispose()
    if request.param == "postgresql":
        pgserver.drop_database(pgserver.postgres_url(), name)


def _app(db, tmp_path):
    return create_app(Settings.from_env({"CASEPATH_ENV": "testing", "DATABASE_URL": db.url,
                                         "CASEPATH_INSTANCE_PATH": str(tmp_path)}))


def _tokens(db):
    with make_session_factory(db.engine)() as session:
        create_user(session, "lead", "lead@example.invalid", ["teamleder", "modtagerteam"])
        create_user(session, "rec", "rec@example.invalid", ["modtagerteam"])
        create_user(session, "lead2", "lead2@example.invalid", ["teamleder", "modtagerteam"])
        return ({"Authorization": f"Bearer {create_token(session, 'lead')}"},
                {"Authorization": f"Bearer {create_token(session, 'rec')}"},
                {"Authorization": f"Bearer {create_token(session, 'lead2')}"})


def test_two_concurrent_completions_exactly_one_wins(fresh, tmp_path):
    # Two team leads: both keep a relation to the case whoever wins, so the loser's answer is the 409
    # of the lost race (a reception member who lost would have no relation left: the rule's 404).
    lead, rec, lead2 = _tokens(fresh)
    app = _app(fresh, tmp_path)
    client = app.test_client()
    client.post("/api/v1/process-models", data=(DATA / "review.bpmn").read_bytes(), headers=lead,
                content_type="application/xml")
    for _round in range(5):
        case = client.post("/api/v1/cases", json={"process_key": "review"}, headers=rec).get_json()
        task_id = case["tasks"][0]["id"]
        barrier = threading.Barrier(2)
        statuses: list[int] = []

        def complete(headers, amount):
            barrier.wait()
            response = app.test_client().post(f"/api/v1/tasks/{task_id}/complete",
                                              json={"data": {"amount": amount}}, headers=headers)
            statuses.append(response.status_code)

        threads = [threading.Thread(target=complete, args=(lead, 50)),
                   threading.Thread(target=complete, args=(lead2, 1))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(statuses) == [200, 409]
        events = client.get(f"/api/v1/cases/{case['id']}/events", headers=lead).get_json()["events"]
        assert [e["kind"] for e in events].count("task_completed") == 1
        ready = client.get(f"/api/v1/cases/{case['id']}", headers=lead).get_json()["tasks"]
        assert len(ready) == 1 and ready[0]["bpmn_id"] in {"approve", "archive"}
    app.extensions["casepath.engine"].dispose()


def test_state_survives_a_restart(fresh, tmp_path):
    lead, rec, _lead2 = _tokens(fresh)
    first = _app(fresh, tmp_path)
    client = first.test_client()
    client.post("/api/v1/process-models", data=(DATA / "three_tasks.bpmn").read_bytes(), headers=lead,
                content_type="application/xml")
    case = client.post("/api/v1/cases", json={"process_key": "three_tasks"}, headers=rec).get_json()
    client.post(f"/api/v1/tasks/{case['tasks'][0]['id']}/complete", json={"data": {"step": 1}}, headers=rec)
    first.extensions["casepath.engine"].dispose()
    from engine.cases.workflow_state import SPEC_CACHE
    SPEC_CACHE._items.clear()  # a new process starts with an empty cache

    second = _app(fresh, tmp_path).test_client()
    [task] = second.get(f"/api/v1/cases/{case['id']}", headers=rec).get_json()["tasks"]
    assert task["bpmn_id"] == "t2"
    assert second.post(f"/api/v1/tasks/{task['id']}/complete", headers=rec).get_json()["tasks"][0]["bpmn_id"] == "t3"


def test_a_claim_does_not_wait_for_a_completion_holding_the_case(throwaway_postgres):
    """A completion locks the case, then updates its task; a claim updates the task, then records a
    case event. Had the case lock also blocked the event's foreign-key check, the two would deadlock
    on PostgreSQL. The claim must go through while the case is held."""
    from sqlalchemy import text

    from engine.cases.service import lock_case, open_case
    from engine.process_models.service import deploy
    from engine.tasks.service import claim

    factory = make_session_factory(throwaway_postgres.engine)
    with factory() as session:
        user = create_user(session, "rec", "rec@example.invalid", ["modtagerteam", "teamleder"])
        deploy(session, (DATA / "review.bpmn").read_bytes(), actor=user)
        opened = open_case(session, "review", {}, user)
        case_id, task_id = opened.case.id, opened.tasks[0].id
    with factory() as completion:
        lock_case(completion, case_id)  # held, as during a completion
        with factory() as other:
            other.execute(text("SET lock_timeout = '3s'"))
            task = claim(other, task_id, other.merge(user))
            assert task.assignee_id == user.id
        completion.rollback()
