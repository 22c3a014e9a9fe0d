"""GET, PUT, DELETE /tasks/{id}/draft: one's own unsubmitted answers, kept on the server until the task ends."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.cases.retention import run_retention
from engine.tasks.draft_service import MAX_DRAFT_BYTES
from engine.tasks.drafts import TaskDraft
from tests.api.helpers import error_of
from tests.api.test_prefill import SIGNS_FORM, _deploy

TYPED = {"danger_signs": ["threats"], "measure": "Halvt skrevet: barnet fortalte om", "visits": "2"}


@pytest.fixture
def world(client, make_account):
    """A case of the `carried` process whose first task the reception worker holds."""
    lead = make_account("teamleder", name="d-lead")
    worker = make_account("modtagerteam", name="d-worker")
    _deploy(client, lead.headers, "carried.bpmn", {"faretegn": SIGNS_FORM})
    case = client.post("/api/v1/cases", json={"process_key": "carried"}, headers=worker.headers).get_json()
    task_id = case["tasks"][0]["id"]
    assert client.post(f"/api/v1/tasks/{task_id}/claim", headers=worker.headers).status_code == 200
    return lead, worker, case, f"/api/v1/tasks/{task_id}"


def _count(db_session) -> int:
    return db_session.scalar(select(func.count()).select_from(TaskDraft))


def test_a_draft_is_saved_and_read_back_by_its_author(client, world):
    _lead, worker, _case, task = world
    empty = client.get(f"{task}/draft", headers=worker.headers)
    assert empty.status_code == 200 and empty.get_json()["data"] == {} and empty.get_json()["saved_at"] is None
    saved = client.put(f"{task}/draft", json={"data": TYPED}, headers=worker.headers)
    assert saved.status_code == 200 and saved.get_json()["max_bytes"] == MAX_DRAFT_BYTES
    again = client.put(f"{task}/draft", json={"data": {**TYPED, "measure": "Mere tekst"}}, headers=worker.headers)
    assert again.status_code == 200
    body = client.get(f"{task}/draft", headers=worker.headers).get_json()
    assert body["data"] == {**TYPED, "measure": "Mere tekst"} and body["saved_at"]
    assert client.delete(f"{task}/draft", headers=worker.headers).status_code == 204
    assert client.get(f"{task}/draft", headers=worker.headers).get_json()["data"] == {}


def test_only_the_one_who_may_complete_the_task_reads_or_writes_their_own_draft(client, world, make_account):
    lead, worker, _case, task = world
    client.put(f"{task}/draft", json={"data": TYPED}, headers=worker.headers)
    colleague = make_account("modtagerteam", name="d-colleague")  # the task is held: no relation
    assert client.get(f"{task}/draft", headers=colleague.headers).status_code == 404
    assert client.put(f"{task}/draft", json={"data": {}}, headers=colleague.headers).status_code == 404
    # The team lead may open the task, but the draft is the holder's alone.
    denied = client.get(f"{task}/draft", headers=lead.headers)
    assert denied.status_code == 403 and "keeps a draft" in error_of(denied)["message"]
    assert client.put(f"{task}/draft", json={"data": TYPED}, headers=lead.headers).status_code == 403
    # Given back to the group, the colleague keeps a draft of their own and reads only that.
    assert client.post(f"{task}/unclaim", headers=worker.headers).status_code == 200
    own = client.put(f"{task}/draft", json={"data": {"measure": "Min egen"}}, headers=colleague.headers)
    assert own.status_code == 200
    assert client.get(f"{task}/draft", headers=colleague.headers).get_json()["data"] == {"measure": "Min egen"}
    assert client.get(f"{task}/draft", headers=worker.headers).get_json()["data"] == TYPED


@pytest.mark.parametrize("data, field", [
    ({"name_of_father": "x"}, "data.name_of_father"),  # not a field of the form
    ({"measure": {"nested": "object"}}, "data.measure"),
    ({"danger_signs": [["a"]]}, "data.danger_signs"),
    ({"measure": "x" * 10_001}, "data.measure"),
    ({"measure": "æ" * 9_000, "danger_signs": ["ø" * 9_000] * 3}, "data"),  # over the size limit
])
def test_bad_drafts_are_422_and_change_nothing(client, world, data, field):
    _lead, worker, _case, task = world
    client.put(f"{task}/draft", json={"data": TYPED}, headers=worker.headers)
    refused = client.put(f"{task}/draft", json={"data": data}, headers=worker.headers)
    assert refused.status_code == 422
    assert field in {d["field"] for d in error_of(refused)["details"]}
    assert client.get(f"{task}/draft", headers=worker.headers).get_json()["data"] == TYPED


@pytest.mark.parametrize("body", [None, {"data": []}, {"data": {}, "extra": 1}, {"wrong": {}}])
def test_a_malformed_body_is_422(client, world, body):
    _lead, worker, _case, task = world
    assert client.put(f"{task}/draft", json=body, headers=worker.headers).status_code == 422


def test_a_body_far_over_the_limit_is_refused_before_it_is_read(client, world):
    _lead, worker, _case, task = world
    huge = '{"data": {"measure": "' + "x" * (3 * MAX_DRAFT_BYTES) + '"}}'
    refused = client.put(f"{task}/draft", data=huge, content_type="application/json", headers=worker.headers)
    assert refused.status_code == 422 and error_of(refused)["details"][0]["field"] == "data"


def test_completing_the_task_removes_every_draft_of_it(client, world, make_account, db_session):
    lead, worker, _case, task = world
    client.put(f"{task}/draft", json={"data": TYPED}, headers=worker.headers)
    assert _count(db_session) == 1
    done = client.post(f"{task}/complete", json={"data": {"measure": "Færdig"}}, headers=worker.headers)
    assert done.status_code == 200
    assert _count(db_session) == 0
    # The worker is now only a candidate of the next tasks: the ended task is not theirs to open.
    assert client.get(f"{task}/draft", headers=worker.headers).status_code == 403
    assert client.put(f"{task}/draft", json={"data": TYPED}, headers=worker.headers).status_code == 403
    ended = client.put(f"{task}/draft", json={"data": TYPED}, headers=lead.headers)  # who may open it: 409
    assert ended.status_code == 409 and "no longer ready" in error_of(ended)["message"]
    assert _count(db_session) == 0


def test_drafts_of_a_closed_cases_tasks_go_with_the_daily_retention_run(client, world, db_session, settings):
    lead, worker, case, task = world
    client.put(f"{task}/draft", json={"data": TYPED}, headers=worker.headers)
    reason = client.get("/api/v1/closing-reasons", headers=lead.headers).get_json()["items"][0]["key"]
    closed = client.post(f"/api/v1/cases/{case['id']}/close", json={"reason": reason}, headers=lead.headers)
    assert closed.status_code == 200, closed.get_json()
    assert client.get(f"{task}/draft", headers=lead.headers).status_code == 409  # never served again
    run_retention(db_session, settings, dry_run=True)
    assert _count(db_session) == 1  # a dry run changes nothing
    run_retention(db_session, settings)
    assert _count(db_session) == 0


def test_reading_a_draft_is_logged(client, world):
    lead, worker, case, task = world
    client.put(f"{task}/draft", json={"data": TYPED}, headers=worker.headers)
    client.get(f"{task}/draft", headers=worker.headers)
    log = client.get(f"/api/v1/cases/{case['id']}/access-log", headers=lead.headers).get_json()["access"]
    assert ("d-worker", "read_draft", "task") in {(a["username"], a["kind"], a["purpose"]) for a in log}
