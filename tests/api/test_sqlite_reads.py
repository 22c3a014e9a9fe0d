"""On SQLite a request that reads does not take the write lock; what it then writes (the access log)
waits for the lock like any write, and does not fail because another process wrote meanwhile."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from engine.config import Settings
from engine.db import make_session_factory
from engine.users.service import create_token, create_user
from tests.conftest import create_database
from webui import create_app

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def served(tmp_path):
    db = create_database("sqlite", tmp_path, "reads")
    with make_session_factory(db.engine)() as session:
        create_user(session, "rec", "rec@example.invalid", ["modtagerteam", "teamleder"])
        headers = {"Authorization": f"Bearer {create_token(session, 'rec')}"}
    app = create_app(Settings.from_env({"CASEPATH_ENV": "testing", "DATABASE_URL": db.url,
                                        "CASEPATH_INSTANCE_PATH": str(tmp_path)}))
    client = app.test_client()
    client.post("/api/v1/process-models", data=(DATA / "three_tasks.bpmn").read_bytes(), headers=headers,
                content_type="application/xml")
    client.post("/api/v1/cases", json={"process_key": "three_tasks"}, headers=headers)
    client.get("/api/v1/tasks", headers=headers)  # the token's last use is written: later requests only read it
    yield app, headers, db.url.split("///", 1)[1]
    app.extensions["casepath.engine"].dispose()
    db.engine.dispose()


def _in_thread(app, path, headers):
    result: dict[str, int] = {}
    thread = threading.Thread(target=lambda: result.update(status=app.test_client().get(path, headers=headers)
                                                           .status_code))
    thread.start()
    return thread, result


def test_reads_go_on_while_another_process_writes_and_their_log_waits_for_it(served):
    app, headers, path = served
    writer = sqlite3.connect(path, isolation_level=None, timeout=30)
    writer.execute("BEGIN IMMEDIATE")  # another process in the middle of a write
    try:
        reading, read = _in_thread(app, "/api/v1/me", headers)
        reading.join(timeout=5)
        assert read.get("status") == 200  # answered while the write lock is held
        listing, listed = _in_thread(app, "/api/v1/tasks", headers)
        time.sleep(0.5)
        assert listing.is_alive()  # read, and now waiting to write its access-log rows
        writer.execute("INSERT INTO groups (id, key, name) VALUES (x'00112233445566778899aabbccddeeff', 'x', 'x')")
        writer.execute("COMMIT")  # the list's read snapshot is now older than the database
    finally:
        if writer.in_transaction:
            writer.execute("ROLLBACK")
        writer.close()
    listing.join(timeout=30)
    assert listed.get("status") == 200
