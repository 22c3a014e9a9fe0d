"""`casepath persons access-log --cpr-stdin` and persons in `casepath retention`, as operators run them."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
from datetime import datetime

from engine.cases.access import CaseAccess
from engine.cases.service import open_case
from engine.config import Settings
from engine.db import make_session_factory
from engine.persons import links, service
from engine.process_models.service import deploy
from engine.setup import configure
from engine.users.service import create_user
from tests.cli.test_cli import CASEPATH, DATA
from tests.conftest import create_database

OPENED = datetime.fromisoformat("2026-11-23T09:00:00+01:00")
READ = datetime.fromisoformat("2026-11-24T13:15:00+01:00")
CPR = "010203-4234"


def _seed(db) -> str:
    configure(Settings.from_env({"CASEPATH_ENV": "development"}))  # the key the command uses too
    with make_session_factory(db.engine)() as session:
        lead = create_user(session, "lene", "lene@kommune.example", ["teamleder"])
        others = [create_user(session, name, f"{name}@kommune.example", ["raadgiver-boern"]) for name in ("olga", "ib")]
        deploy(session, (DATA / "review.bpmn").read_bytes(), actor=lead)
        case = open_case(session, "review", {}, lead, clock=lambda: OPENED).case
        aisha = service.create_person(session, lead, {"name": "Aisha", "cpr": CPR}, OPENED)
        links.link_person(session, case.id, aisha.id, lead, OPENED, role="subject")
        for user in (lead, *others):
            session.add(CaseAccess(case_id=case.id, user_id=user.id, username=user.username, kind="read_case",
                                   purpose="case_work", at=READ))
        session.commit()
        service.lookup(session, "0102034234", "Ny underretning", others[0], READ)
        return case.reference


def _run(db, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "CASEPATH_ENV": "development", "DATABASE_URL": db.url}
    return subprocess.run([CASEPATH, *args], env=env, input=stdin, capture_output=True, text=True, timeout=120)


def test_the_access_log_of_a_person_read_by_three_users_as_json_and_csv(tmp_path):
    db = create_database("sqlite", tmp_path, "insight")
    reference = _seed(db)
    answer = _run(db, "persons", "access-log", "--cpr-stdin", stdin=CPR + "\n")
    assert answer.returncode == 0, answer.stderr
    body = json.loads(answer.stdout)
    assert body["person"]["pseudonym"].startswith("Anonym ") and CPR not in answer.stdout
    reads = {(i["at"], i["username"], i["case_reference"], i["purpose"]) for i in body["items"]
             if i["kind"] == "read_case"}
    assert reads == {("2026-11-24T13:15:00+01:00", name, reference, "case_work") for name in ("lene", "olga", "ib")}
    assert [(i["username"], i["purpose"]) for i in body["items"] if i["kind"] == "lookup"] == [
        ("olga", "Ny underretning")]

    exported = _run(db, "persons", "access-log", "--cpr-stdin", "--format", "csv", stdin="0102034234")
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert {r["username"] for r in rows if r["kind"] == "read_case"} == {"lene", "olga", "ib"}
    assert [r["username"] for r in rows if r["kind"] == "insight"] == ["operator"]  # the JSON answer, logged

    unknown = json.loads(_run(db, "persons", "access-log", "--cpr-stdin", stdin="010203-4235").stdout)
    assert unknown == {"person": None, "items": []}
    assert _run(db, "persons", "access-log", "--cpr-stdin", stdin="\n").returncode != 0
    bad = _run(db, "persons", "access-log", "--cpr-stdin", stdin="999999-9999")
    assert bad.returncode != 0 and "999999" not in bad.stderr
    assert _run(db, "persons", "access-log").returncode != 0  # the number only on standard input
    db.engine.dispose()


def test_retention_erases_a_person_in_no_case(tmp_path):
    db = create_database("sqlite", tmp_path, "retention_persons")
    configure(Settings.from_env({"CASEPATH_ENV": "development"}))
    with make_session_factory(db.engine)() as session:
        service.create_person(session, None, {"name": "Glemt"}, OPENED)
    env = {"CASEPATH_TESTING": "1"}
    dry = subprocess.run([CASEPATH, "retention", "--dry-run", "--now", "2031-11-30T10:00:00+01:00"],
                         env={**os.environ, "CASEPATH_ENV": "development", "DATABASE_URL": db.url, **env},
                         capture_output=True, text=True, timeout=120)
    assert dry.returncode == 0, dry.stderr
    assert "would erase 1 persons in no case" in dry.stdout.splitlines()
    done = subprocess.run([CASEPATH, "retention", "--now", "2031-11-30T10:00:00+01:00"],
                          env={**os.environ, "CASEPATH_ENV": "development", "DATABASE_URL": db.url, **env},
                          capture_output=True, text=True, timeout=120)
    assert "erased 1 persons in no case" in done.stdout.splitlines()
    db.engine.dispose()
