"""`casepath retention [--dry-run]` as operators run it, and the worker's daily retention job."""

from __future__ import annotations

import os
import subprocess
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from engine.cases.access import CaseAccess
from engine.cases.closing import close_case
from engine.cases.models import Case, CaseState
from engine.cases.service import open_case
from engine.config import Settings
from engine.db import make_session_factory
from engine.process_models.service import deploy
from engine.users.service import create_user
from engine.worker import _retention, start_worker
from tests.cli.test_cli import CASEPATH, DATA
from tests.conftest import create_database

OPENED = datetime.fromisoformat("2026-11-23T09:00:00+01:00")
CLOSED = datetime.fromisoformat("2026-11-30T10:00:00+01:00")
WITHIN = "2031-11-28T10:00:00+01:00"  # 1824 days after the close
PAST = "2031-11-30T10:00:00+01:00"  # 1826 days after


def _seed(db, closed_at: datetime = CLOSED) -> str:
    with make_session_factory(db.engine)() as session:
        lead = create_user(session, "lene", "lene@kommune.example", ["teamleder", "modtagerteam"])
        deploy(session, (DATA / "review.bpmn").read_bytes(), actor=lead)
        case = open_case(session, "review", {"cpr": "010203-1234"}, lead, clock=lambda: OPENED).case
        close_case(session, case.id, lead, "no_concern", note="Ingen fare for Aisha", clock=lambda: closed_at)
        session.add(CaseAccess(case_id=case.id, user_id=lead.id, username="lene", kind="read_case", at=CLOSED))
        session.commit()
        return case.reference


def _run(db, *args: str, testing: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "CASEPATH_ENV": "development", "DATABASE_URL": db.url,
           "CASEPATH_TESTING": "1" if testing else "0"}
    return subprocess.run([CASEPATH, "retention", *args], env=env, capture_output=True, text=True, timeout=120)


def _case(db) -> tuple[Case, dict, int]:
    with make_session_factory(db.engine)() as session:
        case = session.scalars(select(Case)).one()
        return case, session.get(CaseState, case.id).state, len(session.scalars(select(CaseAccess)).all())


def test_dry_run_lists_then_the_run_erases_and_a_rerun_has_nothing_left(tmp_path):
    db = create_database("sqlite", tmp_path, "retention")
    reference = _seed(db)
    _, state_before, _ = _case(db)

    dry = _run(db, "--dry-run", "--now", PAST)
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines() == [f"would erase {reference} (closed 2026-11-30)",
                                       "would erase 1 cases; would delete 1 access-log entries"]
    case, state, log_rows = _case(db)
    assert case.erased_at is None and case.closing_note == "Ingen fare for Aisha" and state == state_before
    assert log_rows == 1

    within = _run(db, "--now", WITHIN)
    assert within.stdout.splitlines() == ["erased 0 cases; deleted 1 access-log entries"]
    assert _case(db)[0].erased_at is None

    done = _run(db, "--now", PAST)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [f"erased {reference} (closed 2026-11-30)",
                                        "erased 1 cases; deleted 0 access-log entries"]
    case, state, _ = _case(db)
    assert case.erased_at == datetime.fromisoformat(PAST) and case.closing_note is None
    assert "010203-1234" not in str(state) and case.reference == reference
    assert _run(db, "--now", PAST).stdout.splitlines() == ["erased 0 cases; deleted 0 access-log entries"]
    db.engine.dispose()


def test_now_is_for_tests_only(tmp_path):
    db = create_database("sqlite", tmp_path, "retention_now")
    refused = _run(db, "--now", PAST, testing=False)
    assert refused.returncode != 0 and "CASEPATH_TESTING=1" in refused.stderr
    db.engine.dispose()


def test_the_worker_runs_retention_daily(tmp_path):
    db = create_database("sqlite", tmp_path, "retention_worker")
    _seed(db, closed_at=datetime.now(UTC) - timedelta(days=3))  # relative to the real clock the job reads
    settings = Settings.from_env({"CASEPATH_ENV": "testing", "DATABASE_URL": db.url,
                                  "CASEPATH_INSTANCE_PATH": str(tmp_path)})
    factory = make_session_factory(db.engine)
    _retention(factory, replace(settings, retention_days=4))
    assert _case(db)[0].erased_at is None
    _retention(factory, replace(settings, retention_days=2))
    assert _case(db)[0].erased_at is not None
    scheduler = start_worker(factory, replace(settings, worker_interval_seconds=3600), blocking=False)
    try:
        job = scheduler.get_job("retention")
        assert job is not None and job.trigger.interval == timedelta(days=1)
    finally:
        scheduler.shutdown(wait=True)
    db.engine.dispose()
