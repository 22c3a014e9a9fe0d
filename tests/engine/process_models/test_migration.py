"""Version change summaries, and moving open cases to a new version (dry run, then migrate)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from engine.cases.events import list_events
from engine.cases.models import Case
from engine.cases.service import open_case
from engine.errors import PermissionDenied
from engine.process_models.migration import dry_run, migrate
from engine.process_models.service import deploy
from engine.process_models.versions import diff_versions
from engine.tasks import service as tasks
from engine.tasks.models import READY, Task
from engine.users.service import create_user

V1 = (Path(__file__).resolve().parents[2] / "data" / "review.bpmn").read_bytes()
# v2: the approval now leads to a new final check, and the registration task is renamed.
V2 = (V1.replace(b'<bpmn:userTask id="approve" name="Godkend"><bpmn:incoming>f_large</bpmn:incoming>'
                 b'<bpmn:outgoing>f3</bpmn:outgoing></bpmn:userTask>',
                 b'<bpmn:userTask id="approve" name="Godkend"><bpmn:incoming>f_large</bpmn:incoming>'
                 b'<bpmn:outgoing>f3</bpmn:outgoing></bpmn:userTask>'
                 b'<bpmn:userTask id="final_check" name="Slutkontrol"><bpmn:incoming>f3</bpmn:incoming>'
                 b'<bpmn:outgoing>f5</bpmn:outgoing></bpmn:userTask>')
      .replace(b'<bpmn:sequenceFlow id="f3" sourceRef="approve" targetRef="end_approved" />',
               b'<bpmn:sequenceFlow id="f3" sourceRef="approve" targetRef="final_check" />'
               b'<bpmn:sequenceFlow id="f5" sourceRef="final_check" targetRef="end_approved" />')
      .replace(b'<bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>',
               b'<bpmn:incoming>f5</bpmn:incoming></bpmn:endEvent>')
      .replace(b'<bpmn:flowNodeRef>approve</bpmn:flowNodeRef>',
               b'<bpmn:flowNodeRef>approve</bpmn:flowNodeRef><bpmn:flowNodeRef>final_check</bpmn:flowNodeRef>')
      .replace(b'name="Registr\xc3\xa9r"', b'name="Registr\xc3\xa9r henvendelsen"'))


@pytest.fixture
def lead(db_session):
    return create_user(db_session, "lead", "lead@example.invalid", ["teamleder", "modtagerteam"])


def _ready(session, case) -> list[str]:
    return list(session.scalars(select(Task.bpmn_id).where(Task.case_id == case.id, Task.state == READY)))


def test_version_diff_names_added_removed_changed():
    diff = diff_versions(V1, V2)
    assert [(c.element_id, c.name) for c in diff.added] == [("final_check", "Slutkontrol"), ("f5", "")]
    assert diff.removed == []
    changed = {c.element_id: c.details for c in diff.changed}
    assert "name" in changed["register"]
    assert "targetRef" in changed["f3"]
    assert "approve" not in changed


def test_dry_run_then_migrate_moves_only_movable_cases(db_session, lead):
    [v1] = [d.version for d in deploy(db_session, V1, actor=lead)]
    at_register = open_case(db_session, "review", {}, lead).case
    at_approve = open_case(db_session, "review", {}, lead).case
    first = db_session.scalars(select(Task).where(Task.case_id == at_approve.id)).one()
    tasks.complete(db_session, first.id, {"amount": 50}, lead)
    [v2] = [d.version for d in deploy(db_session, V2, actor=lead, comment="slutkontrol")]
    assert v2.version == 2

    checks = {c.reference: c for c in dry_run(db_session, v1, v2, lead)}
    assert checks[at_approve.reference].movable
    assert not checks[at_register.reference].movable
    assert "Registrér" in checks[at_register.reference].reason
    assert db_session.get(Case, at_approve.id).process_version_id == v1.id  # a dry run moves nothing

    results = {c.reference: c for c in migrate(db_session, v1, v2, lead)}
    assert results[at_approve.reference].reason == "moved"
    assert not results[at_register.reference].movable
    db_session.expire_all()
    assert db_session.get(Case, at_approve.id).process_version_id == v2.id
    assert db_session.get(Case, at_register.id).process_version_id == v1.id
    assert "case_migrated" in [e.kind for e in list_events(db_session, at_approve.id)]

    approve = db_session.scalars(select(Task).where(Task.case_id == at_approve.id, Task.state == READY)).one()
    assert approve.bpmn_id == "approve"
    tasks.complete(db_session, approve.id, {}, lead)
    assert _ready(db_session, at_approve) == ["final_check"]  # the new version's step


def test_only_team_leads_migrate(db_session, lead):
    worker = create_user(db_session, "w", "w@example.invalid", ["raadgiver-boern"])
    [v1] = [d.version for d in deploy(db_session, V1, actor=lead)]
    [v2] = [d.version for d in deploy(db_session, V2, actor=lead)]
    with pytest.raises(PermissionDenied):
        dry_run(db_session, v1, v2, worker)


def test_migration_keeps_waiting_timers_counting_from_their_start(db_session, lead):
    from datetime import UTC, datetime, timedelta

    from engine.deadlines.models import WAITING, Timer
    from tests.engine.deadlines.diagrams import boundary

    opened_at = datetime.now(UTC) - timedelta(hours=1)  # migrating an hour later must not restart the 24 hours
    v1_xml = boundary("timed", "timeDuration", "PT24H", interrupting=False)
    [v1] = [d.version for d in deploy(db_session, v1_xml, actor=lead)]
    case = open_case(db_session, "timed", {}, lead, clock=lambda: opened_at).case
    [v2] = [d.version for d in deploy(db_session, v1_xml.replace(b"Frist overskredet", b"Fristen er overskredet"),
                                      actor=lead)]
    assert [c.reason for c in migrate(db_session, v1, v2, lead)] == ["moved"]
    db_session.expire_all()
    [timer] = db_session.scalars(select(Timer).where(Timer.case_id == case.id, Timer.state == WAITING)).all()
    assert timer.due_at == opened_at + timedelta(hours=24)


# v3: the small-amount branch no longer archives; it ends at once.
V3 = (V1.replace('<bpmn:userTask id="archive" name="Arkivér"><bpmn:incoming>f_small</bpmn:incoming>'
                 '<bpmn:outgoing>f4</bpmn:outgoing></bpmn:userTask>'.encode(), b"")
      .replace(b'<bpmn:sequenceFlow id="f_small" sourceRef="gw" targetRef="archive" />',
               b'<bpmn:sequenceFlow id="f_small" sourceRef="gw" targetRef="end_archived" />')
      .replace(b'<bpmn:sequenceFlow id="f4" sourceRef="archive" targetRef="end_archived" />', b"")
      .replace(b'<bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>',
               b'<bpmn:incoming>f_small</bpmn:incoming></bpmn:endEvent>')
      .replace(b'<bpmn:flowNodeRef>archive</bpmn:flowNodeRef>', b""))


def test_a_step_removed_ahead_of_a_case_does_not_block_it_one_it_stands_on_does(db_session, lead):
    [v1] = [d.version for d in deploy(db_session, V1, actor=lead)]
    at_register = open_case(db_session, "review", {}, lead).case
    at_archive = open_case(db_session, "review", {}, lead).case
    first = db_session.scalars(select(Task).where(Task.case_id == at_archive.id)).one()
    tasks.complete(db_session, first.id, {"amount": 5}, lead)
    assert _ready(db_session, at_archive) == ["archive"]
    [v3] = [d.version for d in deploy(db_session, V3, actor=lead, comment="ingen arkivering")]

    checks = {c.reference: c for c in dry_run(db_session, v1, v3, lead, [at_register.id, at_archive.id])}
    assert checks[at_register.reference].movable, checks[at_register.reference].reason
    assert not checks[at_archive.reference].movable
    assert checks[at_archive.reference].reason == "steps it has reached were removed: 'Arkivér'"
    # Only the selected case moves; on the new version a small amount ends the case without archiving.
    assert [c.reason for c in migrate(db_session, v1, v3, lead, [at_register.id])] == ["moved"]
    db_session.expire_all()
    assert db_session.get(Case, at_archive.id).process_version_id == v1.id
    register = db_session.scalars(select(Task).where(Task.case_id == at_register.id, Task.state == READY)).one()
    tasks.complete(db_session, register.id, {"amount": 3}, lead)
    db_session.expire_all()
    assert _ready(db_session, at_register) == []
    assert db_session.get(Case, at_register.id).status == "closed"


def test_a_case_the_engine_cannot_move_stays_and_the_others_still_move(db_session, lead, monkeypatch):
    from engine.process_models import migration

    [v1] = [d.version for d in deploy(db_session, V1, actor=lead)]
    cases = []
    for _ in range(3):
        case = open_case(db_session, "review", {}, lead).case
        first = db_session.scalars(select(Task).where(Task.case_id == case.id)).one()
        tasks.complete(db_session, first.id, {"amount": 50}, lead)
        cases.append(case)
    [v2] = [d.version for d in deploy(db_session, V2, actor=lead)]
    original, calls = migration.migrate_workflow, []

    def flaky(diff, workflow, spec, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("boom")
        return original(diff, workflow, spec, *args, **kwargs)

    monkeypatch.setattr(migration, "migrate_workflow", flaky)
    results = {c.reference: c for c in migrate(db_session, v1, v2, lead)}
    assert [results[c.reference].movable for c in cases] == [True, False, True]
    assert "RuntimeError" in results[cases[1].reference].reason
    db_session.expire_all()
    assert [db_session.get(Case, c.id).process_version_id for c in cases] == [v2.id, v1.id, v2.id]
    assert "case_migrated" not in [e.kind for e in list_events(db_session, cases[1].id)]
