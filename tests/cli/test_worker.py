"""`casepath worker`: --once --now for tests, and several workers firing every timer exactly once."""

from __future__ import annotations

import os
import subprocess
import uuid
from datetime import datetime

import pytest
from sqlalchemy import func, select

from engine.cases.models import CaseEvent
from engine.cases.service import open_case
from engine.db import make_session_factory
from engine.deadlines.models import FIRED, Timer
from engine.process_models.service import deploy
from engine.users.service import create_user
from tests import pgserver
from tests.cli.test_cli import CASEPATH
from tests.conftest import create_database, require_postgres
from tests.engine.deadlines.diagrams import intermediate

T0 = datetime.fromisoformat("2026-12-24T08:00:00+01:00")


def _seed(db, cases: int) -> None:
    with make_session_factory(db.engine)() as session:
        user = create_user(session, "seed", "seed@example.invalid", ["teamleder"])
        deploy(session, intermediate("waiting", "timeDuration", "PT1H"), actor=user)
        for _ in range(cases):
            open_case(session, "waiting", {}, user, clock=lambda: T0)


def _env(db, testing: bool = True) -> dict[str, str]:
    env = {**os.environ, "CASEPATH_ENV": "development", "DATABASE_URL": db.url}
    env.pop("CASEPATH_TESTING", None)
    if testing:
        env["CASEPATH_TESTING"] = "1"
    return env


def _fired(db) -> tuple[int, int]:
    with make_session_factory(db.engine)() as session:
        events = session.scalar(select(func.count()).where(CaseEvent.kind == "timer_fired"))
        distinct = session.scalar(select(func.count(func.distinct(CaseEvent.task_id)))
                                  .where(CaseEvent.kind == "timer_fired"))
        return events, distinct


def test_worker_once_now_fires_as_of_that_instant(tmp_path):
    db = create_database("sqlite", tmp_path, "worker")
    _seed(db, 3)
    early = subprocess.run([CASEPATH, "worker", "--once", "--now", "2026-12-24T08:59:00+01:00"], env=_env(db),
                           capture_output=True, text=True, timeout=120)
    assert early.returncode == 0, early.stderr
    assert "fired 0 timers" in early.stdout
    due = subprocess.run([CASEPATH, "worker", "--once", "--now", "2026-12-24T10:00:00+01:00"], env=_env(db),
                         capture_output=True, text=True, timeout=120)
    assert due.returncode == 0, due.stderr
    assert "fired 3 timers in 3 cases" in due.stdout
    assert _fired(db) == (3, 3)


def test_now_is_refused_outside_testing(tmp_path):
    db = create_database("sqlite", tmp_path, "refuse")
    result = subprocess.run([CASEPATH, "worker", "--once", "--now", "2026-12-24T10:00:00+01:00"],
                            env=_env(db, testing=False), capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "CASEPATH_TESTING=1" in result.stderr
    bad = subprocess.run([CASEPATH, "worker", "--once", "--now", "tomorrow"], env=_env(db),
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode != 0 and "ISO 8601" in bad.stderr


@pytest.mark.slow
def test_two_workers_on_postgresql_fire_1000_timers_exactly_once(tmp_path):
    server = require_postgres()
    name = f"cp_workers_{uuid.uuid4().hex[:8]}"
    db = create_database("postgresql", tmp_path, name)
    try:
        _seed(db, 1000)
        command = [CASEPATH, "worker", "--once", "--now", "2026-12-24T12:00:00+01:00"]
        workers = [subprocess.Popen(command, env=_env(db), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                   for _ in range(2)]
        outputs = [worker.communicate(timeout=600) for worker in workers]
        assert all(worker.returncode == 0 for worker in workers), outputs
        fired_per_worker = [int(out.split("fired ")[1].split()[0]) for out, _err in outputs]
        print("fired per worker:", fired_per_worker)
        assert sum(fired_per_worker) == 1000
        assert _fired(db) == (1000, 1000)  # one event per timer: none fired twice, none missed
        with make_session_factory(db.engine)() as session:
            assert session.scalar(select(func.count()).where(Timer.state == FIRED)) == 1000
    finally:
        db.engine.dispose()
        pgserver.drop_database(server, name)


def test_casepath_run_fires_timers_in_process(tmp_path):
    """The embedded default needs no separate worker: `casepath run` sweeps timers itself."""
    import json
    import socket
    import time
    import urllib.request

    db = create_database("sqlite", tmp_path, "embedded")
    env = {**_env(db, testing=False), "CASEPATH_WORKER_INTERVAL": "1"}
    diagram = tmp_path / "quick.bpmn"
    diagram.write_bytes(intermediate("quick", "timeDuration", "PT2S"))
    for args in (["users", "create", "op", "--email", "op@example.invalid", "--group", "teamleder"],
                 ["deploy", str(diagram)]):
        assert subprocess.run([CASEPATH, *args], env=env, capture_output=True, timeout=60).returncode == 0
    token = subprocess.run([CASEPATH, "tokens", "create", "op"], env=env, capture_output=True, text=True,
                           timeout=60).stdout.strip().splitlines()[-1]
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([CASEPATH, "run", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def call(path: str, body: bytes | None = None) -> dict:
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1{path}", data=body, headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    try:
        for _ in range(100):
            try:
                case = call("/cases", b'{"process_key": "quick"}')
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("casepath run did not answer")
        deadline = time.monotonic() + 20
        kinds: list[str] = []
        while time.monotonic() < deadline and "timer_fired" not in kinds:
            time.sleep(0.5)
            kinds = [event["kind"] for event in call(f"/cases/{case['id']}/events")["events"]]
        assert "timer_fired" in kinds
        assert [task["bpmn_id"] for task in call(f"/cases/{case['id']}")["tasks"]] == ["after"]
    finally:
        server.terminate()
        server.wait(timeout=10)
        db.engine.dispose()


def test_the_long_running_worker_fires_due_timers_on_its_schedule(tmp_path):
    """`casepath worker` as operators run it (APScheduler, every CASEPATH_WORKER_INTERVAL seconds)."""
    import time
    from datetime import UTC, timedelta

    db = create_database("sqlite", tmp_path, "scheduled")
    with make_session_factory(db.engine)() as session:
        user = create_user(session, "seed", "seed@example.invalid", ["teamleder"])
        deploy(session, intermediate("overdue", "timeDuration", "PT1H"), actor=user)
        two_hours_ago = datetime.now(UTC) - timedelta(hours=2)
        for _ in range(3):
            open_case(session, "overdue", {}, user, clock=lambda: two_hours_ago)
    env = {**_env(db, testing=False), "CASEPATH_WORKER_INTERVAL": "1"}
    worker = subprocess.Popen([CASEPATH, "worker"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
    try:
        deadline = time.monotonic() + 60
        while _fired(db) != (3, 3) and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.5)
        assert _fired(db) == (3, 3), "the scheduled worker did not fire the due timers"
        assert worker.poll() is None, "the worker exits only when stopped"
    finally:
        worker.terminate()
        output, _ = worker.communicate(timeout=20)
        db.engine.dispose()
    assert "Traceback" not in output
