"""`casepath worker --once --now`: reminders through the CLI, two workers on PostgreSQL, a killed worker."""

from __future__ import annotations

import os
import signal
import subprocess
import uuid
from datetime import datetime

import pytest
from sqlalchemy import select

from engine.cases.service import open_case
from engine.db import make_session_factory
from engine.notifications.models import SENT, OutboxMail
from engine.process_models.service import deploy
from engine.users.service import create_user
from tests import pgserver
from tests.cli.test_cli import CASEPATH
from tests.conftest import create_database, require_postgres
from tests.engine.notifications.mailserver import MailServer
from tests.engine.notifications.world import diagram

OPENED = datetime.fromisoformat("2026-11-23T09:00:00+01:00")
DUE = "2026-12-02T00:00:00+01:00"  # end of Tuesday 1 December: reminder from Monday 30 November 00:00



def _seed(db, cases: int, members: int = 2) -> list[str]:
    with make_session_factory(db.engine)() as session:
        lead = create_user(session, "lene", "lene@kommune.example", ["teamleder"])
        for number in range(members):
            create_user(session, f"member{number}", f"member{number}@kommune.example", ["modtagerteam"])
        deploy(session, diagram("kvittering", first_due="due", second_due=""), actor=lead)
        return [open_case(session, "kvittering", {"due": DUE, "cpr": "010203-1234"}, lead,
                          clock=lambda: OPENED).case.reference for _ in range(cases)]


def _env(db, server: MailServer) -> dict[str, str]:
    return {**os.environ, "CASEPATH_ENV": "development", "CASEPATH_TESTING": "1", "DATABASE_URL": db.url,
            "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(server.port), "MAIL_FROM": "casepath@kommune.example",
            "CASEPATH_BASE_URL": "https://casepath.kommune.example"}


def _worker(db, server: MailServer, now: str) -> list[str]:
    result = subprocess.run([CASEPATH, "worker", "--once", "--now", now], env=_env(db, server),
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def _rows(db) -> list[OutboxMail]:
    with make_session_factory(db.engine)() as session:
        return list(session.scalars(select(OutboxMail)))


def test_reminders_and_escalation_through_the_cli(tmp_path, smtp_server):
    db = create_database("sqlite", tmp_path, "mail")
    [reference] = _seed(db, 1)
    assert _worker(db, smtp_server, "2026-11-29T23:59:00+01:00") == [
        "fired 0 timers in 0 cases (0 cancelled, 0 failed)",
        "queued 0 mails for 0 deadline stages (0 held for digests, 0 digests)",
        "sent 0 mails (0 to retry, 0 failed, 0 skipped)"]
    lines = _worker(db, smtp_server, "2026-11-30T00:00:00+01:00")
    assert lines[1:] == ["queued 2 mails for 1 deadline stages (0 held for digests, 0 digests)",
                         "sent 2 mails (0 to retry, 0 failed, 0 skipped)"]
    assert sorted(str(m["To"]) for m in smtp_server.messages) == ["member0@kommune.example",
                                                                  "member1@kommune.example"]
    text = smtp_server.messages[0].get_body(("plain",)).get_content()
    assert reference in text and "tirsdag 1. december 2026 (ved dagens udgang)" in text
    assert "https://casepath.kommune.example/opgaver/" in text and "010203" not in text
    assert _worker(db, smtp_server, "2026-11-30T00:00:00+01:00")[2] == "sent 0 mails (0 to retry, 0 failed, 0 skipped)"
    _worker(db, smtp_server, "2026-12-01T00:00:00+01:00")  # due: both members again (still unclaimed)
    lines = _worker(db, smtp_server, "2026-12-02T00:00:00+01:00")
    assert lines[2] == "sent 1 mails (0 to retry, 0 failed, 0 skipped)"
    assert str(smtp_server.messages[-1]["To"]) == "lene@kommune.example"
    assert len(smtp_server.raw) == 5 == len({str(m["Message-ID"]) for m in smtp_server.messages})
    db.engine.dispose()


def test_smtp_outage_through_the_cli_sends_everything_once_when_back(tmp_path, smtp_server):
    db = create_database("sqlite", tmp_path, "outage")
    _seed(db, 2)
    smtp_server.stop()
    lines = _worker(db, smtp_server, "2026-11-30T00:00:00+01:00")
    assert lines[1:] == ["queued 4 mails for 2 deadline stages (0 held for digests, 0 digests)",
                         "sent 0 mails (1 to retry, 0 failed, 0 skipped)"]
    _worker(db, smtp_server, "2026-11-30T00:30:00+01:00")
    smtp_server.start()
    assert _worker(db, smtp_server, "2026-11-30T01:00:00+01:00")[2] == "sent 4 mails (0 to retry, 0 failed, 0 skipped)"
    assert len(smtp_server.raw) == 4 and all(row.state == SENT for row in _rows(db))
    db.engine.dispose()


def test_a_worker_killed_mid_batch_loses_nothing(tmp_path, smtp_server):
    db = create_database("sqlite", tmp_path, "killed")
    _seed(db, 5)  # 10 mails
    smtp_server.delay_after, smtp_server.delay_seconds = 3, 30  # hold the 3rd reply: the mail is in flight
    process = subprocess.Popen([CASEPATH, "worker", "--once", "--now", "2026-11-30T00:00:00+01:00"],
                               env=_env(db, smtp_server), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert smtp_server.delayed.wait(120), "the worker never reached the third mail"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(30)
        process.stdout.close()
        process.stderr.close()
    smtp_server.delay_after = None
    rows = _rows(db)
    assert len(rows) == 10 and sum(row.state == SENT for row in rows) == 2
    # The lease of the mail in flight ends after 5 minutes; then a worker sends the rest.
    _worker(db, smtp_server, "2026-11-30T00:06:00+01:00")
    rows = _rows(db)
    assert all(row.state == SENT for row in rows)
    received = smtp_server.message_ids()
    assert set(received) == {row.message_id for row in rows}  # nothing lost
    assert len(received) == 11  # the one mail in flight was delivered twice; nothing else
    db.engine.dispose()


@pytest.mark.slow
def test_two_workers_on_postgresql_send_every_mail_exactly_once(tmp_path, smtp_server):
    server = require_postgres()
    name = f"cp_mail_{uuid.uuid4().hex[:8]}"
    db = create_database("postgresql", tmp_path, name)
    try:
        _seed(db, 150, members=2)  # 300 reminders
        command = [CASEPATH, "worker", "--once", "--now", "2026-11-30T00:00:00+01:00"]
        workers = [subprocess.Popen(command, env=_env(db, smtp_server), stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True) for _ in range(2)]
        outputs = [worker.communicate(timeout=600) for worker in workers]
        assert all(worker.returncode == 0 for worker in workers), outputs
        queued = [int(out.splitlines()[1].split()[1]) for out, _err in outputs]
        sent = [int(out.splitlines()[2].split()[1]) for out, _err in outputs]
        print("queued per worker:", queued, "sent per worker:", sent)
        rows = _rows(db)
        assert len(rows) == 300 == sum(queued) == sum(sent)
        assert all(row.state == SENT for row in rows)
        received = smtp_server.message_ids()
        assert len(received) == 300 == len(set(received))
        assert set(received) == {row.message_id for row in rows}
    finally:
        db.engine.dispose()
        pgserver.drop_database(server, name)
