"""Retention: a closed case's personal data go after the period; what statistics read stays."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from engine.cases import closing, events
from engine.cases.access import CaseAccess
from engine.cases.attachments import add_attachment
from engine.cases.models import BreakGlass, Case, CaseEvent, CaseState
from engine.cases.notes import add_note
from engine.cases.record_models import CaseAttachment, CaseNote, TaskSubmission
from engine.cases.retention import run_retention, scrub_state
from engine.cases.runtime import load_case_run
from engine.cases.service import open_case
from engine.config import ConfigError, Settings
from engine.consent.models import Consent, Disclosure, SafeContact
from engine.deadlines.models import Timer
from engine.process_models.service import deploy
from engine.tasks import service as tasks
from engine.tasks.models import Task
from engine.users.service import create_user
from tests.engine.deadlines.diagrams import boundary

OPENED = datetime.fromisoformat("2026-11-23T09:00:00+01:00")
CLOSED = datetime.fromisoformat("2026-11-30T10:00:00+01:00")
DAYS = 1825
PAST = CLOSED + timedelta(days=DAYS, minutes=1)  # the retention period has run out
WITHIN = CLOSED + timedelta(days=DAYS - 1)
PERSONAL = ("010203-1234", "Aisha", "moster", "Nørrebro", "Aarhus", "Bror truer", "alene", "Politiet Øst", "i nat")


def _diagram() -> bytes:
    """start → "Registrér" → "Arbejde" (non-interrupting boundary timer after 10 days) → end."""
    xml = boundary("sag", "timeDuration", "P10D", False).decode()
    xml = xml.replace('<bpmn:flowNodeRef>s</bpmn:flowNodeRef>',
                      '<bpmn:flowNodeRef>s</bpmn:flowNodeRef><bpmn:flowNodeRef>first</bpmn:flowNodeRef>')
    xml = xml.replace('<bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="work" />',
                      '<bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="first" />'
                      '<bpmn:sequenceFlow id="f1" sourceRef="first" targetRef="work" />')
    xml = xml.replace('<bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>',
                      '<bpmn:startEvent id="s"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>'
                      '<bpmn:userTask id="first" name="Registrér"><bpmn:incoming>f0</bpmn:incoming>'
                      '<bpmn:outgoing>f1</bpmn:outgoing></bpmn:userTask>')
    return xml.encode()


@pytest.fixture
def lead(db_session):
    user = create_user(db_session, "lene", "lene@kommune.example", ["teamleder", "modtagerteam"])
    deploy(db_session, _diagram(), actor=user)
    return user


def _full_case(session, lead, closed_at=CLOSED) -> Case:
    """A case holding personal data everywhere it can, closed at `closed_at`."""
    case = open_case(session, "sag", {"cpr": "010203-1234", "name": "Aisha"}, lead, clock=lambda: OPENED).case
    first = session.scalars(select(Task).where(Task.case_id == case.id)).one()
    tasks.complete(session, first.id, {"note": "Bor hos moster på Nørrebro"}, lead, clock=lambda: OPENED)
    consent = Consent(case_id=case.id, given_by="other", recipient_kind="police", scope="Bror truer hende",
                      purpose="Aisha skal beskyttes", given_at=OPENED, recorded_by="lene", giver_name="Aisha",
                      giver_capacity="Den unge selv")
    session.add(consent)
    session.flush()
    session.add_all([
        Disclosure(case_id=case.id, recipient_kind="police", recipient_name="Politiet Øst", summary="Bror truer",
                   purpose="Aisha skal beskyttes", consent_id=consent.id, justification="Fare i nat",
                   disclosed_at=OPENED, recorded_by="lene"),
        SafeContact(case_id=case.id, instructions="Spørg om hun er alene.", ask_if_alone=True),
        BreakGlass(case_id=case.id, user_id=lead.id, reason="Politiet ringede i nat om Aisha", at=OPENED,
                   expires_at=OPENED + timedelta(hours=12)),
    ])
    events.record(session, case.id, "timer_failed", None, "Tidsfristen 'Frist' kunne ikke udføres", at=OPENED,
                  details={"bpmn_id": "b", "problems": [{"message": "name 'Aisha' is not defined"}]})
    session.commit()
    # The case record: a journal note, its correction and an attachment.
    note = add_note(session, case.id, lead, "Aisha ringede i nat fra Aarhus", clock=lambda: OPENED)
    add_note(session, case.id, lead, "Aisha ringede fra moster", corrects=note.id, clock=lambda: OPENED)
    add_attachment(session, case.id, lead, "Aisha 010203-1234.pdf", b"%PDF-1.4 Aisha", "Fra Politiet Øst",
                   max_bytes=1024, clock=lambda: OPENED)
    closing.close_case(session, case.id, lead, "moved", note="Flyttet til moster i Aarhus",
                       receiving_municipality="Aarhus Kommune", clock=lambda: closed_at)
    return case


def _settings(settings: Settings) -> Settings:
    return replace(settings, retention_days=DAYS, access_log_retention_days=730)


def _texts(session, case_id) -> str:
    """Everything stored about the case, as text."""
    parts: list = [session.get(CaseState, case_id).state]
    for model in (Consent, Disclosure, BreakGlass, CaseEvent, Timer, Task, SafeContact, TaskSubmission, CaseNote,
                  CaseAttachment):
        for row in session.scalars(select(model).where(model.case_id == case_id)):
            parts.append({c.key: getattr(row, c.key) for c in model.__table__.columns})
    case = session.get(Case, case_id)
    parts.append((case.closing_note, case.receiving_municipality))
    return json.dumps(parts, default=str, ensure_ascii=False)


def test_retention_erases_exactly_the_personal_data_and_keeps_the_statistics(db_session, lead, settings):
    case = _full_case(db_session, lead)
    text = _texts(db_session, case.id)
    assert [word for word in PERSONAL if word not in text] == []
    before_tasks = [(t.bpmn_id, t.state, t.due_at, t.ended_at, t.created_at)
                    for t in db_session.scalars(select(Task).where(Task.case_id == case.id))]
    before_timers = [(t.bpmn_id, t.state, t.due_at, t.ended_at) for t in
                     db_session.scalars(select(Timer).where(Timer.case_id == case.id))]
    before_kinds = [e.kind for e in events.list_events(db_session, case.id)]

    report = run_retention(db_session, _settings(settings), clock=lambda: PAST)

    db_session.expire_all()
    erased = db_session.get(Case, case.id)
    assert [reference for reference, _closed in report.cases] == [erased.reference] and not report.failed
    text = _texts(db_session, case.id)
    assert [word for word in PERSONAL if word in text] == []
    assert db_session.get(SafeContact, case.id) is None
    consent = db_session.scalars(select(Consent).where(Consent.case_id == case.id)).one()
    assert (consent.scope, consent.purpose, consent.recipient_kind, consent.given_at) == ("", "", "police", OPENED)
    assert (consent.giver_name, consent.giver_capacity) == ("", "")  # who gave it is personal data too
    disclosure = db_session.scalars(select(Disclosure).where(Disclosure.case_id == case.id)).one()
    assert (disclosure.summary, disclosure.purpose, disclosure.justification, disclosure.recipient_name) == (
        "", "", "", "")
    assert (disclosure.recipient_kind, disclosure.consent_id) == ("police", consent.id)
    assert db_session.scalars(select(BreakGlass.reason).where(BreakGlass.case_id == case.id)).one() == ""
    # The record keeps its shape: how many notes and attachments, when, by whom, how large; no content.
    notes = db_session.scalars(select(CaseNote).where(CaseNote.case_id == case.id).order_by(CaseNote.corrects_id)).all()
    assert sorted((n.text, n.author, n.at, n.corrects_id is None) for n in notes) == [
        ("", "lene", OPENED, False), ("", "lene", OPENED, True)]
    attachment = db_session.scalars(select(CaseAttachment).where(CaseAttachment.case_id == case.id)).one()
    assert (attachment.content, attachment.filename, attachment.description, attachment.sha256) == (None, "", "", "")
    assert (attachment.size, attachment.content_type, attachment.at) == (len(b"%PDF-1.4 Aisha"), "application/pdf",
                                                                         OPENED)
    assert [s.data for s in db_session.scalars(select(TaskSubmission).where(TaskSubmission.case_id == case.id))] == [
        {}]
    # Kept: reference, version, dates, the closing reason, deadline outcomes, event kinds.
    assert (erased.status, erased.closed_at, erased.closing_reason, erased.erased_at) == (
        "closed", CLOSED, "moved", PAST)
    assert (erased.closing_note, erased.receiving_municipality) == (None, None)
    assert erased.opened_at == OPENED and erased.process_version.key == "sag"
    assert [(t.bpmn_id, t.state, t.due_at, t.ended_at, t.created_at)
            for t in db_session.scalars(select(Task).where(Task.case_id == case.id))] == before_tasks
    assert [(t.bpmn_id, t.state, t.due_at, t.ended_at) for t in
            db_session.scalars(select(Timer).where(Timer.case_id == case.id))] == before_timers
    after = events.list_events(db_session, case.id)
    assert [e.kind for e in after] == [*before_kinds, "case_erased"]
    failed = next(e for e in after if e.kind == "timer_failed")
    assert failed.details == {"bpmn_id": "b"}
    assert next(e for e in after if e.kind == "case_closed").details == {"closing_reason": "moved"}
    assert after[-1].summary == "Sagens personoplysninger er slettet efter opbevaringsperioden"
    # The saved workflow still loads: every task's state is there, without data.
    workflow = load_case_run(db_session, erased).workflow
    assert workflow.is_completed() and all(task.data == {} for task in workflow.get_tasks())
    assert closing.start_data(db_session, erased) is None
    # A rerun has nothing left to do.
    assert run_retention(db_session, _settings(settings), clock=lambda: PAST + timedelta(days=1)).cases == []


def test_dry_run_lists_and_changes_nothing_and_a_case_within_the_period_stays(db_session, lead, settings):
    old = _full_case(db_session, lead)
    recent = _full_case(db_session, lead, closed_at=CLOSED + timedelta(days=30))
    still_open = open_case(db_session, "sag", {"name": "Aisha"}, lead, clock=lambda: OPENED).case
    texts = {case.id: _texts(db_session, case.id) for case in (old, recent)}

    dry = run_retention(db_session, _settings(settings), clock=lambda: PAST, dry_run=True)
    assert dry.dry_run and dry.cases == [(old.reference, CLOSED)]
    db_session.expire_all()
    assert {case.id: _texts(db_session, case.id) for case in (old, recent)} == texts
    assert db_session.get(Case, old.id).erased_at is None

    assert run_retention(db_session, _settings(settings), clock=lambda: WITHIN).cases == []
    done = run_retention(db_session, _settings(settings), clock=lambda: PAST)
    assert done.cases == [(old.reference, CLOSED)]
    db_session.expire_all()
    assert _texts(db_session, recent.id) == texts[recent.id]
    assert db_session.get(Case, recent.id).erased_at is None
    assert db_session.get(Case, still_open.id).status == "open"
    assert "Aisha" in json.dumps(db_session.get(CaseState, still_open.id).state)


def test_the_access_log_goes_after_its_own_period(db_session, lead, settings):
    case = open_case(db_session, "sag", {}, lead, clock=lambda: OPENED).case
    now = datetime.fromisoformat("2029-01-10T12:00:00+01:00")
    for at in (now - timedelta(days=731), now - timedelta(days=729)):
        db_session.add(CaseAccess(case_id=case.id, user_id=lead.id, username="lene", kind="read_case", at=at))
    db_session.commit()
    dry = run_retention(db_session, _settings(settings), clock=lambda: now, dry_run=True)
    assert dry.access_log_rows == 1
    assert len(db_session.scalars(select(CaseAccess).where(CaseAccess.case_id == case.id)).all()) == 2
    assert run_retention(db_session, _settings(settings), clock=lambda: now).access_log_rows == 1
    kept = db_session.scalars(select(CaseAccess.at).where(CaseAccess.case_id == case.id)).all()
    assert kept == [now - timedelta(days=729)]


def test_scrubbed_state_keeps_timer_values_and_drops_everything_else():
    state = {"root": "r", "data": {"x": 1}, "correlations": {"k": "Aisha"}, "bpmn_events": [{"payload": "Aisha"}],
             "tasks": {"r": {"data": {"cpr": "010203-1234"}, "delta": {}, "children": ["t"],
                             "internal_data": {"event_value": "2026-12-01T00:00:00+01:00", "event_fired": True}},
                       "t": {"data": {}, "delta": {"updates": {"name": "Aisha"}, "deletions": []},
                             "internal_data": {"event_value": {"message": "Aisha"}, "x": "Aisha"}}},
             "subprocesses": {"s": {"data": {"y": "Aisha"}, "tasks": {"u": {"data": {"z": "Aisha"}}}}}}
    scrubbed = scrub_state(state)
    assert "Aisha" not in json.dumps(scrubbed) and "010203" not in json.dumps(scrubbed)
    assert scrubbed["tasks"]["r"]["internal_data"] == {"event_value": "2026-12-01T00:00:00+01:00",
                                                       "event_fired": True}
    assert scrubbed["tasks"]["r"]["children"] == ["t"] and scrubbed["root"] == "r"


def test_settings_refuse_periods_that_are_too_short():
    base = {"CASEPATH_ENV": "testing"}
    assert Settings.from_env(base).retention_days == 1825
    assert Settings.from_env(base).access_log_retention_days == 730
    with pytest.raises(ConfigError):
        Settings.from_env({**base, "CASEPATH_RETENTION_DAYS": "0"})
    with pytest.raises(ConfigError):
        Settings.from_env({**base, "CASEPATH_ACCESS_LOG_RETENTION_DAYS": "182"})
    assert Settings.from_env({**base, "CASEPATH_ACCESS_LOG_RETENTION_DAYS": "183"}).access_log_retention_days == 183
