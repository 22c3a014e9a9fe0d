"""The workflow instances a process keeps (engine.cases.instances) never stand in for a newer state.

Two web processes are played by swapping the module's cache: what one process kept must not be
used after the other process changed the case, and a change that failed leaves nothing behind.
"""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

import pytest

from engine.cases.instances import InstanceCache

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture
def processes(monkeypatch):
    """Two processes' caches; `use(n)` makes process n the one that serves the next requests."""
    caches = [InstanceCache(), InstanceCache()]

    def use(number: int) -> InstanceCache:
        for module in ("engine.tasks.completion", "engine.cases.opening"):
            monkeypatch.setattr(f"{module}.INSTANCES", caches[number])
        return caches[number]

    use(0)
    return use


@pytest.fixture
def restored(monkeypatch):
    """The cases whose state a completion restored from the database."""
    from engine.tasks import completion

    load, seen = completion.load_state, []

    def counting(state, *args):
        seen.append(state["root"])
        return load(state, *args)

    monkeypatch.setattr(completion, "load_state", counting)
    return seen


@pytest.fixture
def lead(client, make_account):
    account = make_account("teamleder", "modtagerteam")
    response = client.post("/api/v1/process-models", data=(DATA / "three_tasks.bpmn").read_bytes(),
                           headers=account.headers, content_type="application/xml")
    assert response.status_code == 201
    return account


def _complete(client, account, task_id, data=None):
    return client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": data or {"done": True}},
                       headers=account.headers)


def test_a_case_changed_by_another_process_is_read_from_the_database(client, lead, processes, restored):
    opened = client.post("/api/v1/cases", json={"process_key": "three_tasks"}, headers=lead.headers).get_json()
    second = _complete(client, lead, opened["tasks"][0]["id"]).get_json()["tasks"][0]  # process 0 keeps it
    processes(1)
    third = _complete(client, lead, second["id"]).get_json()["tasks"][0]  # process 1 moves the case on
    processes(0)  # still holds the instance of before: waiting at the second task
    response = _complete(client, lead, third["id"])
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["tasks"] == []
    assert len(restored) == 2  # process 1 had nothing kept; process 0's kept instance was out of date
    case = client.get(f"/api/v1/cases/{opened['id']}", headers=lead.headers).get_json()
    assert case["status"] == "closed"


def test_the_same_process_goes_on_from_what_it_wrote(client, lead, processes, restored):
    cache = processes(0)
    opened = client.post("/api/v1/cases", json={"process_key": "three_tasks"}, headers=lead.headers).get_json()
    task = opened["tasks"][0]
    names = []
    for _step in range(3):
        response = _complete(client, lead, task["id"])
        assert response.status_code == 200
        tasks = response.get_json()["tasks"]
        names.append([t["name"] for t in tasks])
        task = tasks[0] if tasks else None
    assert names == [["Anden"], ["Tredje"], []]
    assert restored == []  # each change went on from the instance the one before wrote
    assert cache.take(UUID(opened["id"]), 4) is not None  # the closed case as written last (opening: 1, then +1 each)


def test_a_change_that_fails_half_way_leaves_no_instance_behind(client, lead, processes, monkeypatch):
    from engine.tasks import completion

    processes(0)
    opened = client.post("/api/v1/cases", json={"process_key": "three_tasks"}, headers=lead.headers).get_json()
    write, calls = completion.write_completion, []

    def crash_once(*args, **kwargs):  # the workflow has run in memory; the write then fails
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("connection lost")
        return write(*args, **kwargs)

    monkeypatch.setattr(completion, "write_completion", crash_once)
    assert _complete(client, lead, opened["tasks"][0]["id"]).status_code == 500
    response = _complete(client, lead, opened["tasks"][0]["id"])  # from the stored state, not the ran instance
    assert response.status_code == 200, response.get_json()
    assert [t["name"] for t in response.get_json()["tasks"]] == ["Anden"]


def test_an_instance_of_another_version_is_a_miss_and_is_dropped():
    cache = InstanceCache(size=2)
    cache.keep("a", 3, "workflow-a")
    assert cache.take("a", 2) is None
    assert cache.take("a", 3) is None  # dropped by the miss: never used for a version it was not written as
    for key in ("b", "c", "d"):
        cache.keep(key, 1, f"workflow-{key}")
    assert cache.take("b", 1) is None  # the least recently kept went first
    assert cache.take("d", 1) == "workflow-d"
