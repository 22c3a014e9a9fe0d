"""The hot paths stay within their statement budgets: a deterministic guard, not a timing test.

One request each, on a fresh database of each backend with the real engine (no test transaction
around it), counted with a `before_cursor_execute` listener: SQL statements (BEGIN not counted),
commits and transactions. On SQLite the statements SQLite itself ran are traced too, to show that
the reads ran before the write lock was taken (BEGIN DEFERRED, then BEGIN IMMEDIATE right before
the first write).

Budgets (what the rewrite achieved; issue 19 asks at most 8 statements and 1 commit for a completion
without timers, no second transaction), each with 1 commit and 1 transaction:
- complete a task: SQLite 8 statements (token; task with case, state, owner, safe contact and lane
  groups; case; state; task; submission; new task; events), PostgreSQL 6 (case and state in one
  statement, task and submission in one);
- claim a task: SQLite 4 (token, task, task, event), PostgreSQL 3 (task and event in one);
- open a case: 8 (token, version, lane groups, reference number, case, state, task, events);
- list tasks: 3 (token, page with its count, access log).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import event

from engine.config import Settings
from engine.db import make_session_factory
from engine.users.service import create_token, create_user
from tests import pgserver
from tests.conftest import BACKENDS, ServiceClock, create_database
from webui import create_app

DATA = Path(__file__).resolve().parents[2] / "data"
BUDGETS = {"sqlite": {"complete": 8, "claim": 4, "open": 8, "list": 3},
           "postgresql": {"complete": 6, "claim": 3, "open": 8, "list": 3}}


@dataclass
class Counter:
    """What one request sent to the database."""

    statements: list[str] = field(default_factory=list)
    begins: int = 0
    commits: int = 0
    traced: list[str] = field(default_factory=list)  # SQLite: every statement SQLite ran, BEGIN/COMMIT too
    on: bool = False


@pytest.fixture(params=BACKENDS)
def world(request, tmp_path):
    name = f"cp_{uuid.uuid4().hex[:10]}"
    db = create_database(request.param, tmp_path, name)
    with make_session_factory(db.engine)() as session:
        create_user(session, "lead", "lead@example.invalid", ["teamleder", "modtagerteam"])
        create_user(session, "rec", "rec@example.invalid", ["modtagerteam"])
        headers = {who: {"Authorization": f"Bearer {create_token(session, who)}"} for who in ("lead", "rec")}
    clock = ServiceClock()
    clock.set("2026-11-23T10:00:00+01:00")  # fixed: no token's last use is written again
    app = create_app(Settings.from_env({"CASEPATH_ENV": "testing", "DATABASE_URL": db.url,
                                        "CASEPATH_INSTANCE_PATH": str(tmp_path)}), clock=clock)
    counter = _count(app.extensions["casepath.engine"])
    client = app.test_client()
    assert client.post("/api/v1/process-models", data=(DATA / "three_tasks.bpmn").read_bytes(),
                       headers=headers["lead"], content_type="application/xml").status_code == 201
    warm = client.post("/api/v1/cases", json={"process_key": "three_tasks"}, headers=headers["rec"]).get_json()
    client.post(f"/api/v1/tasks/{warm['tasks'][0]['id']}/complete", json={"data": {}}, headers=headers["rec"])
    client.get("/api/v1/tasks", headers=headers["lead"])
    yield request.param, client, headers, counter
    app.extensions["casepath.engine"].dispose()
    db.engine.dispose()
    if request.param == "postgresql":
        pgserver.drop_database(pgserver.postgres_url(), name)


def _count(engine) -> Counter:
    counter = Counter()

    @event.listens_for(engine, "before_cursor_execute")
    def _statement(conn, cursor, statement, parameters, context, executemany):
        if counter.on and not statement.lstrip().upper().startswith("BEGIN"):
            counter.statements.append(statement.split("\n")[0][:80])

    @event.listens_for(engine, "begin")
    def _begin(conn):
        counter.begins += counter.on

    @event.listens_for(engine, "commit")
    def _commit(conn):
        counter.commits += counter.on

    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _trace(dbapi_connection, _record):
            dbapi_connection.set_trace_callback(lambda sql: counter.traced.append(sql) if counter.on else None)

    return counter


def _measure(counter: Counter, request):
    counter.statements.clear()
    counter.traced.clear()
    counter.begins = counter.commits = 0
    counter.on = True
    try:
        response = request()
    finally:
        counter.on = False
    return response


def _within(counter: Counter, budget: int) -> None:
    assert len(counter.statements) <= budget, counter.statements
    assert counter.commits == 1, counter.statements
    assert counter.begins == 1, "a second transaction"


def _reads_first_on_sqlite(backend: str, counter: Counter) -> None:
    """SQLite: the reads ran without the write lock, which was taken right before the first write."""
    if backend != "sqlite":
        return
    kinds = [sql.split()[0].upper() for sql in counter.traced if sql.strip()]
    assert kinds[0] == "BEGIN" and counter.traced[0].upper().startswith("BEGIN DEFERRED")
    immediate = next(i for i, sql in enumerate(counter.traced) if sql.upper().startswith("BEGIN IMMEDIATE"))
    assert all(kind == "SELECT" for kind in kinds[1:immediate - 1]) and kinds[immediate - 1] == "COMMIT"
    assert kinds[immediate + 1] in ("INSERT", "UPDATE")


def test_completing_a_task(world):
    backend, client, headers, counter = world
    case = client.post("/api/v1/cases", json={"process_key": "three_tasks"}, headers=headers["rec"]).get_json()
    response = _measure(counter, lambda: client.post(f"/api/v1/tasks/{case['tasks'][0]['id']}/complete",
                                                     json={"data": {"done": True}}, headers=headers["rec"]))
    assert response.status_code == 200 and [t["bpmn_id"] for t in response.get_json()["tasks"]] == ["t2"]
    _within(counter, BUDGETS[backend]["complete"])
    _reads_first_on_sqlite(backend, counter)


def test_claiming_a_task(world):
    backend, client, headers, counter = world
    case = client.post("/api/v1/cases", json={"process_key": "three_tasks"}, headers=headers["rec"]).get_json()
    response = _measure(counter, lambda: client.post(f"/api/v1/tasks/{case['tasks'][0]['id']}/claim",
                                                     headers=headers["rec"]))
    assert response.status_code == 200 and response.get_json()["assignee"] == "rec"
    _within(counter, BUDGETS[backend]["claim"])
    _reads_first_on_sqlite(backend, counter)


def test_opening_a_case(world):
    backend, client, headers, counter = world
    response = _measure(counter, lambda: client.post("/api/v1/cases", json={"process_key": "three_tasks"},
                                                     headers=headers["rec"]))
    assert response.status_code == 201 and len(response.get_json()["tasks"]) == 1
    _within(counter, BUDGETS[backend]["open"])
    _reads_first_on_sqlite(backend, counter)


def test_listing_tasks(world):
    backend, client, headers, counter = world
    for _ in range(3):
        client.post("/api/v1/cases", json={"process_key": "three_tasks"}, headers=headers["rec"])
    response = _measure(counter, lambda: client.get("/api/v1/tasks?per_page=2", headers=headers["rec"]))
    assert response.status_code == 200 and len(response.get_json()["items"]) == 2
    _within(counter, BUDGETS[backend]["list"])
    _reads_first_on_sqlite(backend, counter)
